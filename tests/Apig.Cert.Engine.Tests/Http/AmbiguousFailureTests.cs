using System.Net;
using System.Net.Sockets;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Certificates;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>
/// A change request whose outcome is unknown (a 5xx, a lost connection, a timeout once it was sent) is repeated only
/// after a read shows the change is not there; the server here applies the change and then fails the answer.
/// </summary>
public class AmbiguousFailureTests
{
    private static PreparedBinding Binding()
    {
        CertificateBundle bundle = CertificateLoader.FromPem(TestPki.RsaLeaf.CertificatePem + TestPki.Intermediate.CertificatePem,
            TestPki.RsaLeaf.Pkcs8Pem, null);
        return DomainCertificateBinder.Prepare(TestSessions.Domain, null, bundle, "rsa_cert", "Certificate", DateTime.UtcNow);
    }

    private static async Task<ApigClient> ClientAsync(TestHttpServer server, ListLog log, int timeoutSeconds = 10)
    {
        var settings = TestSessions.AkSk(server, maxRetries: 2);
        settings.Timeout = TimeSpan.FromSeconds(timeoutSeconds);
        return (await TestSessions.ConnectAsync(settings, log)).CreateClient(log);
    }

    [Theory]
    [InlineData(Fault.ApplyThen502, "answered 502", 10)]
    [InlineData(Fault.ApplyThenDrop, "lost its connection", 10)]
    [InlineData(Fault.ApplyThenStall, "got no answer within 1 s", 1)]
    public async Task ABindThatTookEffectIsConfirmedByReadingAndNotUploadedAgain(Fault fault, string failure, int timeoutSeconds)
    {
        await using var apig = new FakeDomainApig(fault);
        var log = new ListLog();
        var client = await ClientAsync(apig.Server, log, timeoutSeconds);

        DomainCertificateBinding result = await DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None);

