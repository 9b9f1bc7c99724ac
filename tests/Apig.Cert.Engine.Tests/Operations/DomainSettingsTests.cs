using System.Text.Json;
using System.Text.RegularExpressions;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// New-, Set- and Remove-ApigDomain's use-cases against a small stateful APIG: instance i1 with groups g1 (shop) and
/// g2 (pay); g1 holds d1 api.example.com (TLSv1.1, redirect on, a stored certificate with a CA that lists its domains)
/// and d2 www.example.com (TLSv1.2, redirect on, only a legacy upload the store does not know); g2 holds d3 pay.example.com.
/// </summary>
public class DomainSettingsTests
{
    private const string Instance = "/v2/p1/apigw/instances/i1";

    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed class Domain
    {
        public required string Id { get; init; }
        public required string Group { get; init; }
        public required string Name { get; init; }
        public string MinSsl { get; set; } = "TLSv1.2";
        public bool Redirect { get; set; }
        public bool Verify { get; set; }
        public int Http { get; set; } = 80;
        public int Https { get; set; } = 443;
        public (string Id, string Name, bool Ca, bool Stored)[] Certificates { get; init; } = [];
    }

    /// <summary>What APIG does with the documented bodies; the two UNCONFIRMED points are settings.</summary>
    private sealed class FakeApig
    {
        public string OmittedRedirect { get; init; } = "keep";
        public int UpdateStatus { get; init; } = 200;
        public string DefaultMinSsl { get; init; } = "TLSv1.1";

        public readonly List<Domain> Domains =
        [
            new() { Id = "d1", Group = "g1", Name = "api.example.com", MinSsl = "TLSv1.1", Redirect = true, Certificates = [("c9", "stored_ca", true, true)] },
            new() { Id = "d2", Group = "g1", Name = "www.example.com", Redirect = true, Certificates = [("c7", "legacy_upload", false, false)] },
            new() { Id = "d3", Group = "g2", Name = "pay.example.com" },
        ];

        private static readonly Dictionary<string, string> GroupNames = new() { ["g1"] = "shop", ["g2"] = "pay" };

