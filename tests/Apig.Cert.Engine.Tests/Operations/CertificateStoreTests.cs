using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Certificates;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// The store use-cases against a small scripted store: instances i1 and i2, certificates kept as JSON, global ones
/// listed per instance or not (the API leaves it open), attached domains, and a create whose answer can be lost.
/// </summary>
public class CertificateStoreTests
{
    private const string Base = "/v2/p1/apigw";

    private sealed class FakeStore
    {
        public readonly Dictionary<string, Dictionary<string, object?>> Certificates = new();
        public readonly Dictionary<string, List<(string Domain, string Instance)>> Bound = new();
        public bool ListIncludesGlobal = true;
        public bool LoseNextCreateAnswer;
        public int Created;

        public void Add(string id, string name, string type, string? instance, string notAfter, string serial = "1", string[]? issuer = null, bool ca = false) =>
            Certificates[id] = new Dictionary<string, object?>
            {
                ["id"] = id, ["name"] = name, ["type"] = type, ["instance_id"] = instance ?? "common", ["project_id"] = "p1",
                ["common_name"] = "www.example.com", ["san"] = new[] { "www.example.com", "*.api.example.com" }, ["not_after"] = notAfter,
                ["serial_number"] = serial, ["issuer"] = issuer ?? ["CN=Other"], ["is_has_trusted_root_ca"] = ca, ["algorithm_type"] = "RSA",
            };

