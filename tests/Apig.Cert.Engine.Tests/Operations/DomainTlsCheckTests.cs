using System.Globalization;
using System.Numerics;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Certificates;
using Apig.Cert.Engine.Tests.Http;
using Apig.Cert.Engine.Tests.Probing;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// Served against bound: a real TLS server on loopback for the edge, the API stand-in for what APIG says is bound
/// (domain d1 holds the RSA leaf as c1 and the EC leaf as c2; its listing gives the TLS server's port as its HTTPS port).
/// </summary>
public class DomainTlsCheckTests
{
    private const string GroupPath = "/v2/p1/apigw/instances/i1/api-groups/g1";
    private static readonly DomainRef D1 = DomainRef.Create("i1", "g1", "d1");

    private static string Details(string id, IssuedCertificate issued, string serialForm)
    {
        string hex = issued.Certificate.SerialNumber;
        string serial = serialForm == "decimal" ? BigInteger.Parse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : hex.ToLowerInvariant();
        string notAfter = issued.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return "{\"id\":\"" + id + "\",\"name\":\"site_" + id + "\",\"serial_number\":\"" + serial + "\",\"not_after\":\"" + notAfter +
               "\",\"issuer\":[\"CN=Apig Test Intermediate CA\",\"O=Apig Tests\"]}";
    }

    private static TestHttpServer Api(int httpsPort) => new(request =>
    {
        if (request.Method == "GET" && request.Path == GroupPath)
        {
            return TestResponse.Json(200, """
                {"id":"g1","name":"shop","url_domains":[
                  {"id":"d1","domain":"www.example.com","ingress_https_port":PORT,"ssl_id":"c1","ssl_infos":[
                    {"ssl_id":"c1","ssl_name":"site_c1","algorithm_type":"RSA","type":1},
                    {"ssl_id":"c2","ssl_name":"site_c2","algorithm_type":"ECC","type":1}]}]}
                """.Replace("PORT", httpsPort.ToString(CultureInfo.InvariantCulture)));
        }

        if (request.Method == "GET" && request.Path == GroupPath + "/domains/d1/certificate/c1")
        {
            return TestResponse.Json(200, Details("c1", TestPki.RsaLeaf, "decimal"));
        }

        if (request.Method == "GET" && request.Path == GroupPath + "/domains/d1/certificate/c2")
        {
            return TestResponse.Json(200, Details("c2", TestPki.EcLeaf, "hex"));
        }

        return TestResponse.Error(404, "APIG.3020", "no such thing");
    });

    private static async Task<DomainTlsCheck> Checker(TestHttpServer api)
    {
        ApigClient client = await TestSessions.AkSkClientAsync(api);
        var settings = TlsCheckSettings.Create(TimeSpan.FromSeconds(10), null, null, TimeSpan.FromMilliseconds(100));
        return new DomainTlsCheck(client, new GroupLookup(client), TestSessions.ProjectId, settings, null);
    }

    private static TlsCheckRequest Request(bool wait = false, double timeoutSec = 60) =>
        new(null, D1, null, TlsEndpoint.Parse("127.0.0.1", "Endpoint"), wait, TimeSpan.FromSeconds(timeoutSec));

    private static int Reads(TestHttpServer api, string path) => api.Count(r => r.Method == "GET" && r.Path == path);