        public TestResponse Handle(RecordedRequest request)
        {
            lock (Domains)
            {
                string path = request.Path;
                if (request.Method == "GET" && path == Instance + "/api-groups")
                {
                    var groups = GroupNames.Keys.Select(GroupJson).ToList();
                    return Json(200, new { total = groups.Count, size = groups.Count, groups });
                }

                Match group = Regex.Match(path, "^" + Instance + "/api-groups/(?<g>g[0-9])$");
                if (request.Method == "GET" && group.Success)
                {
                    return GroupNames.ContainsKey(group.Groups["g"].Value) ? Json(200, GroupJson(group.Groups["g"].Value)) : TestResponse.Error(404, "APIG.3001", "no group");
                }

                Match create = Regex.Match(path, "^" + Instance + "/api-groups/(?<g>g[0-9])/domains$");
                if (request.Method == "POST" && create.Success)
                {
                    using var body = JsonDocument.Parse(request.Body);
                    var root = body.RootElement;
                    var added = new Domain
                    {
                        Id = "d" + (Domains.Count + 1), Group = create.Groups["g"].Value, Name = root.GetProperty("url_domain").GetString()!,
                        MinSsl = root.TryGetProperty("min_ssl_version", out var min) ? min.GetString()! : DefaultMinSsl,
                        Redirect = root.TryGetProperty("is_http_redirect_to_https", out var r) && r.GetBoolean(),
                        Http = root.TryGetProperty("ingress_http_port", out var h) ? h.GetInt32() : 80,
                        Https = root.TryGetProperty("ingress_https_port", out var hs) ? hs.GetInt32() : 443,
                    };
                    Domains.Add(added);
                    return Json(201, ChangeJson(added));
                }

                Match one = Regex.Match(path, "^" + Instance + "/api-groups/(?<g>g[0-9])/domains/(?<d>d[0-9]+)$");
                if (one.Success)
                {
                    Domain? domain = Domains.Find(d => d.Id == one.Groups["d"].Value && d.Group == one.Groups["g"].Value);
                    if (domain is null) return TestResponse.Error(404, "APIG.3020", "The URL domain does not exist");
                    if (request.Method == "DELETE")
                    {
                        Domains.Remove(domain);
                        return new TestResponse { Status = 204 };
                    }

                    using var body = JsonDocument.Parse(request.Body);
                    var root = body.RootElement;
                    if (!root.TryGetProperty("min_ssl_version", out var min)) return TestResponse.Error(400, "APIG.2001", "min_ssl_version is required");
                    domain.MinSsl = min.GetString()!;
                    if (root.TryGetProperty("is_http_redirect_to_https", out var r)) domain.Redirect = r.GetBoolean();
                    else if (OmittedRedirect == "reset") domain.Redirect = false;
                    if (root.TryGetProperty("verified_client_certificate_enabled", out var v)) domain.Verify = v.GetBoolean();
                    if (root.TryGetProperty("ingress_http_port", out var h) != root.TryGetProperty("ingress_https_port", out var hs))
                        return TestResponse.Error(400, "APIG.2012", "both ports or neither");
                    if (h.ValueKind == JsonValueKind.Number) (domain.Http, domain.Https) = (h.GetInt32(), hs.GetInt32());
                    return Json(UpdateStatus, ChangeJson(domain));
                }

                Match attached = Regex.Match(path, "^/v2/p1/apigw/certificates/(?<c>c[0-9])/attached-domains$");
                if (request.Method == "GET" && attached.Success)
                {
                    string id = attached.Groups["c"].Value;
                    var bound = Domains.Where(d => d.Certificates.Any(c => c.Id == id && c.Stored)).ToList();
                    if (bound.Count == 0) return TestResponse.Error(404, "APIG.3021", "The SSL certificate does not exist");
                    // One entry per ingress port, as the API lists them.
                    var entries = bound.SelectMany(d => new[] { d.Http, d.Https }.Select(_ => new
                    {
                        url_domain = d.Name, id = d.Id, status = 3, min_ssl_version = d.MinSsl, is_http_redirect_to_https = d.Redirect,
                        verified_client_certificate_enabled = d.Verify, ingress_http_port = d.Http, ingress_https_port = d.Https, ssl_id = id,
                        api_group_id = d.Group, instance_id = "i1",
                    })).ToList();
                    return Json(200, new { total = entries.Count, size = entries.Count, bound_domains = entries });
                }

                return TestResponse.Error(404, "APIG.0000", "not served here: " + request.Method + " " + path);
            }
        }

        private object GroupJson(string id) => new
        {
            id, name = GroupNames[id],
            url_domains = Domains.Where(d => d.Group == id).Select(d => new
            {
                id = d.Id, domain = d.Name, cname_status = 3, min_ssl_version = d.MinSsl, verified_client_certificate_enabled = d.Verify,
                is_has_trusted_root_ca = d.Certificates.Length > 0 && d.Certificates.All(c => c.Ca), ingress_http_port = d.Http, ingress_https_port = d.Https,
                ssl_id = d.Certificates.FirstOrDefault().Id ?? "", ssl_name = d.Certificates.FirstOrDefault().Name ?? "",
                ssl_infos = d.Certificates.Select(c => new { ssl_id = c.Id, ssl_name = c.Name, algorithm_type = "RSA", type = 1, is_has_trusted_root_ca = c.Ca }),
            }),
        };

        private static object ChangeJson(Domain d) => new
        {
            url_domain = d.Name, id = d.Id, status = 3, min_ssl_version = d.MinSsl, is_http_redirect_to_https = d.Redirect,
            verified_client_certificate_enabled = d.Verify, ingress_http_port = d.Http, ingress_https_port = d.Https,
        };

