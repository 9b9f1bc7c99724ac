using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

public class CertificateBindTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private Task<HttpResponseMessage> Bind(string domainPath, string name, string certPem, string keyPem) =>
        Send(HttpMethod.Post, domainPath + "/certificate", BindBody(name, certPem, keyPem));

    private async Task<string> BindError(string certPem, string keyPem, string code, string domainPath = Domain1)
    {
        using var response = await Bind(domainPath, "test_cert", certPem, keyPem);
        return await AssertError(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Bind_show_and_unbind_an_rsa_certificate()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com", ["api.example.com", "alt.example.com"]);
        using var bound = await Bind(Domain1, "api_cert_2026", cert.CertificatePem, cert.Pkcs8KeyPem);
        await AssertStatus(bound, HttpStatusCode.Created);
        JsonElement body = await Json(bound);
        string sslId = body.GetProperty("ssl_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", sslId);
        Assert.Equal("api_cert_2026", body.GetProperty("ssl_name").GetString());
        Assert.Equal("api.example.com", body.GetProperty("url_domain").GetString());
        Assert.Equal("dom00000000000000000000000000001", body.GetProperty("id").GetString());
        Assert.Equal(3, body.GetProperty("status").GetInt32());
        Assert.Equal("TLSv1.2", body.GetProperty("min_ssl_version").GetString());
        Assert.Equal("grp00000000000000000000000000001", body.GetProperty("api_group_id").GetString());

        using var group = await Send(HttpMethod.Get, Group1);
        JsonElement domain = (await Json(group)).GetProperty("url_domains")[0];
        Assert.Equal(sslId, domain.GetProperty("ssl_id").GetString());
        JsonElement info = domain.GetProperty("ssl_infos").EnumerateArray().Single();
        Assert.Equal(sslId, info.GetProperty("ssl_id").GetString());
        Assert.Equal("RSA", info.GetProperty("algorithm_type").GetString());
        Assert.Equal(1, info.GetProperty("type").GetInt32());

        using var shown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + sslId);
        await AssertStatus(shown, HttpStatusCode.OK);
        JsonElement details = await Json(shown);
        Assert.Equal(sslId, details.GetProperty("id").GetString());
        Assert.Equal("api_cert_2026", details.GetProperty("name").GetString());
        Assert.Equal("instance", details.GetProperty("type").GetString());
        Assert.Equal("api.example.com", details.GetProperty("common_name").GetString());
        Assert.Equal(["api.example.com", "alt.example.com"], details.GetProperty("san").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(cert.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), details.GetProperty("not_after").GetString());
        Assert.Equal(cert.Certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), details.GetProperty("not_before").GetString());
        Assert.Equal(DecimalSerial(cert.Certificate), details.GetProperty("serial_number").GetString());
        Assert.Equal("SHA256-RSA", details.GetProperty("signature_algorithm").GetString());
        Assert.Equal(3, details.GetProperty("version").GetInt32());
        Assert.Equal(["Emulator Tests"], details.GetProperty("organization").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["CN"], details.GetProperty("country").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("CN=api.example.com", details.GetProperty("issuer").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(ProjectId, details.GetProperty("project_id").GetString());

        using var unbound = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + sslId);
        Assert.Equal(HttpStatusCode.NoContent, unbound.StatusCode);
        using var gone = await Send(HttpMethod.Get, Domain1 + "/certificate/" + sslId);
        await AssertError(gone, HttpStatusCode.NotFound, "APIG.3021");
    }

    [Fact]
    public async Task Rsa_and_ecc_coexist_and_same_algorithm_replaces()
    {
        Issued ec = SelfSigned(Ec(0), "api.example.com", ["api.example.com"]);
        using var ecBound = await Bind(Domain1, "ecc_cert", ec.CertificatePem, ec.Pkcs8KeyPem);
        await AssertStatus(ecBound, HttpStatusCode.Created);
        string ecId = (await Json(ecBound)).GetProperty("ssl_id").GetString()!;

        JsonElement domain = await DomainJson();
        Assert.Equal("", domain.GetProperty("ssl_id").GetString()); // ssl_id is for an RSA certificate only
        Assert.Equal("", domain.GetProperty("ssl_name").GetString());
        Assert.Equal(ecId, domain.GetProperty("ssl_infos").EnumerateArray().Single().GetProperty("ssl_id").GetString());

        Issued rsa1 = SelfSigned(Rsa(0), "api.example.com");
        using var rsaBound = await Bind(Domain1, "rsa_cert_1", rsa1.CertificatePem, rsa1.Pkcs8KeyPem);
        string rsa1Id = (await Json(rsaBound)).GetProperty("ssl_id").GetString()!;
        Issued rsa2 = SelfSigned(Rsa(1), "api.example.com");
        using var rsaRebound = await Bind(Domain1, "rsa_cert_2", rsa2.CertificatePem, rsa2.Pkcs8KeyPem);
        string rsa2Id = (await Json(rsaRebound)).GetProperty("ssl_id").GetString()!;
        Assert.NotEqual(rsa1Id, rsa2Id);

        domain = await DomainJson();
        Assert.Equal(rsa2Id, domain.GetProperty("ssl_id").GetString());
        Assert.Equal("rsa_cert_2", domain.GetProperty("ssl_name").GetString());
        var infos = domain.GetProperty("ssl_infos").EnumerateArray()
            .Select(i => (i.GetProperty("ssl_id").GetString(), i.GetProperty("algorithm_type").GetString())).OrderBy(i => i.Item2).ToArray();
        Assert.Equal([(ecId, "ECC"), (rsa2Id, "RSA")], infos);

        using var ecShown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + ecId);
        Assert.Equal("ECDSA-SHA256", (await Json(ecShown)).GetProperty("signature_algorithm").GetString());
        using var oldShown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + rsa1Id);
        await AssertError(oldShown, HttpStatusCode.NotFound, "APIG.3021");
        // A certificate is found only on the domain it is bound to; elsewhere the binding does not exist.
        using var otherDomain = await Send(HttpMethod.Get, Domain2 + "/certificate/" + rsa2Id);
        await AssertError(otherDomain, HttpStatusCode.NotFound, "APIG.3097");
    }

    private async Task<JsonElement[]> DomainCertificates() =>
        (await DomainJson()).GetProperty("ssl_infos").EnumerateArray().ToArray();

    private async Task<JsonElement> DomainJson()
    {
        using var group = await Send(HttpMethod.Get, Group1);
        return (await Json(group)).GetProperty("url_domains")[0];
    }

    [Fact]
    public async Task Pkcs1_and_sec1_keys_and_a_full_chain_are_accepted()
    {
        Issued root = CreateCa(Rsa(2), "Emulator Test Root");
        Issued intermediate = CreateCa(Ec(1), "Emulator Test Intermediate", root);
        Issued leaf = Issue(intermediate, Rsa(0), "www.example.com", ["www.example.com"]);
        string chain = leaf.CertificatePem + "\n" + intermediate.CertificatePem + "\n" + root.CertificatePem;
        using var rsaBound = await Bind(Domain2, "chain_cert", chain, Rsa(0).ExportRSAPrivateKeyPem());
        await AssertStatus(rsaBound, HttpStatusCode.Created);

        Issued ecLeaf = Issue(intermediate, Ec(0), "www.example.com", ["www.example.com"]);
        using var ecBound = await Bind(Domain2, "chain_cert_ec", ecLeaf.CertificatePem + "\n" + intermediate.CertificatePem, Ec(0).ExportECPrivateKeyPem());
        await AssertStatus(ecBound, HttpStatusCode.Created);
        string id = (await Json(ecBound)).GetProperty("ssl_id").GetString()!;
        using var shown = await Send(HttpMethod.Get, Domain2 + "/certificate/" + id);
        Assert.Contains("CN=Emulator Test Intermediate", (await Json(shown)).GetProperty("issuer").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Wildcard_covers_exactly_one_label()
    {
        Issued wildcard = SelfSigned(Rsa(0), "*.example.com", ["*.example.com"]);
        using (var ok = await Bind(Domain1, "wild_card", wildcard.CertificatePem, wildcard.Pkcs8KeyPem))
            await AssertStatus(ok, HttpStatusCode.Created);

        string deep, apex;
        using (var created = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "a.b.example.com" }))
            deep = Group2 + "/domains/" + (await Json(created)).GetProperty("id").GetString();
        using (var created = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "example.com" }))
            apex = Group2 + "/domains/" + (await Json(created)).GetProperty("id").GetString();
        await BindError(wildcard.CertificatePem, wildcard.Pkcs8KeyPem, "APIG.2103", deep);
        await BindError(wildcard.CertificatePem, wildcard.Pkcs8KeyPem, "APIG.2103", apex);

        Issued upper = SelfSigned(Rsa(0), "*.EXAMPLE.com", ["*.EXAMPLE.com"]);
        using var caseInsensitive = await Bind(Domain2, "upper_case", upper.CertificatePem, upper.Pkcs8KeyPem);
        await AssertStatus(caseInsensitive, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Only_the_san_counts_for_coverage_and_a_san_less_certificate_is_2109()
    {
        Issued sanElsewhere = SelfSigned(Rsa(0), "api.example.com", ["other.example.com"]);
        await BindError(sanElsewhere.CertificatePem, sanElsewhere.Pkcs8KeyPem, "APIG.2103");

        Issued cnOnly = SelfSigned(Rsa(0), "api.example.com", []);
        string message = await BindError(cnOnly.CertificatePem, cnOnly.Pkcs8KeyPem, "APIG.2109");
        Assert.Contains("SAN", message);
        Assert.EndsWith("parameterName:cert_content", message);
        Issued ecCnOnly = SelfSigned(Ec(0), "api.example.com", []);
        await BindError(ecCnOnly.CertificatePem, ecCnOnly.Pkcs8KeyPem, "APIG.2109");
        Assert.Empty(await DomainCertificates());
    }

    [Fact]
    public async Task Body_errors_2000_2001_2012()
    {
        using (var notJson = await Send(HttpMethod.Post, Domain1 + "/certificate", "{not json"))
            await AssertError(notJson, HttpStatusCode.BadRequest, "APIG.2000");
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        foreach (string missing in new[] { "name", "cert_content", "private_key" })
        {
            var body = new Dictionary<string, string> { ["name"] = "good_name", ["cert_content"] = cert.CertificatePem, ["private_key"] = cert.Pkcs8KeyPem };
            body[missing] = "";
            using var response = await Send(HttpMethod.Post, Domain1 + "/certificate", body);
            string message = await AssertError(response, HttpStatusCode.BadRequest, "APIG.2001");
            Assert.StartsWith("The request parameters must be specified,parameterName:" + missing, message);
            body.Remove(missing);
            using var absent = await Send(HttpMethod.Post, Domain1 + "/certificate", body);
            Assert.Contains("parameterName:" + missing, await AssertError(absent, HttpStatusCode.BadRequest, "APIG.2001"));
        }
        foreach (string badName in new[] { "abc", "1abc", "_abc", "ab-cd", new string('a', 51), "名a" + "!" })
        {
            using var response = await Bind(Domain1, badName, cert.CertificatePem, cert.Pkcs8KeyPem);
            string message = await AssertError(response, HttpStatusCode.BadRequest, "APIG.2012");
            Assert.StartsWith("Invalid parameter value,parameterName:name.", message);
        }
        foreach (string goodName in new[] { "abcd", "证书名称", "a_1_b", new string('a', 50) })
        {
            using var response = await Bind(Domain1, goodName, cert.CertificatePem, cert.Pkcs8KeyPem);
            await AssertStatus(response, HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Unparsable_material_is_2106_and_an_encrypted_key_2105()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        Assert.EndsWith("parameterName:cert_content", await BindError("not a certificate", cert.Pkcs8KeyPem, "APIG.2106"));
        await BindError("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", cert.Pkcs8KeyPem, "APIG.2106");
        Assert.EndsWith("parameterName:private_key", await BindError(cert.CertificatePem, "not a key", "APIG.2106"));
        string encrypted = Rsa(0).ExportEncryptedPkcs8PrivateKeyPem("pw".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        Assert.EndsWith("parameterName:private_key", await BindError(cert.CertificatePem, encrypted, "APIG.2105"));
        string traditional = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        await BindError(cert.CertificatePem, traditional, "APIG.2105");
        await BindError(cert.CertificatePem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "APIG.2106");
    }

    [Fact]
    public async Task Key_of_another_certificate_is_2101()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        await BindError(cert.CertificatePem, Rsa(1).ExportPkcs8PrivateKeyPem(), "APIG.2101");
        await BindError(cert.CertificatePem, Ec(0).ExportPkcs8PrivateKeyPem(), "APIG.2101");
    }

    [Fact]
    public async Task Chain_not_leaf_first_or_broken_is_2104()
    {
        Issued root = CreateCa(Rsa(2), "Emulator Test Root");
        Issued intermediate = CreateCa(Rsa(3), "Emulator Test Intermediate", root);
        Issued leaf = Issue(intermediate, Rsa(0), "api.example.com", ["api.example.com"]);
        await BindError(intermediate.CertificatePem + "\n" + leaf.CertificatePem, leaf.Pkcs8KeyPem, "APIG.2104");
        await BindError(leaf.CertificatePem + "\n" + root.CertificatePem, leaf.Pkcs8KeyPem, "APIG.2104");
        await BindError(leaf.CertificatePem + "\n" + root.CertificatePem + "\n" + intermediate.CertificatePem, leaf.Pkcs8KeyPem, "APIG.2104");

        // Same issuer name, different key: only a real signature check notices.
        Issued impostor = CreateCa(Rsa(1), "Emulator Test Intermediate", root);
        await BindError(leaf.CertificatePem + "\n" + impostor.CertificatePem, leaf.Pkcs8KeyPem, "APIG.2104");
    }

    [Fact]
    public async Task Expired_or_not_yet_valid_leaf_is_2102()
    {
        Issued expired = SelfSigned(Rsa(0), "api.example.com", null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        await BindError(expired.CertificatePem, expired.Pkcs8KeyPem, "APIG.2102");
        Issued future = SelfSigned(Rsa(0), "api.example.com", null, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(30));
        await BindError(future.CertificatePem, future.Pkcs8KeyPem, "APIG.2102");
    }

    [Fact]
    public async Task Certificate_for_another_domain_is_2103()
    {
        Issued other = SelfSigned(Ec(0), "shop.example.org", ["shop.example.org"]);
        await BindError(other.CertificatePem, other.Pkcs8KeyPem, "APIG.2103");
    }

    [Fact]
    public async Task Path_lookups_come_after_body_checks_and_report_404()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        using var response = await Bind(Group1 + "/domains/dom00000000000000000000000000009", "good_name", cert.CertificatePem, cert.Pkcs8KeyPem);
        await AssertError(response, HttpStatusCode.NotFound, "APIG.3020");
    }

    [Fact]
    public async Task Private_key_never_appears_in_state_or_log_or_errors()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        string keyPem = cert.Pkcs8KeyPem;
        string keyBase64Line = keyPem.Split('\n')[2];
        using (var ok = await Bind(Domain1, "secret_check", cert.CertificatePem, keyPem))
        {
            await AssertStatus(ok, HttpStatusCode.Created);
            Assert.DoesNotContain(keyBase64Line, await ok.Content.ReadAsStringAsync());
        }
        using (var wrong = await Bind(Domain2, "secret_check", cert.CertificatePem, keyPem))
            Assert.DoesNotContain(keyBase64Line, await wrong.Content.ReadAsStringAsync());

        string state = (await AdminGet("/_emulator/state")).GetRawText();
        string log = (await AdminGet("/_emulator/requests")).GetRawText();
        Assert.DoesNotContain(keyBase64Line, state);
        Assert.DoesNotContain("PRIVATE KEY", state);
        Assert.DoesNotContain(keyBase64Line, log);
        Assert.Contains(cert.Certificate.Thumbprint, state);
    }
}
