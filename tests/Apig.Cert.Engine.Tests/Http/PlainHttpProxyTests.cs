using System.Text;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>
/// Plain http carries credentials and private keys in clear text, so it only ever goes straight to this machine; an
/// explicit proxy for it is refused. The "proxy" here is a loopback server that records whatever reaches it.
/// </summary>
public class PlainHttpProxyTests
{
    /// <summary>An https endpoint nobody serves: all that can happen is the tunnel request to the proxy.</summary>
    private static ApigConnectionSettings HttpsThrough(TestHttpServer proxy, int maxRetries) => new()
    {
        Region = "cn-north-4", ProjectId = "p1", Endpoint = new Uri("https://apig.example.invalid"), AuthType = Apig.Cert.ApigAuthType.AccessKey,
        AccessKey = TestSessions.AccessKey, SecretKey = TestSessions.Secure(TestSessions.SecretKeyText), MaxRetries = maxRetries, Proxy = proxy.BaseUri,
    };

    private static TestResponse ProxyChallenge()
    {
        var challenge = TestResponse.Json(407, "");
        challenge.Headers["Proxy-Authenticate"] = "Basic realm=\"test\"";
        return challenge;
    }

    [Fact]
    public async Task AnExplicitProxyWithAPlainHttpEndpointIsRefusedAtConnectAndNothingIsSent()
    {
        await using var proxy = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        await using var endpoint = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        var settings = TestSessions.AkSk(endpoint);
        settings.Proxy = proxy.BaseUri;

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

        Assert.Equal("ProxyWithPlainHttpEndpoint", error.ErrorId);
        Assert.Equal("Proxy", error.InputName);
        Assert.Contains("-Proxy " + proxy.BaseUrl, error.Message);
        Assert.Contains("-Endpoint " + endpoint.BaseUrl, error.Message);
        Assert.Contains("remove -Proxy", error.Message);
        Assert.Empty(proxy.Requests);
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public async Task AnExplicitProxyWithAPlainHttpIamEndpointIsRefusedBeforeThePasswordIsSent()
    {
        await using var proxy = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        await using var iam = new TestHttpServer(_ => TestResponse.Json(201, "{}"));
        var settings = new ApigConnectionSettings
        {
            Region = "cn-north-4", ProjectId = "p1", Endpoint = new Uri("https://apig.example.invalid"), IamEndpoint = iam.BaseUri,
            AuthType = Apig.Cert.ApigAuthType.Password, UserName = "user", Password = TestSessions.Secure("Pa55-word"), AccountName = "acct",
            Proxy = proxy.BaseUri,
        };

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

        Assert.Equal("ProxyWithPlainHttpEndpoint", error.ErrorId);
        Assert.Contains("-IamEndpoint " + iam.BaseUrl, error.Message);
        Assert.Empty(proxy.Requests);
        Assert.Empty(iam.Requests);
    }

    [Fact]
    public async Task AnHttpsEndpointStillGoesThroughTheExplicitProxyWithItsCredentials()
    {
        int connects = 0;
        await using var proxy = new TestHttpServer(_ =>
            Interlocked.Increment(ref connects) == 1 ? ProxyChallenge() : TestResponse.Json(502, ""));
        var settings = HttpsThrough(proxy, maxRetries: 0);
        settings.ProxyUserName = "proxy-user";
        settings.ProxyPassword = TestSessions.Secure("proxy-pass");
        var client = (await TestSessions.ConnectAsync(settings)).CreateClient(null);

        await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.All(proxy.Requests, request => Assert.Equal("CONNECT apig.example.invalid:443", request.Method + " " + request.Target));
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("proxy-user:proxy-pass"));
        Assert.Contains(proxy.Requests, request => request.Header("Proxy-Authorization") == expected);
    }

    [Fact]
    public async Task AProxyThatDemandsCredentialsForAnHttpsEndpointGivesTheProxyError()
    {
        await using var proxy = new TestHttpServer(_ => ProxyChallenge());
        var settings = HttpsThrough(proxy, maxRetries: 2);
        var client = (await TestSessions.ConnectAsync(settings)).CreateClient(null);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(407, error.StatusCode);
        Assert.StartsWith("The proxy refused the request to https://apig.example.invalid: it requires authentication (HTTP 407", error.Message);
        Assert.Single(proxy.Requests);
    }
}