        private static TestResponse Json(int status, object body) => TestResponse.Json(status, JsonSerializer.Serialize(body, Snake));

        public Domain this[string id] { get { lock (Domains) return Domains.Single(d => d.Id == id); } }
    }

    private sealed class Fixture : IAsyncDisposable
    {
        public required TestHttpServer Server { get; init; }
        public required FakeApig Apig { get; init; }
        public required ApigClient Client { get; init; }
        public required ListLog Log { get; init; }

        public DomainSettingsUpdater Updater() => new(Client, new GroupLookup(Client), TestSessions.ProjectId, Log);

        public int Sent(string method) => Server.Count(r => r.Method == method);

        public RecordedRequest OnlyPut() => Assert.Single(Server.Requests, r => r.Method == "PUT");

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<Fixture> Serve(string omittedRedirect = "keep", int updateStatus = 200, string defaultMinSsl = "TLSv1.1")
    {
        var apig = new FakeApig { OmittedRedirect = omittedRedirect, UpdateStatus = updateStatus, DefaultMinSsl = defaultMinSsl };
        var server = new TestHttpServer(apig.Handle);
        return new Fixture { Server = server, Apig = apig, Client = await TestSessions.AkSkClientAsync(server), Log = new ListLog() };
    }

    private static readonly DomainRef Api = DomainRef.Create("i1", "g1", "d1");
    private static readonly DomainRef Www = DomainRef.Create("i1", "g1", "d2");

    private static RequestedDomainSettings Asked(string? minSsl = null, bool? redirect = null, bool? verify = null, int? http = null, int? https = null) =>
        RequestedDomainSettings.Create(minSsl, redirect, verify, http, https);

    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    // ---- local rules ----

    [Theory]
    [InlineData("api.example.com")]
    [InlineData("*.example.com")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData(" a-b.c9.example.org ")]
    public void AcceptedDomainNames(string name) => Assert.Equal(name.Trim(), DomainSettingsRules.EnsureValidDomainName(name, "DomainName"));

    [Theory]
    [InlineData("", "DomainNameRequired")]
    [InlineData("localhost", "InvalidDomainName")]
    [InlineData("api..example.com", "InvalidDomainName")]
    [InlineData("-api.example.com", "InvalidDomainName")]
    [InlineData("api.*.example.com", "InvalidDomainName")]
    [InlineData("**.example.com", "InvalidDomainName")]
    [InlineData("api_x.example.com", "InvalidDomainName")]
    [InlineData("https://api.example.com", "InvalidDomainName")]
    [InlineData("api.example.123", "InvalidDomainName")]
    [InlineData("api.example.com.", "InvalidDomainName")]
    [InlineData("bücher.example", "InvalidDomainName")]
    public void RefusedDomainNamesNameTheInput(string name, string errorId)
    {
        var ex = Assert.Throws<ApigInputException>(() => DomainSettingsRules.EnsureValidDomainName(name, "DomainName"));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal("DomainName", ex.InputName);
        Assert.Contains("-DomainName", ex.Message);
    }

    [Fact]
    public void ANameOver255CharactersIsRefusedAndOneOf255Accepted()
    {
        string label = new('a', 63);
        string name255 = string.Join(".", label, label, label, new string('b', 59)) + ".com";
        Assert.Equal(255, name255.Length);
        Assert.Equal(name255, DomainSettingsRules.EnsureValidDomainName(name255, "DomainName"));
        var ex = Assert.Throws<ApigInputException>(() => DomainSettingsRules.EnsureValidDomainName("a" + name255, "DomainName"));
        Assert.Contains("at most 255", ex.Message);
    }

    [Theory]
    [InlineData(80, 443)]
    [InlineData(-1, 443)]
    [InlineData(80, -1)]
    [InlineData(1024, 49151)]
    [InlineData(8080, 8443)]
    public void AcceptedPortPairs(int http, int https) =>
        Assert.Equal((http, https), DomainSettingsRules.CompletePorts(http, https, null, null, "x"));

