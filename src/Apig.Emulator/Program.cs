using Apig.Emulator;

WebApplication app = EmulatorApp.Build(args);
await app.StartAsync();
// Scripts read the first stdout line to learn the real port (with port 0), so it must be the URL alone.
Console.Out.WriteLine(app.Urls.First());
Console.Out.Flush();
await app.WaitForShutdownAsync();
