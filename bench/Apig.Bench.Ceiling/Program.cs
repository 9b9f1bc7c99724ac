// Usage: Apig.Bench.Ceiling <baseUrl> <projectId> <token> <certFile> <keyFile> <concurrency> <path-file>
// <path-file> holds one "instanceId/groupId/domainId" per line. Prints "<bound>|<elapsed ms>".
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

string baseUrl = args[0].TrimEnd('/');
string projectId = args[1];
string token = args[2];
string certPem = File.ReadAllText(args[3]);
string keyPem = File.ReadAllText(args[4]);
int concurrency = int.Parse(args[5]);
string[] domains = File.ReadAllLines(args[6]).Where(l => l.Length > 0).ToArray();

byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
{
    ["name"] = "ceiling_cert",
    ["cert_content"] = certPem,
    ["private_key"] = keyPem,
});

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseCookies = false });
using var gate = new SemaphoreSlim(concurrency);
int bound = 0;
var watch = Stopwatch.StartNew();
await Task.WhenAll(domains.Select(async line =>
{
    await gate.WaitAsync();
    try
    {
        string[] ids = line.Split('/');
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{baseUrl}/v2/{projectId}/apigw/instances/{ids[0]}/api-groups/{ids[1]}/domains/{ids[2]}/certificate");
        request.Headers.Add("X-Auth-Token", token);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json;charset=UTF-8");
        using HttpResponseMessage response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        if ((int)response.StatusCode == 201) Interlocked.Increment(ref bound);
    }
    finally
    {
        gate.Release();
    }
}));
watch.Stop();
Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bound}|{watch.Elapsed.TotalMilliseconds}"));