    [Theory]
    [InlineData(81, 443, "HttpPort")]
    [InlineData(443, 443, "HttpPort")]
    [InlineData(80, 80, "HttpsPort")]
    [InlineData(80, 1023, "HttpsPort")]
    [InlineData(80, 49152, "HttpsPort")]
    [InlineData(0, 443, "HttpPort")]
    [InlineData(-2, 443, "HttpPort")]
    public void RefusedPortsNameTheParameterAndTheRange(int http, int https, string input)
    {
        var ex = Assert.Throws<ApigInputException>(() => DomainSettingsRules.CompletePorts(http, https, null, null, "x"));
        Assert.Equal(("InvalidPort", input), (ex.ErrorId, ex.InputName));
        Assert.Contains("1024 to 49151", ex.Message);
    }

    [Fact]
    public void BothPortsOffIsRefusedAndOnePortIsCompletedOrRefused()
    {
        Assert.Equal("BothPortsDisabled", Assert.Throws<ApigInputException>(() => DomainSettingsRules.CompletePorts(-1, -1, null, null, "x")).ErrorId);
        Assert.Equal((8080, 443), DomainSettingsRules.CompletePorts(8080, null, 80, 443, "x"));
        Assert.Equal((80, 8443), DomainSettingsRules.CompletePorts(null, 8443, 80, 443, "x"));
        var missing = Assert.Throws<ApigInputException>(() => DomainSettingsRules.CompletePorts(8080, null, null, null, "the listing"));
        Assert.Equal(("PortsTogether", "HttpsPort"), (missing.ErrorId, missing.InputName));
    }

    [Fact]
    public void TlsVersionsAreSpelledAsApigDoesAndOthersRefused()
    {
        Assert.Equal("TLSv1.2", DomainSettingsRules.NormalizeMinSslVersion("tlsv1.2", "MinSslVersion"));
        Assert.Null(DomainSettingsRules.NormalizeMinSslVersion(null, "MinSslVersion"));
        var ex = Assert.Throws<ApigInputException>(() => DomainSettingsRules.NormalizeMinSslVersion("TLSv1.3", "MinSslVersion"));
        Assert.Equal("InvalidMinSslVersion", ex.ErrorId);
    }

    [Fact]
    public void NoSettingAtAllIsRefused() =>
        Assert.Equal("NoSettingGiven", Assert.Throws<ApigInputException>(() => Asked()).ErrorId);

    // ---- Set-ApigDomain ----

    [Theory]
    [InlineData("keep", 200)]
    [InlineData("reset", 201)]
    public async Task AKnownRedirectIsSentWithAnotherChangeSoItSurvivesEitherBehaviour(string omittedRedirect, int status)
    {
        await using var f = await Serve(omittedRedirect, status);
        var updater = f.Updater();

        DomainSettingsPlan plan = await updater.PlanAsync(Api, Asked(minSsl: "TLSv1.2"), null, CancellationToken.None);
        Assert.Equal(0, f.Sent("PUT"));
        Assert.Equal(["MinSslVersion TLSv1.1 -> TLSv1.2"], plan.Changes);
        DomainSettingsResult result = await updater.ApplyAsync(plan, CancellationToken.None);

        JsonElement body = Body(f.OnlyPut());
        Assert.Equal("TLSv1.2", body.GetProperty("min_ssl_version").GetString());
        Assert.True(body.GetProperty("is_http_redirect_to_https").GetBoolean());
        Assert.False(body.TryGetProperty("verified_client_certificate_enabled", out _));
        Assert.False(body.TryGetProperty("ingress_http_port", out _));
        Assert.True(f.Apig["d1"].Redirect);
        Assert.Equal(("TLSv1.2", true, true), (result.Domain.MinSslVersion, result.Domain.RedirectToHttps, result.Domain.Changed));
        Assert.False(result.RedirectMayHaveBeenReset);
        Assert.Equal("shop", result.Domain.GroupName);
        Assert.Equal("c9", Assert.Single(result.Domain.Certificates).CertificateId);
    }

