using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// The bindings use-case against a scripted APIG: one instance i1, group g1 with api.example.com (d1, holding the
/// uploaded copy "old" of the same algorithm), www.example.com (d2, holding c1 already) and api.other.org (d3); the
/// stored certificates c1 (global, *.example.com) and c9 (an instance certificate of i2).
/// </summary>
public class CertificateBindingsTests
{
    private const string Apigw = "/v2/p1/apigw";
    private const string GroupPath = Apigw + "/instances/i1/api-groups/g1";

    private sealed class Apig
    {
        public string Conflict { get; init; } = "refuse";
        public bool StoreKnowsOld { get; init; } = true;
        /// <summary>Longest domains[] the certificate-side batch takes (beyond: 400 APIG.2000).</summary>
        public int MaxBatch { get; init; } = 1000;
        /// <summary>The attached-domain entries, in pages of this many, whatever limit is asked for.</summary>
        public int PageSize { get; init; } = 500;
        public HashSet<string> Unknown { get; init; } = new();
        public ConcurrentDictionary<string, string> Held { get; } = new(new Dictionary<string, string> { ["d1"] = "old", ["d2"] = "c1" });

        public TestResponse Answer(RecordedRequest request)
        {
            string path = request.Path;
            if (request.Method == "GET" && path == GroupPath)
            {
                string Domain(string id, string name) =>
                    "{\"id\":\"" + id + "\",\"domain\":\"" + name + "\",\"min_ssl_version\":\"TLSv1.2\",\"verified_client_certificate_enabled\":false" +
                    (Held.TryGetValue(id, out string? held) ? ",\"ssl_id\":\"" + held + "\",\"ssl_name\":\"" + held + "_name\",\"ssl_infos\":[{\"ssl_id\":\"" + held +
                                                              "\",\"ssl_name\":\"" + held + "_name\",\"algorithm_type\":\"RSA\",\"type\":1}]" : "") + "}";
                return TestResponse.Json(200, "{\"id\":\"g1\",\"name\":\"shop\",\"url_domains\":[" + Domain("d1", "api.example.com") + "," +
                                              Domain("d2", "www.example.com") + "," + Domain("d3", "api.other.org") + "]}");
            }

            if (request.Method == "GET" && path == Apigw + "/instances")
            {
                return TestResponse.Json(200, "{\"total\":1,\"instances\":[{\"id\":\"i1\"}]}");
            }

            if (request.Method == "GET" && path == Apigw + "/instances/i1/api-groups")
            {
                return TestResponse.Json(200, "{\"total\":1,\"groups\":[" + Answer(new RecordedRequest
                {
                    Method = "GET", Target = GroupPath, Headers = new(), Body = Array.Empty<byte>(),
                }).Body + "]}");
            }

            Match certificate = Regex.Match(path, "^" + Apigw + "/certificates/(?<id>c[19])$");
            if (request.Method == "GET" && certificate.Success)
            {
                return certificate.Groups["id"].Value == "c1"
                    ? TestResponse.Json(200, """{"id":"c1","name":"wild","type":"global","instance_id":"common","san":["*.example.com"],"common_name":"*.example.com","algorithm_type":"RSA"}""")
                    : TestResponse.Json(200, """{"id":"c9","name":"other_instance","type":"instance","instance_id":"i2","san":["*.example.com"],"algorithm_type":"RSA"}""");
            }

            Match domainSide = Regex.Match(path, "^" + GroupPath + "/domains/(?<d>d[123])/certificates/(?<op>attach|detach)$");
            if (domainSide.Success)
            {
                string domain = domainSide.Groups["d"].Value;
                string id = JsonDocument.Parse(request.BodyText).RootElement.GetProperty("certificate_ids")[0].GetString()!;
                if (domainSide.Groups["op"].Value == "detach")
                {
                    if (id == "old" && !StoreKnowsOld) return TestResponse.Error(404, "APIG.3025", "The certificate does not exist");
                    if (!Held.TryGetValue(domain, out string? held) || held != id) return TestResponse.Error(404, "APIG.3097", "The binding does not exist");
                    Held.TryRemove(domain, out _);
                    return new TestResponse { Status = 204 };
                }

                return AttachTo(domain, id) ?? new TestResponse { Status = 204 };
            }

            if (request.Method == "DELETE" && Regex.IsMatch(path, "^" + GroupPath + "/domains/d[123]/certificate/old$"))
            {
                Held.TryRemove(path.Split('/')[^3], out _);
                return new TestResponse { Status = 204 };
            }

            Match byName = Regex.Match(path, "^" + Apigw + "/certificates/c1/domains/(?<op>attach|detach)$");
            if (byName.Success)
            {
                var names = JsonDocument.Parse(request.BodyText).RootElement.GetProperty("domains").EnumerateArray()
                    .Select(e => (Name: e.GetProperty("domain").GetString()!, Instances: e.GetProperty("instance_ids").EnumerateArray().Select(i => i.GetString()).ToList()))
                    .ToList();
                if (names.Count > MaxBatch) return TestResponse.Error(400, "APIG.2000", "too many domains");
                var ids = names.Select(n => n.Name == "api.example.com" ? "d1" : n.Name == "www.example.com" ? "d2" : n.Name == "api.other.org" ? "d3" : n.Name).ToList();
                if (names.Any(n => n.Instances.SequenceEqual(new[] { "i1" }) == false)) return TestResponse.Error(400, "APIG.2012", "instance_ids");
                if (ids.FirstOrDefault(id => Unknown.Contains(id)) is { } unknown) return TestResponse.Error(400, "APIG.2000", "no valid domain name " + unknown);
                if (byName.Groups["op"].Value == "detach")
                {
                    var bound = ids.Where(id => Held.TryGetValue(id, out string? held) && held == "c1").ToList();
                    if (bound.Count == 0) return TestResponse.Error(400, "APIG.2000", "no valid domain name");
                    foreach (string id in bound) Held.TryRemove(id, out _);
                    return new TestResponse { Status = 204 };
                }

                if (Conflict == "refuse" && ids.Any(id => Held.TryGetValue(id, out string? held) && held != "c1"))
                {
                    return TestResponse.Error(400, "APIG.2051", "A domain name cannot be bound with different certificates");
                }

                foreach (string id in ids) Held[id] = "c1";
                return new TestResponse { Status = 204 };
            }

            if (request.Method == "GET" && path == Apigw + "/certificates/c1/attached-domains")
            {
                int offset = int.Parse(Regex.Match(request.Query, "offset=(\\d+)").Groups[1].Value);
                // Two entries per name (ports 80 and 443), as the API lists them.
                var entries = Held.Where(h => h.Value == "c1").OrderBy(h => h.Key)
                    .SelectMany(h => new[] { 80, 443 }.Select(port => "{\"url_domain\":\"" + (h.Key == "d1" ? "api.example.com" : h.Key == "d2" ? "www.example.com" : "api.other.org") +
                        "\",\"id\":\"" + h.Key + "\",\"instance_id\":\"i1\",\"api_group_id\":\"g1\",\"api_group_name\":\"shop\",\"ingress_http_port\":80,\"ingress_https_port\":443," +
                        "\"verified_client_certificate_enabled\":true,\"is_http_redirect_to_https\":true,\"min_ssl_version\":\"TLSv1.2\",\"port\":" + port + "}"))
                    .ToList();
                var page = entries.Skip(offset).Take(PageSize);
                return TestResponse.Json(200, "{\"total\":" + entries.Count + ",\"bound_domains\":[" + string.Join(",", page) + "]}");
            }

            return TestResponse.Error(404, "APIG.0101", "no such path " + path);
        }

