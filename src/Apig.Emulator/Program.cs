using Apig.Emulator;

WebApplication app = EmulatorApp.Build(args);
await app.StartAsync();
// Scripts read the first stdout line to learn the real port (with port 0), so it must be the URL alone;
// the data plane's address comes second, in a form no URL check mistakes for the API.
Console.Out.WriteLine(app.ApiUrl());
Console.Out.WriteLine($"data plane: {DataPlane.Host}:{app.DataPlanePort()}");
Console.Out.Flush();
await app.WaitForShutdownAsync();