        public TestResponse Handle(RecordedRequest request)
        {
            lock (this)
            {
                if (request.Method == "GET" && request.Path == Base + "/instances")
                    return TestResponse.Json(200, """{"total":2,"instances":[{"id":"i1"},{"id":"i2"}]}""");
                if (request.Method == "GET" && request.Path == Base + "/certificates")
                {
                    var query = request.Query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
                    string instance = query["instance_id"];
                    query.TryGetValue("type", out string? type);
                    var listed = Certificates.Values
                        .Where(c => (string)c["type"]! == "global" ? ListIncludesGlobal : (string)c["instance_id"]! == instance)
                        .Where(c => type is null || (string)c["type"]! == type)
                        .Select(c => c.Where(p => p.Key is not ("serial_number" or "issuer")).ToDictionary(p => p.Key, p => p.Value))
                        .ToList();
                    return TestResponse.Json(200, JsonSerializer.Serialize(new { total = listed.Count, size = listed.Count, certs = listed }));
                }

                if (request.Method == "POST" && request.Path == Base + "/certificates")
                {
                    using JsonDocument body = JsonDocument.Parse(request.BodyText);
                    string id = "new" + (++Created).ToString(CultureInfo.InvariantCulture).PadLeft(29, '0');
                    var bundle = Loaded;
                    Add(id, body.RootElement.GetProperty("name").GetString()!, body.RootElement.GetProperty("type").GetString()!,
                        body.RootElement.TryGetProperty("instance_id", out JsonElement i) ? i.GetString() : null,
                        bundle.NotAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), DecimalSerial(bundle), bundle.IssuerParts.ToArray(),
                        body.RootElement.TryGetProperty("trusted_root_ca", out _));
                    if (LoseNextCreateAnswer)
                    {
                        LoseNextCreateAnswer = false;
                        return TestResponse.Error(502, "APIG.0201", "Backend unavailable");
                    }

                    return TestResponse.Json(200, JsonSerializer.Serialize(Certificates[id]));
                }

                Match attached = Regex.Match(request.Path, "^" + Base + "/certificates/(?<id>[^/]+)/attached-domains$");
                if (attached.Success)
                {
                    // One entry per ingress port, as the API lists them.
                    var entries = Bound.GetValueOrDefault(attached.Groups["id"].Value, [])
                        .SelectMany(b => new[] { 80, 443 }.Select(port => new { url_domain = b.Domain, instance_id = b.Instance, id = "d-" + b.Domain, ingress_http_port = port }))
                        .ToList();
                    return TestResponse.Json(200, JsonSerializer.Serialize(new { total = entries.Count, bound_domains = entries }));
                }

                Match detach = Regex.Match(request.Path, "^" + Base + "/certificates/(?<id>[^/]+)/domains/detach$");
                if (detach.Success)
                {
                    Bound.Remove(detach.Groups["id"].Value);
                    return new TestResponse { Status = 204 };
                }

                Match one = Regex.Match(request.Path, "^" + Base + "/certificates/(?<id>[^/]+)$");
                if (one.Success && Certificates.TryGetValue(one.Groups["id"].Value, out var certificate))
                {
                    if (request.Method == "GET") return TestResponse.Json(200, JsonSerializer.Serialize(certificate));
                    if (request.Method == "PUT") return TestResponse.Json(200, JsonSerializer.Serialize(certificate));
                    if (request.Method == "DELETE")
                    {
                        Certificates.Remove(one.Groups["id"].Value);
                        return new TestResponse { Status = 204 };
                    }
                }

                return TestResponse.Error(404, "APIG.3025", "The certificate does not exist");
            }
        }
    }

    private static readonly Lazy<CertificateBundle> s_bundle = new(() =>
        CertificateLoader.FromPem(TestPki.RsaLeaf.CertificatePem + TestPki.Intermediate.CertificatePem, TestPki.RsaLeaf.Pkcs8Pem, null));

    private static CertificateBundle Loaded => s_bundle.Value;

    private static string DecimalSerial(CertificateBundle bundle) =>
        BigInteger.Parse("0" + bundle.SerialNumber, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    private static string NotAfterText(CertificateBundle bundle) => bundle.NotAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<(TestHttpServer Server, StoredCertificates Store, FakeStore Fake, ListLog Log)> Serve()
    {
        var fake = new FakeStore();
        var server = new TestHttpServer(fake.Handle);
        var log = new ListLog();
        ApigClient client = await TestSessions.AkSkClientAsync(server, maxRetries: 2, log: log);
        return (server, new StoredCertificates(client, TestSessions.ProjectId, log), fake, log);
    }

    private static int Sent(TestHttpServer server, string method, string? pathPattern = null) =>
        server.Count(r => r.Method == method && (pathPattern is null || Regex.IsMatch(r.Path, pathPattern)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGlobalCertificateIsListedOnceAcrossInstancesWithOneListRequestPerInstance(bool listIncludesGlobal)
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.ListIncludesGlobal = listIncludesGlobal;
        fake.Add("g1", "shared", "global", null, "2030-01-01T00:00:00Z");
        fake.Add("c1", "one", "instance", "i1", "2030-01-01T00:00:00Z");
        fake.Add("c2", "two", "instance", "i2", "2030-01-01T00:00:00Z");

        var seen = new HashSet<string>();
        List<ApigCertificate> all = await store.List(null, null, seen).ReadAllAsync(CancellationToken.None);

        Assert.Equal(listIncludesGlobal ? ["g1", "c1", "c2"] : ["c1", "c2"], all.Select(c => c.CertificateId));
        Assert.Equal(2, Sent(server, "GET", "/certificates$"));
        Assert.Null(all.Single(c => c.CertificateId == "c1").SerialNumber);
        // A second listing sharing the set (a second piped instance) gives nothing again.
        Assert.Empty(await store.List("i1", null, seen).ReadAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheGlobalTypeAsksOneInstanceAndDetailsComeFromOneShowEach()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.Add("g1", "shared", "global", null, "2030-01-01T00:00:00Z", serial: "42", issuer: ["CN=Corp CA"]);

        var listed = await store.List(null, new StoreFilter { Type = "Global" }, new HashSet<string>()).ReadAllAsync(CancellationToken.None);
        var detailed = await store.WithDetailsAsync(listed, CancellationToken.None);

        Assert.Equal(1, Sent(server, "GET", "/certificates$"));
        Assert.Equal("42", detailed.Single().SerialNumber);
        Assert.Equal("CN=Corp CA", detailed.Single().Issuer);
        Assert.Equal("Global", detailed.Single().Type);
        Assert.Null(detailed.Single().InstanceId);
        Assert.Equal(1, Sent(server, "GET", "/certificates/g1$"));
    }

    [Fact]
    public async Task CreateFindsTheSameCertificateInItsScopeAndSendsNothing()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.Add("same", "whatever_name", "instance", "i1", NotAfterText(Loaded), DecimalSerial(Loaded), Loaded.IssuerParts.ToArray());
        fake.Add("other", "other_name", "instance", "i1", "2031-01-01T00:00:00Z");

        PreparedCreate prepared = CertificateCreator.Prepare(Loaded, "CertificatePath", null, global: false, "i1", null, "TrustedRootCaPath", DateTime.UtcNow);
        CreateState state = await CertificateCreator.ReadStateAsync(store, prepared, force: false, CancellationToken.None);

        Assert.Equal("same", state.Existing?.CertificateId);
        Assert.False(state.Existing!.Changed);
        Assert.Equal(0, Sent(server, "POST"));
        // Only the certificate with the same NotAfter was worth a show.
        Assert.Equal(0, Sent(server, "GET", "/certificates/other$"));
    }

    [Fact]
    public async Task ACreateWhoseAnswerIsLostIsFoundAgainNotRepeated()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.LoseNextCreateAnswer = true;

        PreparedCreate prepared = CertificateCreator.Prepare(Loaded, "CertificatePath", "site_cert", global: true, null, null, "TrustedRootCaPath", DateTime.UtcNow);
        CreateState state = await CertificateCreator.ReadStateAsync(store, prepared, force: false, CancellationToken.None);
        ApigCertificate created = await CertificateCreator.CreateAsync(store, prepared, state, CancellationToken.None);

        Assert.Equal(1, Sent(server, "POST"));
        Assert.Equal(1, fake.Created);
        Assert.True(created.Changed);
        Assert.Equal(fake.Certificates.Keys.Single(), created.CertificateId);
    }

    [Fact]
    public void LocalRulesRefuseBeforeAnythingIsSent()
    {
        TestPki.AssertInputError(() => CertificateCreator.Prepare(Loaded, "CertificatePath", null, false, null, null, "TrustedRootCaPath", DateTime.UtcNow),
            "InstanceIdRequired", "InstanceId");
        TrustedRootCa ca = TrustedRootCa.FromPem(TestPki.Root.CertificatePem, "TrustedRootCaPem");
        TestPki.AssertInputError(() => CertificateCreator.Prepare(Loaded, "CertificatePath", null, true, null, ca, "TrustedRootCaPem", DateTime.UtcNow),
            "TrustedRootCaNeedsInstance", "TrustedRootCaPem");
        TestPki.AssertInputError(() => TrustedRootCa.FromPem(TestPki.RsaLeaf.CertificatePem, "TrustedRootCaPem"), "TrustedRootCaNotCa", "TrustedRootCaPem");
        TestPki.AssertInputError(() => TrustedRootCa.FromPem(TestPki.RsaLeaf.Pkcs8Pem, "TrustedRootCaPem"), "TrustedRootCaInvalid", "TrustedRootCaPem");
        IReadOnlyList<string> subjects = TrustedRootCa.FromPem(TestPki.Root.CertificatePem + TestPki.Intermediate.CertificatePem, "TrustedRootCaPem").Subjects;
        Assert.Equal(2, subjects.Count);
        Assert.Contains("Apig Test Root CA", subjects[0]);
        Assert.Contains("Apig Test Intermediate CA", subjects[1]);
    }

    [Fact]
    public async Task AnUpdateThatWouldDropATrustedRootCaIsRefusedAndOneThatKeepsItSendsTheWholeForm()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.Add("m1", "mtls_cert", "instance", "i1", "2031-01-01T00:00:00Z", ca: true);

        PreparedUpdate silent = CertificateUpdater.Prepare("m1", Loaded, "CertificatePath", null, TrustedRootCaChange.NotGiven, null, "TrustedRootCaPath", DateTime.UtcNow);
        var refused = await Assert.ThrowsAsync<ApigInputException>(() => CertificateUpdater.ReadStateAsync(store, silent, force: false, CancellationToken.None));
        Assert.Equal("TrustedRootCaWouldBeDropped", refused.ErrorId);
        Assert.Contains("mtls_cert", refused.Message);
        Assert.Contains("-RemoveTrustedRootCa", refused.Message);
        Assert.Equal(0, Sent(server, "PUT"));

        TrustedRootCa ca = TrustedRootCa.FromPem(TestPki.Root.CertificatePem, "TrustedRootCaPem");
        PreparedUpdate kept = CertificateUpdater.Prepare("m1", Loaded, "CertificatePath", null, TrustedRootCaChange.Replace, ca, "TrustedRootCaPem", DateTime.UtcNow);
        UpdateState state = await CertificateUpdater.ReadStateAsync(store, kept, force: false, CancellationToken.None);
        ApigCertificate updated = await CertificateUpdater.UpdateAsync(store, kept, state, CancellationToken.None);

        Assert.True(updated.Changed);
        RecordedRequest put = server.Requests.Single(r => r.Method == "PUT");
        using JsonDocument form = JsonDocument.Parse(put.BodyText);
        Assert.Equal("mtls_cert", form.RootElement.GetProperty("name").GetString());
        Assert.Equal("instance", form.RootElement.GetProperty("type").GetString());
        Assert.Equal("i1", form.RootElement.GetProperty("instance_id").GetString());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", form.RootElement.GetProperty("trusted_root_ca").GetString());
        Assert.Contains("PRIVATE KEY", form.RootElement.GetProperty("private_key").GetString());
    }

    [Fact]
    public async Task AnUpdateRefusesUncoveredBoundDomainsAndACurrentCertificateReadsNoDomains()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.Add("w1", "site_cert", "global", null, "2031-01-01T00:00:00Z");
        fake.Bound["w1"] = [("www.example.com", "i1"), ("pay.example.com", "i1"), ("x.api.example.com", "i2")];

        PreparedUpdate prepared = CertificateUpdater.Prepare("w1", Loaded, "CertificatePath", null, TrustedRootCaChange.NotGiven, null, "TrustedRootCaPath", DateTime.UtcNow);
        var refused = await Assert.ThrowsAsync<ApigInputException>(() => CertificateUpdater.ReadStateAsync(store, prepared, force: false, CancellationToken.None));
        Assert.Equal("DomainNotCovered", refused.ErrorId);
        Assert.Contains("1 of the 3 domain(s)", refused.Message);
        Assert.Contains("pay.example.com", refused.Message);
        Assert.DoesNotContain("www.example.com:", refused.Message);

        fake.Add("w2", "site_cert", "global", null, NotAfterText(Loaded), DecimalSerial(Loaded), Loaded.IssuerParts.ToArray());
        fake.Bound["w2"] = [("pay.example.com", "i1")];
        int listsBefore = Sent(server, "GET", "/attached-domains$");
        UpdateState current = await CertificateUpdater.ReadStateAsync(store,
            CertificateUpdater.Prepare("w2", Loaded, "CertificatePath", null, TrustedRootCaChange.NotGiven, null, "TrustedRootCaPath", DateTime.UtcNow),
            force: false, CancellationToken.None);
        Assert.True(current.AlreadyCurrent);
        Assert.Equal(listsBefore, Sent(server, "GET", "/attached-domains$"));
    }

    [Fact]
    public async Task RemoveRefusesABoundCertificateDetachesWithOneBatchAndTreatsAPipedGoneOneAsDone()
    {
        var (server, store, fake, _) = await Serve();
        await using var _s = server;
        fake.Add("r1", "old_cert", "global", null, "2031-01-01T00:00:00Z");
        fake.Bound["r1"] = [("a.example.com", "i1"), ("a.example.com", "i2"), ("b.example.com", "i1")];

        var refused = await Assert.ThrowsAsync<ApigInputException>(() => CertificateRemover.PlanAsync(store, "r1", detach: false, goneIsDone: false, CancellationToken.None));
        Assert.Contains("a.example.com, b.example.com", refused.Message);
        Assert.Equal(0, Sent(server, "POST") + Sent(server, "DELETE"));

        RemovePlan plan = await CertificateRemover.PlanAsync(store, "r1", detach: true, goneIsDone: false, CancellationToken.None);
        await CertificateRemover.RemoveAsync(store, plan, CancellationToken.None);
        RecordedRequest batch = server.Requests.Single(r => r.Method == "POST");
        using (JsonDocument body = JsonDocument.Parse(batch.BodyText))
        {
            var entries = body.RootElement.GetProperty("domains").EnumerateArray()
                .Select(e => e.GetProperty("domain").GetString() + ":" + string.Join("+", e.GetProperty("instance_ids").EnumerateArray().Select(i => i.GetString())))
                .ToList();
            Assert.Equal(["a.example.com:i1+i2", "b.example.com:i1"], entries);
        }

        Assert.Equal(1, Sent(server, "DELETE"));
        Assert.Empty(fake.Certificates);

        RemovePlan gone = await CertificateRemover.PlanAsync(store, "r1", detach: false, goneIsDone: true, CancellationToken.None);
        Assert.True(gone.AlreadyGone);
        var typed = await Assert.ThrowsAsync<ApigApiException>(() => CertificateRemover.PlanAsync(store, "r1", detach: false, goneIsDone: false, CancellationToken.None));
        Assert.Equal("APIG.3025", typed.ErrorCode);
    }
}