        private TestResponse? AttachTo(string domain, string id)
        {
            if (Held.TryGetValue(domain, out string? held) && held != id)
            {
                if (Conflict == "refuse") return TestResponse.Error(400, "APIG.2051", "A domain name cannot be bound with different certificates");
            }

            Held[domain] = id;
            return null;
        }
    }

    private static async Task<(TestHttpServer Server, CertificateBindings Bindings, ListLog Log)> Serve(Apig apig)
    {
        var server = new TestHttpServer(apig.Answer);
        var log = new ListLog();
        ApigClient client = await TestSessions.AkSkClientAsync(server);
        return (server, new CertificateBindings(client, new GroupLookup(client), TestSessions.ProjectId, log), log);
    }

    private static readonly DomainRef Api = DomainRef.Create("i1", "g1", "d1");
    private static readonly DomainRef Www = DomainRef.Create("i1", "g1", "d2");
    private static readonly DomainRef Other = DomainRef.Create("i1", "g1", "d3");

    private static int Changes(TestHttpServer server) => server.Count(r => r.Method is "POST" or "DELETE");

    [Fact]
    public async Task TheListingGivesEachNameOnceAcrossPagesThatSplitItsPortEntries()
    {
        var apig = new Apig { PageSize = 3 };
        apig.Held["d1"] = "c1";
        apig.Held["d3"] = "c1";
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        var listed = await bindings.List("c1", null, null).ReadAllAsync(CancellationToken.None);

        Assert.Equal(["api.example.com", "www.example.com", "api.other.org"], listed.Select(b => b.DomainName));
        Assert.All(listed, b => Assert.Equal(("wild", "shop", 443, true, true), (b.CertificateName, b.GroupName, b.HttpsPort, b.VerifyClientCertificate, b.RedirectToHttps)));
        Assert.Equal(2, server.Count(r => r.Path.EndsWith("/attached-domains", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ALiteralNameIsSentAsUrlDomainAndStillMatchedHere()
    {
        var (server, bindings, _) = await Serve(new Apig());
        await using var _s = server;

        var listed = await bindings.List("c1", "www.example.com", name => name == "www.example.com").ReadAllAsync(CancellationToken.None);

        Assert.Equal(["www.example.com"], listed.Select(b => b.DomainName));
        Assert.Contains(server.Requests, r => r.Path.EndsWith("/attached-domains", StringComparison.Ordinal) && r.Query.Contains("url_domain=www.example.com"));
    }

    [Fact]
    public async Task ADomainThatAlreadyHoldsTheCertificateWithTheSameFlagIsUnchangedAndNothingIsSent()
    {
        var (server, bindings, _) = await Serve(new Apig());
        await using var _s = server;

        AttachPlan plan = await bindings.PlanAttachAsync("c1", Www, null, false, CancellationToken.None);
        var flagChange = await Assert.ThrowsAsync<ApigInputException>(() => bindings.PlanAttachAsync("c1", Www, null, true, CancellationToken.None));

        Assert.NotNull(plan.Unchanged);
        Assert.False(plan.Unchanged!.Changed);
        Assert.Equal("TrustedRootCaMissing", flagChange.ErrorId); // a flag change is a change, and verification needs a CA c1 has not
        Assert.Equal(0, Changes(server));
        Assert.Equal(1, server.Count(r => r.Path == GroupPath));
        Assert.Equal(1, server.Count(r => r.Path == Apigw + "/certificates/c1"));
    }

    [Fact]
    public async Task ADomainTheCertificateDoesNotCoverAndADomainOfAnotherInstanceAreRefusedBeforeSending()
    {
        var (server, bindings, _) = await Serve(new Apig());
        await using var _s = server;

        var uncovered = await Assert.ThrowsAsync<ApigInputException>(() => bindings.PlanAttachAsync("c1", Other, null, false, CancellationToken.None));
        var scoped = await Assert.ThrowsAsync<ApigInputException>(() => bindings.PlanAttachAsync("c9", Api, null, false, CancellationToken.None));
        // Checked before the task exists: nothing is sent for it.
        var badId = Assert.Throws<ApigInputException>(() => { _ = bindings.CertificateAsync("c/1", CancellationToken.None); });

        Assert.Equal("DomainNotCovered", uncovered.ErrorId);
        Assert.Contains("'api.other.org'", uncovered.Message);
        Assert.Contains("only *.example.com", uncovered.Message);
        Assert.Equal("CertificateOutOfScope", scoped.ErrorId);
        Assert.Contains("instance i2", scoped.Message);
        Assert.Equal("InvalidId", badId.ErrorId);
        Assert.Equal(0, Changes(server));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task OnApig2051TheOtherCertificateIsDetachedThenTheAttachRepeated(bool storeKnowsOld, int legacyUnbinds)
    {
        var apig = new Apig { StoreKnowsOld = storeKnowsOld };
        var (server, bindings, log) = await Serve(apig);
        await using var _s = server;

        AttachPlan plan = await bindings.PlanAttachAsync("c1", Api, null, false, CancellationToken.None);
        ApigCertificateBinding attached = await bindings.AttachAsync(plan, CancellationToken.None);

        Assert.Equal("c1", apig.Held["d1"]);
        Assert.True(attached.Changed);
        Assert.Equal("api.example.com", attached.DomainName);
        Assert.Equal(2, server.Count(r => r.Path.EndsWith("/d1/certificates/attach", StringComparison.Ordinal)));
        Assert.Equal(1, server.Count(r => r.Path.EndsWith("/d1/certificates/detach", StringComparison.Ordinal)));
        Assert.Equal(legacyUnbinds, server.Count(r => r.Method == "DELETE"));
        Assert.Contains(log.VerboseLines, line => line.Contains("APIG.2051") && line.Contains("'old_name' (id old) was detached"));
    }

    [Fact]
    public async Task WhereApigReplacesTheOtherCertificateOneAttachIsSentAndVerboseSaysWhatWasReplaced()
    {
        var apig = new Apig { Conflict = "replace" };
        var (server, bindings, log) = await Serve(apig);
        await using var _s = server;

        AttachPlan plan = await bindings.PlanAttachAsync("c1", Api, null, false, CancellationToken.None);
        await bindings.AttachAsync(plan, CancellationToken.None);

        Assert.Equal(1, Changes(server));
        Assert.Contains(log.VerboseLines, line => line.Contains("replaced certificate 'old_name' (id old)"));
    }

    [Fact]
    public async Task ANameThatAlreadyHoldsTheCertificateIsLeftOutOfTheBatch()
    {
        var apig = new Apig { Conflict = "replace", MaxBatch = 1 };
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        var plans = await bindings.PlanAttachByNameAsync("c1", ["api.example.com", " WWW.example.com "], null, false, CancellationToken.None);
        var outcomes = await bindings.AttachByNameAsync(plans.Where(p => p.Plan?.Unchanged is null).Select(p => p.Plan!).ToList(), CancellationToken.None);

        Assert.Equal(["api.example.com", "WWW.example.com"], plans.Select(p => p.Name));
        Assert.NotNull(plans[1].Plan!.Unchanged);
        Assert.Single(outcomes);
        Assert.Null(outcomes[0].Failure);
        Assert.Equal("c1", apig.Held["d1"]);
        Assert.Equal(1, bindings.NameBatchRequests);
    }

    [Fact]
    public async Task ABatchOverTheLimitIsHalvedUntilItFits()
    {
        var apig = new Apig { Conflict = "replace", MaxBatch = 1 };
        apig.Held.Clear();
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        var plans = await bindings.PlanAttachByNameAsync("c1", ["api.example.com", "www.example.com"], null, false, CancellationToken.None);
        var outcomes = await bindings.AttachByNameAsync(plans.Select(p => p.Plan!).ToList(), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        Assert.Equal(["c1", "c1"], new[] { apig.Held["d1"], apig.Held["d2"] });
        Assert.Equal(3, bindings.NameBatchRequests);
    }

    [Fact]
    public async Task InTheNameBatchAKnownConflictIsClearedAndSentAgainWithTheOthersUnharmed()
    {
        var apig = new Apig();
        apig.Held.TryRemove("d2", out _);
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        var plans = await bindings.PlanAttachByNameAsync("c1", ["api.example.com", "www.example.com"], "i1", false, CancellationToken.None);
        var outcomes = await bindings.AttachByNameAsync(plans.Select(p => p.Plan!).ToList(), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        Assert.Equal(["c1", "c1"], new[] { apig.Held["d1"], apig.Held["d2"] });
        // The refused pair, www alone, then api after its uploaded copy was detached.
        Assert.Equal(3, bindings.NameBatchRequests);
        Assert.Equal(1, server.Count(r => r.Path.EndsWith("/d1/certificates/detach", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ANameNoGroupHasIsThatNamesErrorAndNothingIsSentForIt()
    {
        var (server, bindings, _) = await Serve(new Apig());
        await using var _s = server;

        var plans = await bindings.PlanAttachByNameAsync("c1", ["nowhere.example.com"], null, false, CancellationToken.None);

        Assert.Equal("DomainNotFound", Assert.IsType<ApigInputException>(plans[0].Failure).ErrorId);
        Assert.Equal(0, Changes(server));
    }

    [Fact]
    public async Task DetachByNameSendsOnlyBoundNamesAndCountsApig2000AsDone()
    {
        var apig = new Apig();
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        var plans = await bindings.PlanDetachByNameAsync("c1", ["www.example.com", "api.example.com"], null, CancellationToken.None);
        Assert.Equal([false, true], plans.Select(p => p.NothingBound));

        apig.Held.TryRemove("d2", out _); // detached by someone else meanwhile: APIG answers APIG.2000
        var outcomes = await bindings.DetachByNameAsync(plans.Where(p => !p.NothingBound).ToList(), CancellationToken.None);

        Assert.Null(outcomes[0].Failure);
        Assert.False(outcomes[0].Changed);
        Assert.Equal(1, bindings.NameBatchRequests);
    }

    [Fact]
    public async Task ADomainSideDetachThatFindsNothingBoundIsDoneWithChangedFalse()
    {
        var apig = new Apig();
        var (server, bindings, _) = await Serve(apig);
        await using var _s = server;

        DetachPlan plan = await bindings.PlanDetachAsync("c1", Www, CancellationToken.None);
        apig.Held.TryRemove("d2", out _);
        ApigCertificateBinding after = await bindings.DetachAsync(plan, CancellationToken.None);
        DetachPlan none = await bindings.PlanDetachAsync("c1", Other, CancellationToken.None);

        Assert.False(plan.NothingBound);
        Assert.False(after.Changed);
        Assert.True(none.NothingBound);
    }
}
