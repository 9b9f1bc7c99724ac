// Placeholder; the emulator is being written.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
