using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Apig.Emulator;
using Microsoft.AspNetCore.Builder;

namespace Apig.Emulator.Tests;

public class StartupTests
{
    private static string EmulatorDll()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "Apig.Emulator.dll");
        Assert.True(File.Exists(beside), $"{beside} not found");
        return beside;
    }

    [Fact]
    public async Task First_stdout_line_is_the_base_url_the_second_the_data_plane_and_sigterm_stops_cleanly()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { EmulatorDll(), "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        try
        {
            Task<string?> firstLine = process.StandardOutput.ReadLineAsync();
            Assert.Same(firstLine, await Task.WhenAny(firstLine, Task.Delay(TimeSpan.FromSeconds(30))));
            string url = (await firstLine)!;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);
            Assert.NotEqual("http://127.0.0.1:0", url);
            string? secondLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Matches(@"^data plane: 127\.0\.0\.1:\d+$", secondLine);
            Assert.DoesNotMatch(@":0$", secondLine);

            using var http = new HttpClient();
            var request = new HttpRequestMessage(HttpMethod.Get, url + "/v2/" + SeedDocument.DefaultProjectId + "/apigw/instances");
            request.Headers.Add("X-Auth-Token", SeedDocument.DefaultToken);
            using HttpResponseMessage response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            if (!OperatingSystem.IsWindows())
            {
                using Process kill = Process.Start("kill", ["-TERM", process.Id.ToString()])!;
                await kill.WaitForExitAsync();
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await process.WaitForExitAsync(exited.Token);
                Assert.Equal(0, process.ExitCode);
                Assert.Equal("", (await process.StandardOutput.ReadToEndAsync()).Trim());
                // Nothing to warn about either: the API and data plane endpoints are the emulator's own.
                Assert.Equal("", (await process.StandardError.ReadToEndAsync()).Trim());
            }
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Data_plane_port_takes_the_given_port_and_refuses_a_non_number()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using (WebApplication app = EmulatorApp.Build(["--urls=http://127.0.0.1:0", "--data-plane-port", port.ToString()]))
        {
            await app.StartAsync();
            Assert.Equal(port, app.DataPlanePort());
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", app.ApiUrl());
            Assert.Equal(app.ApiUrl(), app.Urls.First());
            await app.StopAsync();
        }

        var refused = Assert.Throws<ArgumentException>(() => EmulatorApp.Build(["--data-plane-port", "tls"]));
        Assert.Contains("--data-plane-port", refused.Message);
    }

    [Fact]
    public async Task State_file_seeds_instances_and_credentials()
    {
        string file = Path.Combine(Path.GetTempPath(), $"emulator-state-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            {
              // comments are allowed
              "region": "ap-southeast-1",
              "projectId": "11112222333344445555666677778888",
              "instances": [ { "id": "custominstance000000000000000001", "name": "custom",
                  "groups": [ { "id": "customgroup000000000000000000001", "name": "g",
                      "domains": [ { "id": "customdomain00000000000000000001", "domain": "c.example.net" } ] } ] } ],
              "tokens": [
                { "token": "custom-token", "projectId": "11112222333344445555666677778888", "expiresAt": "2099-01-01T00:00:00Z" },
                { "token": "other-project-token", "projectId": "99999999999999999999999999999999", "expiresAt": "2099-01-01T00:00:00Z" }
              ]
            }
            """, Encoding.UTF8);
        try
        {
            await using WebApplication app = EmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--state", file]);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            const string groups = "/v2/11112222333344445555666677778888/apigw/instances/custominstance000000000000000001/api-groups";

            var ok = new HttpRequestMessage(HttpMethod.Get, groups);
            ok.Headers.Add("X-Auth-Token", "custom-token");
            using HttpResponseMessage okResponse = await http.SendAsync(ok);
            Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);
            JsonElement body = JsonDocument.Parse(await okResponse.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("c.example.net", body.GetProperty("groups")[0].GetProperty("url_domains")[0].GetProperty("domain").GetString());
            Assert.Equal("TLSv1.2", body.GetProperty("groups")[0].GetProperty("url_domains")[0].GetProperty("min_ssl_version").GetString());

            var other = new HttpRequestMessage(HttpMethod.Get, groups);
            other.Headers.Add("X-Auth-Token", "other-project-token");
            using HttpResponseMessage otherResponse = await http.SendAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, otherResponse.StatusCode);
            Assert.Contains("APIG.1005", await otherResponse.Content.ReadAsStringAsync());

            // Left-out sections fall back to the default seed's users and keys.
            Assert.Contains(app.GetState().Users, u => u.Name == SeedDocument.DefaultUserName);
            Assert.True(app.GetState().AccessKeys.ContainsKey(SeedDocument.DefaultAccessKey));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