    [Theory]
    [InlineData("keep", false)]
    [InlineData("reset", true)]
    public async Task AnUnknownRedirectIsLeftOutAndFlaggedWhenItIsOffAfterwards(string omittedRedirect, bool warned)
    {
        await using var f = await Serve(omittedRedirect);
        var updater = f.Updater();

        DomainSettingsPlan plan = await updater.PlanAsync(Www, Asked(minSsl: "TLSv1.1"), null, CancellationToken.None);
        DomainSettingsResult result = await updater.ApplyAsync(plan, CancellationToken.None);

        Assert.False(Body(f.OnlyPut()).TryGetProperty("is_http_redirect_to_https", out _));
        Assert.Equal(!warned, f.Apig["d2"].Redirect);
        Assert.Equal(!warned, result.Domain.RedirectToHttps);
        Assert.Equal(warned, result.RedirectMayHaveBeenReset);
    }

    [Fact]
    public async Task ARedirectFromAPipedAnswerIsSentWhenNoCertificateTellsIt()
    {
        await using var f = await Serve("reset");
        var updater = f.Updater();

        var result = await updater.ApplyAsync(await updater.PlanAsync(Www, Asked(https: 8443), pipedRedirect: true, CancellationToken.None), CancellationToken.None);

        JsonElement body = Body(f.OnlyPut());
        Assert.True(body.GetProperty("is_http_redirect_to_https").GetBoolean());
        Assert.Equal(("TLSv1.2", 80, 8443), (body.GetProperty("min_ssl_version").GetString(), body.GetProperty("ingress_http_port").GetInt32(),
            body.GetProperty("ingress_https_port").GetInt32()));
        Assert.True(f.Apig["d2"].Redirect);
        Assert.False(result.RedirectMayHaveBeenReset);
        Assert.Contains(f.Log.VerboseLines, l => l.Contains("taken as on from the piped object"));
    }

    [Fact]
    public async Task SettingsAlreadyAsAskedSendNothingAndSayChangedFalse()
    {
        await using var f = await Serve();
        var updater = f.Updater();

        DomainSettingsPlan plan = await updater.PlanAsync(Api, Asked(minSsl: "tlsv1.1", redirect: true, http: 80, https: 443, verify: false), null, CancellationToken.None);
        DomainSettingsResult result = await updater.ApplyAsync(plan, CancellationToken.None);

        Assert.True(plan.NothingToChange);
        Assert.Equal(0, f.Sent("PUT"));
        Assert.Equal((false, true), (result.Domain.Changed, result.Domain.RedirectToHttps));
    }

    [Fact]
    public async Task ARedirectThatCannotBeReadIsSentEvenWhenItMayAlreadyBeSo()
    {
        await using var f = await Serve();
        var updater = f.Updater();

        DomainSettingsPlan plan = await updater.PlanAsync(Www, Asked(redirect: true), null, CancellationToken.None);

        Assert.False(plan.NothingToChange);
        Assert.Equal(["RedirectToHttps not known -> True (its current value cannot be read back, so it is sent)"], plan.Changes);
        await updater.ApplyAsync(plan, CancellationToken.None);
        JsonElement body = Body(f.OnlyPut());
        Assert.Equal(("TLSv1.2", true), (body.GetProperty("min_ssl_version").GetString(), body.GetProperty("is_http_redirect_to_https").GetBoolean()));
    }

