using System.Text.RegularExpressions;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// Resolving and unbinding the certificates of a domain against a group whose domain d1 holds an RSA and an ECC
/// certificate and whose domain d2 holds none.
/// </summary>
public class DomainCertificatesTests
{
    private const string GroupPath = "/v2/p1/apigw/instances/i1/api-groups/g1";

    private static TestResponse Group(RecordedRequest request)
    {
        if (request.Method == "GET" && request.Path == GroupPath)
        {
            return TestResponse.Json(200, """
                {"id":"g1","name":"shop","url_domains":[
                  {"id":"d1","domain":"api.example.com","ssl_id":"c1","ssl_name":"site_rsa","ssl_infos":[
                    {"ssl_id":"c1","ssl_name":"site_rsa","algorithm_type":"RSA","type":1},
                    {"ssl_id":"c2","ssl_name":"site_ecc","algorithm_type":"ECC","type":1}]},
                  {"id":"d2","domain":"bare.example.com","ssl_infos":[]}]}
                """);
        }

        Match certificate = Regex.Match(request.Path, "^" + GroupPath + "/domains/d1/certificate/(?<id>c[12])$");
        if (certificate.Success && request.Method == "GET")
        {
            string id = certificate.Groups["id"].Value;
            return TestResponse.Json(200, "{\"id\":\"" + id + "\",\"name\":\"site_" + (id == "c1" ? "rsa" : "ecc") +
                                          "\",\"common_name\":\"api.example.com\",\"not_after\":\"2030-01-02T03:04:05Z\",\"issuer\":[\"Test CA\"]}");
        }

        if (certificate.Success && request.Method == "DELETE")
        {
            return new TestResponse { Status = 204 };
        }

        return TestResponse.Error(404, "APIG.3020", "no such thing");
    }

    private static async Task<(TestHttpServer Server, DomainCertificates Certificates, ListLog Log)> Serve()
    {
        var server = new TestHttpServer(Group);
        var log = new ListLog();
        ApigClient client = await TestSessions.AkSkClientAsync(server);
        return (server, new DomainCertificates(client, new GroupLookup(client), TestSessions.ProjectId, log), log);
    }

    private static readonly DomainRef Dual = DomainRef.Create("i1", "g1", "d1");
    private static readonly DomainRef Bare = DomainRef.Create("i1", "g1", "d2");

    private static int Sent(TestHttpServer server, string method, string pathStart) =>
        server.Count(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal));

    [Fact]
    public async Task EveryBoundCertificateIsShownWithItsAlgorithmAndTheGroupIsReadOnceForSeveralDomains()
    {
        var (server, certificates, _) = await Serve();
        await using var _s = server;

        var dual = await certificates.GetAsync(Dual, null, CertificateChoice.EveryBound, CancellationToken.None);
        var bare = await certificates.GetAsync(Bare, null, CertificateChoice.EveryBound, CancellationToken.None);

        Assert.Equal([("c1", "RSA"), ("c2", "ECC")], dual.Certificates.Select(c => (c.CertificateId, c.AlgorithmType)));
        Assert.All(dual.Certificates, c => Assert.Equal("api.example.com", c.DomainName));
        Assert.True(bare.NothingBound);
        Assert.Equal(1, Sent(server, "GET", GroupPath) - Sent(server, "GET", GroupPath + "/"));
    }

    [Fact]
    public async Task APipedIdNoLongerBoundFallsBackToWhatIsBoundNowAndSaysSo()
    {
        var (server, certificates, log) = await Serve();
        await using var _s = server;

        var shown = await certificates.GetAsync(Dual, " api.example.com ", CertificateChoice.Piped("c0"), CancellationToken.None);

        Assert.Equal(["c1", "c2"], shown.Certificates.Select(c => c.CertificateId));
        Assert.Contains(log.VerboseLines, line => line == "Certificate c0 is no longer bound to 'api.example.com'; showing what is bound now.");
    }

    [Fact]
    public async Task APlanOnlyReadsAndNamesEachCertificateOfTheAlgorithm()
    {
        var (server, certificates, _) = await Serve();
        await using var _s = server;
        var unbinder = new DomainCertificateUnbinder(certificates);

        UnbindPlan plan = await unbinder.PlanAsync(Dual, null, CertificateChoice.EveryBound, "ecc", readDomainWhenNothingBound: true, CancellationToken.None);

        Assert.Equal(0, Sent(server, "DELETE", GroupPath));
        Assert.Equal("api.example.com", plan.DomainName);
        PlannedUnbind only = Assert.Single(plan.Certificates);
        Assert.Equal("'site_ecc' (ECC, expires 2030-01-02, id c2)", only.Description);
        Assert.Null(plan.DomainBefore);
    }

    [Fact]
    public async Task UnbindingSendsOneDeletePerPlannedCertificateAndReturnsTheDomainReadAfterwards()
    {
        var (server, certificates, log) = await Serve();
        await using var _s = server;
        var unbinder = new DomainCertificateUnbinder(certificates);
        UnbindPlan plan = await unbinder.PlanAsync(Dual, null, CertificateChoice.EveryBound, null, readDomainWhenNothingBound: true, CancellationToken.None);
        int groupReads = Sent(server, "GET", GroupPath) - Sent(server, "GET", GroupPath + "/");

        UnbindResult result = await unbinder.UnbindAsync(plan, readDomainAfter: true, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Equal([GroupPath + "/domains/d1/certificate/c1", GroupPath + "/domains/d1/certificate/c2"],
            server.Requests.Where(r => r.Method == "DELETE").Select(r => r.Path));
        // The domain after is read fresh, not from the group cache that predates the unbind.
        Assert.Equal(groupReads + 1, Sent(server, "GET", GroupPath) - Sent(server, "GET", GroupPath + "/"));
        Assert.Equal("d1", result.Domain!.DomainId);
        Assert.Contains("Unbound certificate c2 from api.example.com.", log.VerboseLines);
    }

    [Fact]
    public async Task ADomainWithNothingBoundPlansNothingAndUnbindingItSendsNothing()
    {
        var (server, certificates, _) = await Serve();
        await using var _s = server;
        var unbinder = new DomainCertificateUnbinder(certificates);

        UnbindPlan plan = await unbinder.PlanAsync(Bare, null, CertificateChoice.EveryBound, null, readDomainWhenNothingBound: true, CancellationToken.None);
        UnbindResult result = await unbinder.UnbindAsync(plan, readDomainAfter: true, CancellationToken.None);

        Assert.True(plan.NothingBound);
        Assert.Equal("bare.example.com", plan.DomainBefore!.DomainName);
        Assert.True(result.NothingBound);
        Assert.Same(plan.DomainBefore, result.Domain);
        Assert.Equal(0, Sent(server, "DELETE", GroupPath));
    }

    [Fact]
    public void AMalformedCertificateIdIsRefusedWhereTheChoiceIsMade()
    {
        var error = Assert.Throws<ApigInputException>(() => CertificateChoice.Typed("../c1"));
        Assert.Equal("CertificateId", error.InputName);
    }
}
