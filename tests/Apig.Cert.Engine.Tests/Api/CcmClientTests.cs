using System.Text.Json;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Certificates;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Api;

/// <summary>CCM's list and export over real HTTP on loopback: what is sent, how leniently answers are read, what never leaks.</summary>
public class CcmClientTests
{
    private const string AccountId = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";

    private static async Task<(TestHttpServer Server, ApigSession Session)> Serve(Func<RecordedRequest, TestResponse> handler, string? accountId = AccountId, ListLog? log = null)
    {
        var server = new TestHttpServer(handler);
        ApigConnectionSettings settings = TestSessions.AkSk(server);
        settings.CcmEndpoint = server.BaseUri;
        settings.AccountId = accountId;
        return (server, await TestSessions.ConnectAsync(settings, log));
    }

    private static string ExportBody(IssuedCertificate leaf, IssuedCertificate intermediate) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["certificate"] = leaf.CertificatePem,
            ["certificate_chain"] = intermediate.CertificatePem,
            ["entire_certificate"] = leaf.CertificatePem + intermediate.CertificatePem,
            ["private_key"] = leaf.Pkcs8Pem,
            ["enc_certificate"] = null,
            ["enc_private_key"] = "SM2-key-material-never-shown",
            ["something_new"] = new { nested = new[] { 1, 2 } },
        });

    [Fact]
    public async Task ListSignsForTheAccountAndPagesByFifty()
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, """{"certificates":[],"total_count":0}"""));
        await using var _ = server;

        var page = await session.CreateCcmClient(null).ListCertificatesAsync(100, CcmClient.MaxPageSize, "api cert", "issued", CancellationToken.None);

        Assert.Empty(page.Items);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v3/scm/certificates", request.Path);
        Assert.Equal("offset=100&limit=50&name=api%20cert&status=ISSUED", request.Query);
        Assert.Equal(AccountId, request.Header("X-Domain-Id"));
        Assert.Null(request.Header("X-Project-Id"));
        Assert.Contains("x-domain-id", request.Header("Authorization"));
    }

    [Fact]
    public async Task WithoutAnAccountIdNoScopeHeaderIsSent()
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, """{"certificates":[]}"""), accountId: null);
        await using var _ = server;

        await session.CreateCcmClient(null).ListCertificatesAsync(0, 10, null, null, CancellationToken.None);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Null(request.Header("X-Domain-Id"));
        Assert.Null(request.Header("X-Project-Id"));
        Assert.StartsWith("SDK-HMAC-SHA256 ", request.Header("Authorization"));
    }

    [Theory]
    [InlineData("\"2027-03-01 12:30:00.0\"")]
    [InlineData("\"1803904200000\"")]
    [InlineData("1803904200000")]
    public async Task ExpireTimeIsReadInEachPlausibleForm(string expireTime)
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, """
            {"certificates":[{"id":"scs1554192131150","name":"api","domain":"api.example.com","sans":"www.example.com,*.example.com;pay.example.com",
              "signature_algorithm":"SHA256WITHRSA","type":"DV_SSL_CERT","brand":"GEOTRUST","expire_time":
            """ + expireTime + """
            ,"domain_type":"MULTI_DOMAIN","validity_period":12,"status":"ISSUED","domain_count":"three","wildcard_count":{"odd":true},
              "authentifications":[{"x":1}],"new_field":null}],"total_count":"1"}
            """));
        await using var _ = server;

        var pages = new CcmCertificates(session.CreateCcmClient(null), null).List(null);
        var all = await pages.ReadAllAsync(CancellationToken.None);

        ApigCcmCertificate certificate = Assert.Single(all);
        Assert.Equal("scs1554192131150", certificate.CertificateId);
        Assert.Equal("api.example.com", certificate.Domain);
        Assert.Equal(["www.example.com", "*.example.com", "pay.example.com"], certificate.SubjectAlternativeNames);
        Assert.Equal("ISSUED", certificate.Status);
        Assert.Equal(new DateTime(2027, 3, 1, 12, 30, 0, DateTimeKind.Utc), certificate.NotAfter);
        Assert.Equal(DateTimeKind.Utc, certificate.NotAfter!.Value.Kind);
        Assert.True(certificate.DaysRemaining > 60);
        Assert.Equal("GEOTRUST", certificate.Brand);
        Assert.Equal(12, certificate.ValidityPeriod);
        Assert.Equal(1, pages.ApiTotal);
        Assert.True(CcmCertificates.Covers(certificate, "shop.example.com"));
        Assert.False(CcmCertificates.Covers(certificate, "a.b.example.com"));
    }

    [Fact]
    public async Task SansAsAListAndAnUnreadableExpiryStillList()
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, """
            {"certificates":[{"id":"scs1","name":"a","sans":["x.example.com","y.example.com"],"expire_time":"next spring"},
                             {"id":"scs2","name":"b","expire_time":true}],"total_count":2}
            """));
        await using var _ = server;

        var all = await new CcmCertificates(session.CreateCcmClient(null), null).List(null).ReadAllAsync(CancellationToken.None);

        Assert.Equal(2, all.Count);
        Assert.Equal(["x.example.com", "y.example.com"], all[0].SubjectAlternativeNames);
        Assert.Null(all[0].NotAfter);
        Assert.Null(all[0].DaysRemaining);
        Assert.Null(all[1].NotAfter);
    }

    [Fact]
    public async Task ListingWalksPagesAndFiltersNamesDomainsAndStatusesHere()
    {
        var (server, session) = await Serve(request =>
        {
            int offset = int.Parse(request.Query.Split('&')[0].Split('=')[1]);
            string body = offset == 0
                ? string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"id":"scs{{i:D13}}","name":"cert{{i}}","domain":"d{{i}}.example.com","status":"{{(i % 2 == 0 ? "ISSUED" : "EXPIRED")}}"}"""))
                : """{"id":"scs9999999999999","name":"wild","domain":"*.example.com","status":"ISSUED"}""";
            return TestResponse.Json(200, "{\"certificates\":[" + body + "],\"total_count\":51}");
        });
        await using var _ = server;

        var filter = new CcmFilter
        {
            DomainMatches = names => CertificateRules.Covers(names, null, "d4.example.com"),
            Statuses = ["issued"],
        };
        var found = await new CcmCertificates(session.CreateCcmClient(null), null).List(filter).ReadAllAsync(CancellationToken.None);

        Assert.Equal(["cert4", "wild"], found.Select(c => c.Name));
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Contains("status=ISSUED", r.Query));
        Assert.Equal("offset=50&limit=50&status=ISSUED", server.Requests[1].Query);
    }

    [Fact]
    public async Task ExportGivesTheCertificateChainAndKeyWithoutLeakingTheKey()
    {
        var log = new ListLog();
        IssuedCertificate leaf = TestPki.RsaLeaf;
        var (server, session) = await Serve(_ => TestResponse.Json(200, ExportBody(leaf, TestPki.Intermediate)), log: log);
        await using var _ = server;

        CertificateSource source = new CcmCertificates(session.CreateCcmClient(log), log).Source("scs1554192131150", CancellationToken.None);
        using var cache = new CertificateSourceCache();
        CertificateBundle bundle = cache.Get(source);
        CertificateBundle again = cache.Get(new CcmCertificates(session.CreateCcmClient(log), log).Source(" scs1554192131150 ", CancellationToken.None));

        Assert.Same(bundle, again);
        Assert.Equal(1, cache.ParseCount);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/scm/certificates/scs1554192131150/export", request.Path);
        Assert.Equal(AccountId, request.Header("X-Domain-Id"));
        Assert.Equal(leaf.Certificate.Thumbprint, bundle.Thumbprint);
        Assert.Equal(2, bundle.ChainLength);
        Assert.Equal(NormalizedKey(leaf.Pkcs8Pem), NormalizedKey(bundle.GetPrivateKeyPem().ToString()));
        Assert.Contains(log.VerboseLines, line => line.Contains("Exporting CCM certificate scs1554192131150", StringComparison.Ordinal));
        Assert.Contains(log.DebugLines, line => line.Contains("/export", StringComparison.Ordinal));
        TestPki.AssertNoSecrets(log.All);
        Assert.DoesNotContain("SM2-key-material", log.All);
        Assert.DoesNotContain("PRIVATE KEY", log.All);
    }

    [Fact]
    public async Task ExportWithTheKeyOfAnotherCertificateIsRefusedLikeAnyInput()
    {
        string body = JsonSerializer.Serialize(new { certificate = TestPki.RsaLeaf.CertificatePem, certificate_chain = "", private_key = TestPki.OtherLeaf.Pkcs8Pem });
        var (server, session) = await Serve(_ => TestResponse.Json(200, body));
        await using var _ = server;

        CertificateSource source = new CcmCertificates(session.CreateCcmClient(null), null).Source("scs1", CancellationToken.None);
        ApigInputException error = TestPki.AssertInputError(() => source.Load(), "CertificateKeyMismatch", "CcmCertificateId");
        Assert.Contains("CCM certificate scs1", error.Message);
    }

    [Theory]
    [InlineData("""{"certificate":"","private_key":""}""", "CcmExportHasNoCertificate")]
    [InlineData("""{"certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","private_key":null}""", "CcmExportHasNoPrivateKey")]
    public async Task AnExportWithoutItsPartsSaysWhatIsMissing(string body, string errorId)
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, body));
        await using var _ = server;

        CertificateSource source = new CcmCertificates(session.CreateCcmClient(null), null).Source("scs1", CancellationToken.None);
        TestPki.AssertInputError(() => source.Load(), errorId, "CcmCertificateId");
    }

    [Fact]
    public async Task CcmErrorsBecomeApiExceptionsWithTheirCode()
    {
        var (server, session) = await Serve(_ => TestResponse.Error(404, "SCM.0016", "The certificate does not exist.", "req-ccm-1"));
        await using var _ = server;

        var error = await Assert.ThrowsAsync<ApigApiException>(() =>
            session.CreateCcmClient(null).ExportCertificateAsync("scs0000000000000", CancellationToken.None));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("SCM.0016", error.ErrorCode);
        Assert.Contains("The certificate does not exist.", error.Message);
        Assert.Contains("req-ccm-1", error.Message);
        Assert.Contains("/v3/scm/certificates/scs0000000000000/export", error.Message);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("scs 1")]
    [InlineData("")]
    public async Task AnUnsafeIdIsRefusedBeforeAnythingIsSent(string id)
    {
        var (server, session) = await Serve(_ => TestResponse.Json(200, "{}"));
        await using var _ = server;

        var error = Assert.Throws<ApigInputException>(() => new CcmCertificates(session.CreateCcmClient(null), null).Source(id, CancellationToken.None));
        Assert.Equal("CcmCertificateId", error.InputName);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void ExportReaderUnescapesTheKeyAndSkipsWhatItDoesNotKnow()
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes("""{"x":{"private_key":"nested"},"private_key":"line1\nline2\u0041\"","certificate":42,"certificate_chain":"c"}""");
        using CcmExportedCertificate exported = CcmExportedCertificate.Read(new ArraySegment<byte>(body));

        Assert.Equal("line1\nline2A\"", new string(exported.TakePrivateKey()));
        Assert.Null(exported.Certificate);
        Assert.Equal("c", exported.CertificateChain);
    }

    private static string NormalizedKey(string pem) => pem.Replace("\r", string.Empty).Trim();
}