    [Fact]
    public async Task TheGroupIsReadOnceForSeveralDomainsAndReadAgainAfterAChange()
    {
        await using var f = await Serve();
        var updater = f.Updater();
        int GroupReads() => f.Server.Count(r => r.Method == "GET" && r.Path == Instance + "/api-groups/g1");

        await updater.PlanAsync(Api, Asked(minSsl: "TLSv1.1"), null, CancellationToken.None);
        DomainSettingsPlan www = await updater.PlanAsync(Www, Asked(minSsl: "TLSv1.1"), null, CancellationToken.None);
        Assert.Equal(1, GroupReads());
        await updater.ApplyAsync(www, CancellationToken.None);
        DomainSettingsPlan again = await updater.PlanAsync(Www, Asked(minSsl: "TLSv1.1"), null, CancellationToken.None);
        Assert.Equal(2, GroupReads());
        Assert.True(again.NothingToChange);
    }

    [Fact]
    public async Task ClientVerificationWithoutATrustedRootCaIsRefusedBeforeSending()
    {
        await using var f = await Serve();
        var updater = f.Updater();

        var ex = await Assert.ThrowsAsync<ApigInputException>(() => updater.PlanAsync(Www, Asked(verify: true), null, CancellationToken.None));

        Assert.Equal(("NoTrustedRootCa", "VerifyClientCertificate"), (ex.ErrorId, ex.InputName));
        Assert.Contains("www.example.com", ex.Message);
        Assert.Equal(0, f.Sent("PUT"));
        DomainSettingsPlan withCa = await updater.PlanAsync(Api, Asked(verify: true), null, CancellationToken.None);
        Assert.Equal(["VerifyClientCertificate False -> True"], withCa.Changes);
    }

    [Fact]
    public async Task OnePortIsCompletedWithTheDomainsCurrentOther()
    {
        await using var f = await Serve();
        f.Apig["d1"].Http = 8080;
        var updater = f.Updater();

        DomainSettingsPlan plan = await updater.PlanAsync(Api, Asked(https: 8443), null, CancellationToken.None);
        await updater.ApplyAsync(plan, CancellationToken.None);

        Assert.Equal(["HttpsPort 443 -> 8443"], plan.Changes);
        JsonElement body = Body(f.OnlyPut());
        Assert.Equal((8080, 8443), (body.GetProperty("ingress_http_port").GetInt32(), body.GetProperty("ingress_https_port").GetInt32()));
    }

    [Fact]
    public async Task ADomainItsGroupDoesNotListIsAnInputErrorWithNothingSent()
    {
        await using var f = await Serve();
        var ex = await Assert.ThrowsAsync<ApigInputException>(() =>
            f.Updater().PlanAsync(DomainRef.Create("i1", "g1", "d3"), Asked(minSsl: "TLSv1.2"), null, CancellationToken.None));
        Assert.Equal("DomainNotFound", ex.ErrorId);
        Assert.Equal(0, f.Sent("PUT"));
    }

    // ---- New-ApigDomain ----

    [Theory]
    [InlineData("TLSv1.1")]
    [InlineData("TLSv1.2")]
    public async Task ANewDomainIsAddedWithWhatWasGivenAndTheRegionDefaultOtherwise(string defaultMinSsl)
    {
        await using var f = await Serve(defaultMinSsl: defaultMinSsl);
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        PreparedDomain prepared = DomainCreator.Prepare("i1", "g2", "*.shop.example.com", null, true, 8080, null);
        NewDomainPlan plan = await creator.PlanAsync(prepared, CancellationToken.None);
        Assert.Null(plan.Existing);
        Assert.Equal(0, f.Sent("POST"));
        ApigDomain created = await creator.CreateAsync(plan, CancellationToken.None);

        JsonElement body = Body(Assert.Single(f.Server.Requests, r => r.Method == "POST"));
        Assert.Equal("*.shop.example.com", body.GetProperty("url_domain").GetString());
        Assert.False(body.TryGetProperty("min_ssl_version", out _));
        Assert.True(body.GetProperty("is_http_redirect_to_https").GetBoolean());
        Assert.Equal((8080, 443), (body.GetProperty("ingress_http_port").GetInt32(), body.GetProperty("ingress_https_port").GetInt32()));
        Assert.Equal((defaultMinSsl, true, true, "pay", "g2"), (created.MinSslVersion, created.RedirectToHttps, created.Changed, created.GroupName, created.GroupId));
        Assert.False(string.IsNullOrEmpty(created.DomainId));
    }