    [Fact]
    public async Task The_served_leaf_matches_the_bound_one_whatever_the_serial_format_on_the_domains_own_HTTPS_port()
    {
        await using var edge = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate]);
        await using var api = Api(edge.Port);
        DomainTlsCheck checker = await Checker(api);

        TlsCheckOutcome outcome = await checker.CheckAsync(Request(), CancellationToken.None);

        Assert.Null(outcome.ErrorId);
        ApigTlsCheck check = outcome.Check;
        Assert.Equal("www.example.com", check.DomainName);
        Assert.Equal("127.0.0.1:" + edge.Port, check.Endpoint);
        Assert.True(check.MatchesBound);
        Assert.Equal("c1", check.Bound!.CertificateId);
        Assert.Equal("RSA", check.Bound.AlgorithmType);
        Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, check.Served!.Thumbprint);
    }

    [Fact]
    public async Task Another_certificate_served_does_not_match_and_shows_the_bound_one_of_its_algorithm()
    {
        await using var edge = LoopbackTlsServer.Serving(TestPki.IssueEcLeaf("www.example.com", ["www.example.com"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)), [TestPki.Intermediate]);
        await using var api = Api(edge.Port);
        DomainTlsCheck checker = await Checker(api);

        TlsCheckOutcome outcome = await checker.CheckAsync(Request(), CancellationToken.None);

        Assert.Null(outcome.ErrorId);
        Assert.False(outcome.Check.MatchesBound);
        Assert.Equal("c2", outcome.Check.Bound!.CertificateId);
        Assert.True(outcome.Check.NameMatches);
    }

    [Fact]
    public async Task Waiting_ends_once_the_edge_serves_the_bound_certificate_and_reads_what_is_bound_once()
    {
        var stale = TestPki.IssueEcLeaf("www.example.com", ["www.example.com"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await using var edge = LoopbackTlsServer.Serving(stale, [TestPki.Intermediate]);
        await using var api = Api(edge.Port);
        DomainTlsCheck checker = await Checker(api);
        // The rotation reaches the edge after the third handshake: ordering, not a clock.
        Task rotation = Task.Run(async () =>
        {
            while (edge.Handshakes < 3) await Task.Delay(20);
            edge.ServeNext(TestPki.RsaLeaf, TestPki.Intermediate);
        });

        TlsCheckOutcome outcome = await checker.CheckAsync(Request(wait: true), CancellationToken.None);
        await rotation;

        Assert.Null(outcome.ErrorId);
        Assert.True(outcome.Check.MatchesBound);
        Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, outcome.Check.Served!.Thumbprint);
        Assert.True(edge.Handshakes >= 4);
        Assert.Equal(1, Reads(api, GroupPath));
        Assert.Equal(1, Reads(api, GroupPath + "/domains/d1/certificate/c1"));
        Assert.Equal(1, Reads(api, GroupPath + "/domains/d1/certificate/c2"));
    }

    [Fact]
    public async Task Waiting_past_its_timeout_comes_back_with_the_last_check_and_its_error()
    {
        var stale = TestPki.IssueEcLeaf("www.example.com", ["www.example.com"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await using var edge = LoopbackTlsServer.Serving(stale, [TestPki.Intermediate]);
        await using var api = Api(edge.Port);
        DomainTlsCheck checker = await Checker(api);

        TlsCheckOutcome outcome = await checker.CheckAsync(Request(wait: true, timeoutSec: 1), CancellationToken.None);

        Assert.Equal("TlsNotMatched", outcome.ErrorId);
        Assert.False(outcome.Check.MatchesBound);
        Assert.Contains("did not serve the bound certificate within 1 s", outcome.Check.Error);
        Assert.True(edge.Handshakes >= 2);
        Assert.Equal(1, Reads(api, GroupPath));
    }

    [Fact]
    public async Task Without_a_connection_the_check_works_and_whether_it_matches_stays_unknown()
    {
        await using var edge = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate]);
        var checker = new DomainTlsCheck(null, null, string.Empty, TlsCheckSettings.Create(TimeSpan.FromSeconds(10), null, null, TimeSpan.FromSeconds(2)), null);

        TlsCheckOutcome outcome = await checker.CheckAsync(
            new TlsCheckRequest("www.example.com", null, null, TlsEndpoint.Parse("127.0.0.1:" + edge.Port, "Endpoint"), false, TimeSpan.Zero), CancellationToken.None);

        Assert.Null(outcome.ErrorId);
        Assert.Null(outcome.Check.MatchesBound);
        Assert.Null(outcome.Check.Bound);
        Assert.False(checker.CanReadBound);
    }

    [Theory]
    [InlineData("203.0.113.10", "203.0.113.10", null)]
    [InlineData("gw.example.com:8443", "gw.example.com", 8443)]
    [InlineData("[2001:db8::1]:443", "2001:db8::1", 443)]
    [InlineData("2001:db8::1", "2001:db8::1", null)]
    public void An_endpoint_is_host_and_optional_port(string text, string host, int? port)
    {
        TlsEndpoint endpoint = TlsEndpoint.Parse(text, "Endpoint");
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("https://gw.example.com")]
    [InlineData("gw.example.com:0")]
    [InlineData("gw.example.com:70000")]
    [InlineData("gw.example.com/path")]
    [InlineData("")]
    [InlineData("[::1")]
    public void A_bad_endpoint_is_an_input_error_naming_the_form(string text)
    {
        var error = TestPki.AssertInputError(() => TlsEndpoint.Parse(text, "Endpoint"), "EndpointInvalid", "Endpoint");
        Assert.Contains("host[:port]", error.Message);
    }

    [Fact]
    public void A_client_certificate_without_its_key_is_refused_before_anything_is_connected()
    {
        var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestPki.EcLeaf.Certificate.RawData);
        TestPki.AssertInputError(() => TlsCheckSettings.Create(TimeSpan.FromSeconds(5), publicOnly, null, TimeSpan.FromSeconds(2)), "ClientCertificateWithoutKey", "ClientCertificate");
    }
}