        Assert.Equal(1, apig.Posts);
        Assert.Equal(["c1"], apig.BoundIds);
        Assert.Equal("c1", result.CertificateId);
        Assert.Equal("rsa_cert", result.CertificateName);
        Assert.Equal("api.example.com", result.DomainName);
        Assert.Equal("TLSv1.2", result.MinSslVersion);
        Assert.True(result.Changed);
        Assert.Contains(log.VerboseLines, line =>
            line == "POST " + TestSessions.DomainPath + "/certificate " + failure + " but the certificate is bound: not repeating.");
    }

    [Fact]
    public async Task ABindThatDidNotTakeEffectIsRepeatedAfterReading()
    {
        await using var apig = new FakeDomainApig(Fault.Only502);
        var log = new ListLog();
        var client = await ClientAsync(apig.Server, log);

        DomainCertificateBinding result = await DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None);

        Assert.Equal(2, apig.Posts);
        Assert.Equal(["c1"], apig.BoundIds);
        Assert.Equal("c1", result.CertificateId);
        Assert.Equal("req-bind", result.RequestId);
        Assert.Contains(log.VerboseLines, line => line.EndsWith("answered 502 and reading the state shows it did not take effect: repeating."));
    }

    [Fact]
    public async Task ADifferentCertificateOfTheSameNameIsNoConfirmation()
    {
        await using var apig = new FakeDomainApig(Fault.Only502);
        apig.BindDirectly("rsa_cert", TestPki.OtherLeaf.CertificatePem);
        var client = await ClientAsync(apig.Server, new ListLog());

        DomainCertificateBinding result = await DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None);

        Assert.Equal(2, apig.Posts);
        Assert.Equal("c2", result.CertificateId);
    }

    [Fact]
    public async Task ThrottlingIsRepeatedWithoutReadingFirst()
    {
        int posts = 0;
        await using var server = new TestHttpServer(request => request.Method == "POST" && Interlocked.Increment(ref posts) == 1
            ? TestResponse.Error(429, "APIG.0308", "The throttling threshold has been reached")
            : TestResponse.Json(201, "{\"id\":\"d1\",\"ssl_id\":\"c7\",\"ssl_name\":\"rsa_cert\"}"));
        var client = await ClientAsync(server, new ListLog());

        DomainCertificateBinding result = await DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None);

        Assert.Equal("c7", result.CertificateId);
        Assert.Equal(2, server.Count(r => r.Method == "POST"));
        Assert.Equal(0, server.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task ThrottlingAs500IsRepeatedWithoutReadingFirst()
    {
        int posts = 0;
        await using var server = new TestHttpServer(request => request.Method == "POST" && Interlocked.Increment(ref posts) == 1
            ? TestResponse.Error(500, "APIG.9008", "Too many requests")
            : TestResponse.Json(201, "{\"id\":\"d1\",\"ssl_id\":\"c7\",\"ssl_name\":\"rsa_cert\"}"));
        var client = await ClientAsync(server, new ListLog());

        await DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None);

        Assert.Equal(2, server.Count(r => r.Method == "POST"));
        Assert.Equal(0, server.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task WhenTheStateCannotBeReadTheBindIsNotRepeatedBlindly()
    {
        await using var server = new TestHttpServer(request => request.Method == "POST"
            ? TestResponse.Error(502, "APIG.9999", "Bad gateway")
            : TestResponse.Error(403, "APIG.1005", "No permissions"));
        var log = new ListLog();
        var client = await ClientAsync(server, log);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(1, server.Count(r => r.Method == "POST"));
        Assert.Contains(log.VerboseLines, line => line.Contains("reading the state to see whether it took effect failed too") && line.EndsWith("not repeating."));
    }

    [Fact]
    public async Task AFailureBeforeAnythingWasSentIsRepeatedWithoutReading()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var log = new ListLog();
        var settings = new Apig.Cert.Engine.Connection.ApigConnectionSettings
        {
            Region = "cn-north-4", ProjectId = "p1", Endpoint = new Uri("http://127.0.0.1:" + port), AuthType = Apig.Cert.ApigAuthType.AccessKey,
            AccessKey = TestSessions.AccessKey, SecretKey = TestSessions.Secure(TestSessions.SecretKeyText), MaxRetries = 2,
        };
        var client = (await TestSessions.ConnectAsync(settings, log)).CreateClient(log);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => DomainCertificateBinder.BindAsync(client, "p1", Binding(), CancellationToken.None));

        Assert.Equal(0, error.StatusCode);
        Assert.Contains("3 attempts", error.Message);
        Assert.Equal(2, log.VerboseLines.Count(line => line.StartsWith("Retrying POST")));
        Assert.DoesNotContain(log.VerboseLines, line => line.StartsWith("GET"));
    }

    [Theory]
    [InlineData(Fault.ApplyThen502, "answered 502")]
    [InlineData(Fault.ApplyThenDrop, "lost its connection")]
    public async Task AnUnbindThatTookEffectIsConfirmedByReadingTheGroup(Fault fault, string failure)
    {
        await using var apig = new FakeDomainApig(fault);
        string id = apig.BindDirectly("rsa_cert", TestPki.RsaLeaf.CertificatePem);
        var log = new ListLog();
        var client = await ClientAsync(apig.Server, log);

        await client.UnbindCertificateAsync(TestSessions.Domain, id, CancellationToken.None);

        Assert.Equal(1, apig.Deletes);
        Assert.Empty(apig.BoundIds);
        Assert.Contains(log.VerboseLines, line =>
            line == "DELETE " + TestSessions.DomainPath + "/certificate/" + id + " " + failure + " but the certificate is no longer bound: not repeating.");
    }

    [Fact]
    public async Task AnUnbindThatDidNotTakeEffectIsRepeated()
    {
        await using var apig = new FakeDomainApig(Fault.Only502);
        string id = apig.BindDirectly("rsa_cert", TestPki.RsaLeaf.CertificatePem);
        var client = await ClientAsync(apig.Server, new ListLog());

        await client.UnbindCertificateAsync(TestSessions.Domain, id, CancellationToken.None);

        Assert.Equal(2, apig.Deletes);
        Assert.Empty(apig.BoundIds);
    }

    [Fact]
    public async Task A404ToARepeatedDeleteMeansTheDeleteHadTakenEffect()
    {
        int deletes = 0;
        await using var server = new TestHttpServer(_ => Interlocked.Increment(ref deletes) == 1
            ? TestResponse.Error(502, "APIG.9999", "Bad gateway")
            : TestResponse.Error(404, "APIG.3020", "The URL domain does not exist"));
        var log = new ListLog();
        var client = await ClientAsync(server, log);

        await client.DisassociateDomainAsync("i1", "g1", "d1", CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(log.VerboseLines, line =>
            line == "DELETE /v2/p1/apigw/instances/i1/api-groups/g1/domains/d1: the repeated DELETE answered 404: the domain removal had taken effect.");
    }

    [Fact]
    public async Task A404ToAFirstDeleteIsStillAnError()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(404, "APIG.3020", "The URL domain does not exist"));
        var client = await ClientAsync(server, new ListLog());

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.DisassociateDomainAsync("i1", "g1", "d1", CancellationToken.None));

        Assert.Equal("APIG.3020", error.ErrorCode);
    }

    [Fact]
    public async Task ADomainAssociationThatTookEffectIsConfirmedByReadingTheGroup()
    {
        bool associated = false;
        await using var server = new TestHttpServer(request =>
        {
            if (request.Method == "POST")
            {
                associated = true;
                return TestResponse.Error(502, "APIG.9999", "Bad gateway");
            }

            return TestResponse.Json(200, associated
                ? "{\"id\":\"g1\",\"url_domains\":[{\"id\":\"d9\",\"domain\":\"new.example.com\",\"cname_status\":1}]}"
                : "{\"id\":\"g1\",\"url_domains\":[]}");
        });
        var client = await ClientAsync(server, new ListLog());

        UrlDomainInfo domain = await client.AssociateDomainAsync("i1", "g1", "new.example.com", null, CancellationToken.None);

        Assert.Equal("d9", domain.Id);
        Assert.Equal(1, server.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task ReadsAreStillRepeatedBlindly()
    {
        int calls = 0;
        await using var server = new TestHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? TestResponse.Error(502, "APIG.9999", "Bad gateway")
            : TestResponse.Json(200, "{\"id\":\"g1\"}"));
        var client = await ClientAsync(server, new ListLog());

        GroupInfo group = await client.GetGroupAsync("i1", "g1", CancellationToken.None);

        Assert.Equal("g1", group.Id);
        Assert.Equal(2, server.Requests.Count);
    }
}