    [Fact]
    public async Task ADomainAlreadyThereWithTheseSettingsIsReturnedUnchangedAndNothingIsSent()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        NewDomainPlan plan = await creator.PlanAsync(DomainCreator.Prepare("i1", "g1", "API.example.com", "TLSv1.1", true, null, null), CancellationToken.None);
        ApigDomain same = await creator.CreateAsync(plan, CancellationToken.None);

        Assert.Equal(("d1", false, true), (same.DomainId, same.Changed, same.RedirectToHttps));
        Assert.False(plan.RedirectNotChecked);
        Assert.Equal(0, f.Sent("POST"));
    }

    [Fact]
    public async Task ARedirectThatCannotBeCheckedOnAnExistingDomainIsFlaggedNotAnError()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        NewDomainPlan plan = await creator.PlanAsync(DomainCreator.Prepare("i1", "g1", "www.example.com", null, true, null, null), CancellationToken.None);

        Assert.NotNull(plan.Existing);
        Assert.Null(plan.Existing!.RedirectToHttps);
        Assert.True(plan.RedirectNotChecked);
    }

    [Fact]
    public async Task ADomainAlreadyThereWithOtherSettingsPointsAtSetApigDomain()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        var ex = await Assert.ThrowsAsync<ApigInputException>(() =>
            creator.PlanAsync(DomainCreator.Prepare("i1", "g1", "api.example.com", "TLSv1.2", false, null, null), CancellationToken.None));

        Assert.Equal("DomainExists", ex.ErrorId);
        Assert.Contains("MinSslVersion is TLSv1.1, not TLSv1.2; RedirectToHttps is True, not False", ex.Message);
        Assert.Contains("Set-ApigDomain", ex.Message);
        Assert.Equal(0, f.Sent("POST"));
    }

    [Fact]
    public async Task ANameOfAnotherGroupOfTheInstanceIsRefusedNamingThatGroup()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        var ex = await Assert.ThrowsAsync<ApigInputException>(() =>
            creator.PlanAsync(DomainCreator.Prepare("i1", "g1", "pay.example.com", null, null, null, null), CancellationToken.None));

        Assert.Equal("DomainNameInUse", ex.ErrorId);
        Assert.Contains("group 'pay' (g2)", ex.Message);
        Assert.Equal(0, f.Sent("POST"));
    }

    [Fact]
    public async Task AGroupTheInstanceDoesNotHaveIsRefusedAndTheInstanceListedOncePerCommand()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        var ex = await Assert.ThrowsAsync<ApigInputException>(() =>
            creator.PlanAsync(DomainCreator.Prepare("i1", "g9", "new.example.com", null, null, null, null), CancellationToken.None));
        await creator.PlanAsync(DomainCreator.Prepare("i1", "g1", "new.example.com", null, null, null, null), CancellationToken.None);

        Assert.Equal(("GroupNotFound", "GroupId"), (ex.ErrorId, ex.InputName));
        Assert.Equal(1, f.Server.Count(r => r.Path == Instance + "/api-groups"));
    }

    [Fact]
    public async Task ABatchOfNewDomainsListsTheInstanceOnceNotOncePerCreate()
    {
        await using var f = await Serve();
        var creator = new DomainCreator(f.Client, TestSessions.ProjectId, f.Log);

        foreach (string name in new[] { "a.example.com", "b.example.com", "c.example.com" })
        {
            await creator.CreateAsync(await creator.PlanAsync(DomainCreator.Prepare("i1", "g2", name, null, null, null, null), CancellationToken.None), CancellationToken.None);
        }

        Assert.Equal(3, f.Sent("POST"));
        Assert.Equal(1, f.Server.Count(r => r.Path == Instance + "/api-groups"));
    }

    [Fact]
    public void BadInputForANewDomainIsRefusedBeforeAnythingIsRead()
    {
        Assert.Equal("InvalidId", Assert.Throws<ApigInputException>(() => DomainCreator.Prepare("", "g1", "a.example.com", null, null, null, null)).ErrorId);
        Assert.Equal("InvalidDomainName", Assert.Throws<ApigInputException>(() => DomainCreator.Prepare("i1", "g1", "a b.example.com", null, null, null, null)).ErrorId);
        Assert.Equal("InvalidPort", Assert.Throws<ApigInputException>(() => DomainCreator.Prepare("i1", "g1", "a.example.com", null, null, 8080, 80)).ErrorId);
        Assert.Equal("InvalidMinSslVersion", Assert.Throws<ApigInputException>(() => DomainCreator.Prepare("i1", "g1", "a.example.com", "SSLv3", null, null, null)).ErrorId);
    }

    // ---- Remove-ApigDomain ----

    [Fact]
    public async Task ARemovalPlanNamesTheDomainItsGroupAndItsCertificatesAndOnlyTheRemovalSends()
    {
        await using var f = await Serve();
        var remover = new DomainRemover(f.Client, new GroupLookup(f.Client), f.Log);

        DomainRemovalPlan plan = await remover.PlanAsync(Api, null, CancellationToken.None);
        Assert.Equal(0, f.Sent("DELETE"));
        Assert.Equal("remove custom domain 'api.example.com' (d1) from group 'shop' (g1); its HTTPS clients lose certificate 'stored_ca' (RSA, id c9)", plan.Action);

        Assert.True(await remover.RemoveAsync(plan, CancellationToken.None));
        Assert.Equal(Instance + "/api-groups/g1/domains/d1", Assert.Single(f.Server.Requests, r => r.Method == "DELETE").Path);
        Assert.DoesNotContain(f.Apig.Domains, d => d.Id == "d1");
        Assert.True((await remover.PlanAsync(Api, null, CancellationToken.None)).Gone);
    }

    [Fact]
    public async Task ADomainAlreadyGoneSendsNothingAndOneGoneMeanwhileCountsAsRemoved()
    {
        await using var f = await Serve();
        var remover = new DomainRemover(f.Client, new GroupLookup(f.Client), f.Log);
        DomainRemovalPlan gone = await remover.PlanAsync(DomainRef.Create("i1", "g1", "d3"), "pay.example.com", CancellationToken.None);
        Assert.True(gone.Gone);
        Assert.False(await remover.RemoveAsync(gone, CancellationToken.None));
        Assert.Equal(0, f.Sent("DELETE"));

        DomainRemovalPlan www = await remover.PlanAsync(Www, null, CancellationToken.None);
        lock (f.Apig.Domains) f.Apig.Domains.RemoveAll(d => d.Id == "d2");
        Assert.True(await remover.RemoveAsync(www, CancellationToken.None));
        Assert.Contains(f.Log.VerboseLines, l => l.Contains("already gone (APIG.3020)"));
    }

    [Fact]
    public void OneWarningNamesEveryDomainUpToTwentyAndCountsTheRest()
    {
        string[] names = Enumerable.Range(1, 23).Select(i => "d" + i + ".example.com").ToArray();
        string warning = RedirectWarnings.OffAfterUpdate(names);
        Assert.Contains("'d20.example.com' and 3 more.", warning);
        Assert.DoesNotContain("d21.", warning);
        Assert.Contains("Set-ApigDomain -RedirectToHttps $true", warning);
        Assert.Contains("Set-ApigDomain -RedirectToHttps $false", RedirectWarnings.NotChecked(["a.example.com"], wanted: false));
    }
}
