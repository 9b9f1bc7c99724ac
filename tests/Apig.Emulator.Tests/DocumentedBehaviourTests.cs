using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>
/// What apig-api.md and apig-managed-certificates.md (§3, §4, §7) say, and the settings for each UNCONFIRMED point.
/// </summary>
public class DocumentedBehaviourTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private async Task<string> BindOk(string domainPath, string name, Issued cert)
    {
        using var response = await Send(HttpMethod.Post, domainPath + "/certificate", BindBody(name, cert.CertificatePem, cert.Pkcs8KeyPem));
        await AssertStatus(response, HttpStatusCode.Created);
        return (await Json(response)).GetProperty("ssl_id").GetString()!;
    }

    private async Task<JsonElement> UrlDomain(int index = 0)
    {
        using var group = await Send(HttpMethod.Get, Group1);
        return (await Json(group)).GetProperty("url_domains")[index];
    }

    private async Task<JsonElement> Settings(object body, HttpMethod? method = null)
    {
        using var response = await AdminSend(method ?? HttpMethod.Post, "/_emulator/settings", body);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private async Task<JsonElement> StateDomain() =>
        (await AdminGet("/_emulator/state")).GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0];

    // ---- §4: how a domain shows its certificates ----

    [Fact]
    public async Task Ecc_only_domain_has_empty_ssl_id_and_its_certificate_only_in_ssl_infos()
    {
        string eccId = await BindOk(Domain1, "ecc_only", SelfSigned(Ec(0), "api.example.com"));

        JsonElement domain = await UrlDomain();
        Assert.Equal("", domain.GetProperty("ssl_id").GetString());
        Assert.Equal("", domain.GetProperty("ssl_name").GetString());
        JsonElement info = domain.GetProperty("ssl_infos").EnumerateArray().Single();
        Assert.Equal(eccId, info.GetProperty("ssl_id").GetString());
        Assert.Equal("ecc_only", info.GetProperty("ssl_name").GetString());
        Assert.Equal("ECC", info.GetProperty("algorithm_type").GetString());
        Assert.False(info.GetProperty("is_has_trusted_root_ca").GetBoolean());

        JsonElement stateDomain = await StateDomain();
        Assert.Equal("", stateDomain.GetProperty("sslId").GetString());
        Assert.Equal(eccId, stateDomain.GetProperty("certificates").EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task Dual_domain_shows_the_rsa_certificate_in_ssl_id_and_both_in_ssl_infos()
    {
        // ECC bound first, so an "RSA, else the first one" rule and an "RSA only" rule give different answers later.
        string eccId = await BindOk(Domain1, "dual_ecc", SelfSigned(Ec(0), "api.example.com"));
        string rsaId = await BindOk(Domain1, "dual_rsa", SelfSigned(Rsa(0), "api.example.com"));

        JsonElement domain = await UrlDomain();
        Assert.Equal(rsaId, domain.GetProperty("ssl_id").GetString());
        Assert.Equal("dual_rsa", domain.GetProperty("ssl_name").GetString());
        Assert.Equal([(eccId, "ECC"), (rsaId, "RSA")], domain.GetProperty("ssl_infos").EnumerateArray()
            .Select(i => (i.GetProperty("ssl_id").GetString(), i.GetProperty("algorithm_type").GetString())).OrderBy(i => i.Item2));
        Assert.Equal(rsaId, (await StateDomain()).GetProperty("sslId").GetString());

        // Unbinding the RSA one leaves an ECC-only domain: ssl_id empties although a certificate is still bound.
        using (var unbound = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + rsaId))
            await AssertStatus(unbound, HttpStatusCode.NoContent);
        domain = await UrlDomain();
        Assert.Equal("", domain.GetProperty("ssl_id").GetString());
        Assert.Equal(eccId, domain.GetProperty("ssl_infos").EnumerateArray().Single().GetProperty("ssl_id").GetString());
    }

    [Fact]
    public async Task Domain_trusted_root_ca_is_true_only_when_every_bound_certificate_has_one()
    {
        // The legacy upload cannot carry a CA, so CA-holding certificates are put in place directly.
        CertificateRecord Record(string algorithm, bool hasCa) => new()
        {
            Id = EmulatorState.NewId(), Name = "ca_" + algorithm, CreateTime = DateTimeOffset.UtcNow, UpdateTime = DateTimeOffset.UtcNow,
            TrustedRootCa = hasCa ? new TrustedRootCa(algorithm, ["CN=Test CA"], Pem: "") : null,
            Content = TestRecords.Content(algorithm),
        };
        DomainRecord domain;
        lock (State.Sync)
        {
            domain = State.Instances[0].Groups[0].Domains[0];
            State.Bind(domain, Record("RSA", hasCa: true));
        }
        JsonElement json = await UrlDomain();
        Assert.True(json.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.True(json.GetProperty("ssl_infos")[0].GetProperty("is_has_trusted_root_ca").GetBoolean());

        lock (State.Sync) State.Bind(domain, Record("ECC", hasCa: false));
        json = await UrlDomain();
        Assert.False(json.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.Equal([true, false], json.GetProperty("ssl_infos").EnumerateArray().Select(i => i.GetProperty("is_has_trusted_root_ca").GetBoolean()));

        Assert.False((await UrlDomain(1)).GetProperty("is_has_trusted_root_ca").GetBoolean()); // nothing bound
    }

    [Fact]
    public async Task Group_listing_has_no_redirect_flag_but_the_domain_answers_do()
    {
        using (var updated = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", is_http_redirect_to_https = true }))
            Assert.True((await Json(updated)).GetProperty("is_http_redirect_to_https").GetBoolean());
        string id = await BindOk(Domain1, "redirect_check", SelfSigned(Rsa(0), "api.example.com"));
        Assert.NotEmpty(id);

        Assert.False((await UrlDomain()).TryGetProperty("is_http_redirect_to_https", out _));
        using var listed = await Send(HttpMethod.Get, Instance + "/api-groups");
        Assert.DoesNotContain("is_http_redirect_to_https", await listed.Content.ReadAsStringAsync());
    }

    // ---- settings for the UNCONFIRMED points ----

    [Fact]
    public async Task Ssl_info_type_is_a_number_by_default_and_a_string_when_set()
    {
        await BindOk(Domain1, "type_check", SelfSigned(Rsa(0), "api.example.com"));
        JsonElement type = (await UrlDomain()).GetProperty("ssl_infos")[0].GetProperty("type");
        Assert.Equal(JsonValueKind.Number, type.ValueKind);
        Assert.Equal(1, type.GetInt32());

        JsonElement answer = await Settings(new { sslInfoTypeFormat = "string" });
        Assert.Equal("string", answer.GetProperty("sslInfoTypeFormat").GetString());
        Assert.Equal("string", (await AdminGet("/_emulator/state")).GetProperty("settings").GetProperty("sslInfoTypeFormat").GetString());
        type = (await UrlDomain()).GetProperty("ssl_infos")[0].GetProperty("type");
        Assert.Equal(JsonValueKind.String, type.ValueKind);
        Assert.Equal("instance", type.GetString());
        using (var listed = await Send(HttpMethod.Get, Instance + "/api-groups"))
            Assert.Equal("instance", (await Json(listed)).GetProperty("groups")[0].GetProperty("url_domains")[0]
                .GetProperty("ssl_infos")[0].GetProperty("type").GetString());

        using (var back = await AdminSend(HttpMethod.Put, "/_emulator/settings", new { sslInfoTypeFormat = "number" }))
            await AssertStatus(back, HttpStatusCode.OK);
        Assert.Equal(1, (await UrlDomain()).GetProperty("ssl_infos")[0].GetProperty("type").GetInt32());
    }

    [Theory]
    [InlineData("decimal")]
    [InlineData("hex")]
    [InlineData("colon")]
    public async Task Serial_number_follows_the_setting_in_the_api_and_the_admin_state(string format)
    {
        // High bit set, so DER carries a leading zero byte: 00 9a 0b ... 05.
        byte[] serial = [0x9A, 0x0B, 0x00, 0x01, 0xFF, 0x05];
        Issued root = CreateCa(Rsa(2), "Serial Test Root");
        Issued leaf = Issue(root, Rsa(0), "api.example.com", ["api.example.com"], serialNumber: serial);
        Assert.Equal("009A0B0001FF05", leaf.Certificate.SerialNumber); // what the certificate itself holds

        string expected = format switch
        {
            "decimal" => "169372035448581", // 0x9A0B0001FF05
            "hex" => "009A0B0001FF05",
            _ => "00:9a:0b:00:01:ff:05",
        };
        if (format != "decimal")
            Assert.Equal(format, (await Settings(new { serialNumberFormat = format })).GetProperty("serialNumberFormat").GetString());
        Assert.Equal(format, (await AdminGet("/_emulator/state")).GetProperty("settings").GetProperty("serialNumberFormat").GetString());

        using var bound = await Send(HttpMethod.Post, Domain1 + "/certificate",
            BindBody("serial_check", leaf.CertificatePem + "\n" + root.CertificatePem, leaf.Pkcs8KeyPem));
        await AssertStatus(bound, HttpStatusCode.Created);
        string id = (await Json(bound)).GetProperty("ssl_id").GetString()!;
        using var shown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id);
        Assert.Equal(expected, (await Json(shown)).GetProperty("serial_number").GetString());
        Assert.Equal(expected, (await StateDomain()).GetProperty("certificates")[0].GetProperty("serialNumber").GetString());
    }

    [Fact]
    public async Task Update_domain_answers_200_by_default_and_201_when_set()
    {
        using (var ok = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.1" }))
            await AssertStatus(ok, HttpStatusCode.OK);

        Assert.Equal(201, (await Settings(new { updateDomainStatus = 201 })).GetProperty("updateDomainStatus").GetInt32());
        using var created = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2" });
        await AssertStatus(created, HttpStatusCode.Created);
        JsonElement body = await Json(created);
        Assert.Equal("TLSv1.2", body.GetProperty("min_ssl_version").GetString());
        Assert.Equal("dom00000000000000000000000000001", body.GetProperty("id").GetString());
        Assert.Equal("TLSv1.2", (await UrlDomain()).GetProperty("min_ssl_version").GetString());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("keep", true)]
    [InlineData("reset", false)]
    public async Task Update_without_the_redirect_flag_keeps_or_resets_it_as_set(string? setting, bool expected)
    {
        if (setting is not null) await Settings(new { updateDomainOmittedRedirect = setting });
        using (var on = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", is_http_redirect_to_https = true }))
            Assert.True((await Json(on)).GetProperty("is_http_redirect_to_https").GetBoolean());
        using var omitted = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2" });
        await AssertStatus(omitted, HttpStatusCode.OK);
        Assert.Equal(expected, (await Json(omitted)).GetProperty("is_http_redirect_to_https").GetBoolean());
        // Said explicitly, the flag is taken under either setting.
        using var explicitOn = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", is_http_redirect_to_https = true });
        Assert.True((await Json(explicitOn)).GetProperty("is_http_redirect_to_https").GetBoolean());
    }

    [Theory]
    [InlineData(null, "TLSv1.1")]
    [InlineData("TLSv1.2", "TLSv1.2")]
    public async Task New_domain_without_min_ssl_version_gets_the_set_default(string? setting, string expected)
    {
        if (setting is not null) await Settings(new { defaultMinSslVersion = setting });
        using var created = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "tls.example.com" });
        await AssertStatus(created, HttpStatusCode.Created);
        Assert.Equal(expected, (await Json(created)).GetProperty("min_ssl_version").GetString());
        using var explicitOld = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "tls11.example.com", min_ssl_version = "TLSv1.1" });
        Assert.Equal("TLSv1.1", (await Json(explicitOld)).GetProperty("min_ssl_version").GetString());
    }

    private async Task<string> MissingDomainMessage(string? language)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, Group1 + "/domains/dom00000000000000000000000000009");
        request.Headers.Add("X-Auth-Token", SeedDocument.DefaultToken);
        if (language is not null) request.Headers.Add("X-Language", language);
        request.Content = new StringContent("{\"min_ssl_version\":\"TLSv1.2\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return await AssertError(response, HttpStatusCode.NotFound, "APIG.3020");
    }

    [Fact]
    public async Task Error_messages_follow_x_language_and_the_default_language_setting()
    {
        Assert.Equal("The URL domain does not exist,parameterName:domain_id", await MissingDomainMessage(null));
        Assert.Equal("The URL domain does not exist,parameterName:domain_id", await MissingDomainMessage("en-us"));
        Assert.Equal("域名不存在,parameterName:domain_id", await MissingDomainMessage("zh-cn"));

        Assert.Equal("zh-cn", (await Settings(new { defaultLanguage = "zh-cn" })).GetProperty("defaultLanguage").GetString());
        Assert.Equal("域名不存在,parameterName:domain_id", await MissingDomainMessage(null));
        Assert.Equal("The URL domain does not exist,parameterName:domain_id", await MissingDomainMessage("en-us"));

        // A message a test injects is sent as given; the standard fault messages are localised like the rest.
        using (var added = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { method = "GET", action = "error", status = 400, errorCode = "APIG.2012", errorMsg = "Injected" }))
            await AssertStatus(added, HttpStatusCode.Created);
        using (var injected = await Send(HttpMethod.Get, Api + "/instances"))
            Assert.Equal("Injected", await AssertError(injected, HttpStatusCode.BadRequest, "APIG.2012"));
        using (var added = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { method = "GET", action = "error9999" }))
            await AssertStatus(added, HttpStatusCode.Created);
        using (var standard = await Send(HttpMethod.Get, Api + "/instances"))
            Assert.Equal("系统错误", await AssertError(standard, HttpStatusCode.InternalServerError, "APIG.9999"));
        // Admin answers are not API answers: they stay English.
        using (var bad = await AdminSend(HttpMethod.Post, "/_emulator/settings", new { defaultLanguage = "fr-fr" }))
            Assert.StartsWith("defaultLanguage must be one of", await AssertError(bad, HttpStatusCode.BadRequest, "EMULATOR.400"));
    }

    [Fact]
    public async Task Settings_are_validated_all_before_any_applies_and_reset_restores_every_default()
    {
        foreach (object bad in new object[]
                 {
                     new { sslInfoTypeFormat = "Number" }, new { serialNumberFormat = "base64" }, new { updateDomainStatus = 204 },
                     new { tokenLifetimeSeconds = 0 }, new { serialNumberFormat = "hex", updateDomainStatus = 202 },
                     new { updateDomainOmittedRedirect = "drop" }, new { defaultMinSslVersion = "TLSv1.3" },
                 })
        {
            using var response = await AdminSend(HttpMethod.Post, "/_emulator/settings", bad);
            await AssertError(response, HttpStatusCode.BadRequest, "EMULATOR.400");
        }
        JsonElement untouched = (await AdminGet("/_emulator/state")).GetProperty("settings");
        Assert.Equal("decimal", untouched.GetProperty("serialNumberFormat").GetString());

        JsonElement all = await Settings(new
        {
            sslInfoTypeFormat = "string", serialNumberFormat = "colon", updateDomainStatus = 201, tokenLifetimeSeconds = 60,
            updateDomainOmittedRedirect = "reset", defaultMinSslVersion = "TLSv1.2", defaultLanguage = "zh-cn",
        });
        Assert.Equal(60, all.GetProperty("tokenLifetimeSeconds").GetInt32());
        // Naming one setting leaves the others as they are.
        JsonElement one = await Settings(new { serialNumberFormat = "hex" }, HttpMethod.Put);
        Assert.Equal("string", one.GetProperty("sslInfoTypeFormat").GetString());
        Assert.Equal(201, one.GetProperty("updateDomainStatus").GetInt32());

        using (var reset = await AdminSend(HttpMethod.Post, "/_emulator/reset")) await AssertStatus(reset, HttpStatusCode.OK);
        JsonElement defaults = (await AdminGet("/_emulator/state")).GetProperty("settings");
        Assert.Equal("number", defaults.GetProperty("sslInfoTypeFormat").GetString());
        Assert.Equal("decimal", defaults.GetProperty("serialNumberFormat").GetString());
        Assert.Equal(200, defaults.GetProperty("updateDomainStatus").GetInt32());
        Assert.Equal("keep", defaults.GetProperty("updateDomainOmittedRedirect").GetString());
        Assert.Equal("TLSv1.1", defaults.GetProperty("defaultMinSslVersion").GetString());
        Assert.Equal("en-us", defaults.GetProperty("defaultLanguage").GetString());
        Assert.Equal(86400, defaults.GetProperty("tokenLifetimeSeconds").GetInt32());
    }

    // ---- §7: the documented refusals on bind ----

    [Fact]
    public async Task Certificate_valid_at_the_2038_limit_is_3148_and_one_second_earlier_binds()
    {
        DateTimeOffset limit = new(2038, 1, 19, 3, 14, 7, TimeSpan.Zero);
        foreach (DateTimeOffset notAfter in new[] { limit, limit.AddSeconds(1), new DateTimeOffset(2040, 6, 1, 0, 0, 0, TimeSpan.Zero) })
        {
            Issued late = SelfSigned(Rsa(0), "api.example.com", notAfter: notAfter);
            using var refused = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("late_cert", late.CertificatePem, late.Pkcs8KeyPem));
            string message = await AssertError(refused, HttpStatusCode.BadRequest, "APIG.3148");
            Assert.Contains("2038-01-19 03:14:07 UTC", message);
        }
        Assert.Equal(0, (await UrlDomain()).GetProperty("ssl_infos").GetArrayLength());

        Issued inTime = SelfSigned(Rsa(0), "api.example.com", notAfter: limit.AddSeconds(-1));
        await BindOk(Domain1, "in_time", inTime);
    }

    [Fact]
    public async Task New_refusals_come_after_the_parse_key_and_chain_checks()
    {
        Issued sanLessLate = SelfSigned(Rsa(0), "api.example.com", [], notAfter: new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        foreach ((string key, string code) in new[] { ("not a key", "APIG.2106"), (Rsa(1).ExportPkcs8PrivateKeyPem(), "APIG.2101"), (sanLessLate.Pkcs8KeyPem, "APIG.3148") })
        {
            using var response = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("order_check", sanLessLate.CertificatePem, key));
            await AssertError(response, HttpStatusCode.BadRequest, code);
        }
        Issued sanLessExpired = SelfSigned(Rsa(0), "api.example.com", [], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        using var expired = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("order_check", sanLessExpired.CertificatePem, sanLessExpired.Pkcs8KeyPem));
        await AssertError(expired, HttpStatusCode.BadRequest, "APIG.2102");
    }

    // ---- error codes and shapes for what these operations can hit ----

    [Fact]
    public async Task Domain_of_another_group_is_3474_for_every_domain_call()
    {
        string wrongGroup = Group1 + "/domains/dom00000000000000000000000000003"; // pay.example.com lives in group 2
        Issued cert = SelfSigned(Rsa(0), "pay.example.com");
        foreach ((HttpMethod method, string path, object? body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Delete, wrongGroup, null),
                     (HttpMethod.Put, wrongGroup, new { min_ssl_version = "TLSv1.2" }),
                     (HttpMethod.Post, wrongGroup + "/certificate", BindBody("wrong_group", cert.CertificatePem, cert.Pkcs8KeyPem)),
                     (HttpMethod.Get, wrongGroup + "/certificate/ffffffffffffffffffffffffffffffff", null),
                     (HttpMethod.Delete, wrongGroup + "/certificate/ffffffffffffffffffffffffffffffff", null),
                 })
        {
            using var response = await Send(method, path, body);
            Assert.Contains("does not match the API group", await AssertError(response, HttpStatusCode.BadRequest, "APIG.3474"));
        }
        using var group2 = await Send(HttpMethod.Get, Group2);
        Assert.Equal(2, (await Json(group2)).GetProperty("url_domains").GetArrayLength()); // nothing was removed
    }

    [Fact]
    public async Task Certificate_bound_elsewhere_is_3097_and_one_bound_nowhere_is_3021()
    {
        string id = await BindOk(Domain1, "bound_here", SelfSigned(Rsa(0), "api.example.com"));
        using (var elsewhere = await Send(HttpMethod.Delete, Domain2 + "/certificate/" + id))
            await AssertError(elsewhere, HttpStatusCode.NotFound, "APIG.3097");
        using (var unbound = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + id))
            await AssertStatus(unbound, HttpStatusCode.NoContent);
        // The legacy unbind deletes the certificate, so a repeat finds no certificate at all.
        using (var again = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + id))
            await AssertError(again, HttpStatusCode.NotFound, "APIG.3021");
        using (var elsewhereNow = await Send(HttpMethod.Get, Domain2 + "/certificate/" + id))
            await AssertError(elsewhereNow, HttpStatusCode.NotFound, "APIG.3021");
    }

    [Fact]
    public async Task Ingress_ports_come_together_or_not_at_all()
    {
        using (var onlyHttp = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "ports.example.com", ingress_http_port = 8080 }))
            Assert.Contains("ingress_https_port", await AssertError(onlyHttp, HttpStatusCode.BadRequest, "APIG.2012"));
        using (var onlyHttps = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", ingress_https_port = 8443 }))
            Assert.Contains("ingress_http_port", await AssertError(onlyHttps, HttpStatusCode.BadRequest, "APIG.2012"));
        Assert.Equal(443, (await UrlDomain()).GetProperty("ingress_https_port").GetInt32());

        using var both = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "ports.example.com", ingress_http_port = -1, ingress_https_port = 8443 });
        await AssertStatus(both, HttpStatusCode.Created);
        JsonElement body = await Json(both);
        Assert.Equal((-1, 8443), (body.GetProperty("ingress_http_port").GetInt32(), body.GetProperty("ingress_https_port").GetInt32()));
    }

    [Theory]
    [InlineData("rsa-pkcs1", "SHA256-RSA")]
    [InlineData("rsa-pss", "SHA256-RSAPSS")]
    [InlineData("ecdsa", "ECDSA-SHA256")]
    public async Task Show_certificate_gives_go_style_signature_names_and_documented_formats(string kind, string expected)
    {
        Issued cert = kind switch
        {
            "rsa-pkcs1" => SelfSigned(Rsa(0), "api.example.com"),
            "rsa-pss" => SelfSigned(Rsa(0), "api.example.com", rsaPadding: RSASignaturePadding.Pss),
            _ => SelfSigned(Ec(0), "api.example.com"),
        };
        string id = await BindOk(Domain1, "sig_check", cert);
        using var shown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id);
        await AssertStatus(shown, HttpStatusCode.OK);
        JsonElement details = await Json(shown);
        Assert.Equal(expected, details.GetProperty("signature_algorithm").GetString());
        Assert.Equal("instance", details.GetProperty("type").GetString());
        Assert.Equal(SeedDocument.DefaultInstanceId, details.GetProperty("instance_id").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", details.GetProperty("not_before").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", details.GetProperty("not_after").GetString());
        Assert.Equal(JsonValueKind.String, details.GetProperty("serial_number").ValueKind);
        // The managed-certificates doc: this answer is CertificateDetail, store fields included ...
        Assert.Equal(kind == "ecdsa" ? "ECC" : "RSA", details.GetProperty("algorithm_type").GetString());
        Assert.False(details.GetProperty("is_has_trusted_root_ca").GetBoolean());
        // ... while the APIG Go model of this answer has neither (only the ROMA page lists them): the goModel setting.
        await Settings(new { domainCertificateShape = "goModel" });
        using var goModel = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id);
        JsonElement lean = await Json(goModel);
        Assert.False(lean.TryGetProperty("algorithm_type", out _));
        Assert.False(lean.TryGetProperty("is_has_trusted_root_ca", out _));
        Assert.Equal(expected, lean.GetProperty("signature_algorithm").GetString());
    }
}
