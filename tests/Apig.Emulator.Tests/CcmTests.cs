using System.Net;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>Certificate Manager (CCM): list and export over real HTTP, and the admin calls that seed it.</summary>
public class CcmTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string List = "/v3/scm/certificates";

    private async Task<string> Seed(string name, string certificatePem, string keyPem, string? status = null, string? domain = null,
        string prefix = "/_emulator")
    {
        var body = new Dictionary<string, object?> { ["name"] = name, ["certificatePem"] = certificatePem, ["privateKeyPem"] = keyPem };
        if (status is not null) body["status"] = status;
        if (domain is not null) body["domain"] = domain;
        using HttpResponseMessage response = await AdminSend(HttpMethod.Post, prefix + "/ccm/certificates", body);
        await AssertStatus(response, HttpStatusCode.Created);
        string id = (await Json(response)).GetProperty("id").GetString()!;
        Assert.Matches("^scs[0-9]{13}$", id);
        return id;
    }

    private Task<string> Seed(string name, Issued leaf, string? status = null) => Seed(name, leaf.CertificatePem, leaf.Pkcs8KeyPem, status);

    /// <summary>Signed as the SDK signs a global service: X-Domain-Id instead of X-Project-Id.</summary>
    private HttpRequestMessage SignedGlobal(HttpMethod method, string pathAndQuery, string? domainId = SeedDocument.DefaultDomainId) =>
        Signed(method, pathAndQuery, signedAt: State.Now, beforeSigning: r =>
        {
            r.Headers.Remove("X-Project-Id");
            if (domainId is not null) r.Headers.Add("X-Domain-Id", domainId);
        });

    private async Task<JsonElement> ListOk(string query = "")
    {
        using HttpResponseMessage response = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List + query));
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private Task<HttpResponseMessage> Export(string id) => Http.SendAsync(SignedGlobal(HttpMethod.Post, $"{List}/{id}/export"));

    [Fact]
    public async Task A_seeded_certificate_is_listed_with_its_fields()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com", ["shop.example.com", "www.shop.example.com"]);
        string id = await Seed("shop_cert", leaf);

        JsonElement body = await ListOk();

        Assert.Equal(1, body.GetProperty("total_count").GetInt32());
        JsonElement entry = body.GetProperty("certificates").EnumerateArray().Single();
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal("shop_cert", entry.GetProperty("name").GetString());
        Assert.Equal("shop.example.com", entry.GetProperty("domain").GetString());
        Assert.Equal("www.shop.example.com", entry.GetProperty("sans").GetString());
        Assert.Equal("ISSUED", entry.GetProperty("status").GetString());
        Assert.Equal("SHA256WITHRSA", entry.GetProperty("signature_algorithm").GetString());
        Assert.Equal("MULTI_DOMAIN", entry.GetProperty("domain_type").GetString());
        Assert.Equal(leaf.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.f"), entry.GetProperty("expire_time").GetString());
        foreach (string field in new[] { "type", "brand", "validity_period" }) Assert.True(entry.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Expire_time_takes_each_form_of_its_setting()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        await Seed("shop_cert", leaf);
        long millis = new DateTimeOffset(leaf.Certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds();

        await SetSettings(new { ccmExpireTimeFormat = "epochMillisString" });
        Assert.Equal(millis.ToString(), (await ListOk()).GetProperty("certificates")[0].GetProperty("expire_time").GetString());
        await SetSettings(new { ccmExpireTimeFormat = "epochMillisNumber" });
        Assert.Equal(millis, (await ListOk()).GetProperty("certificates")[0].GetProperty("expire_time").GetInt64());

        using HttpResponseMessage bad = await AdminSend(HttpMethod.Put, "/_emulator/settings", new { ccmExpireTimeFormat = "iso" });
        await AssertError(bad, HttpStatusCode.BadRequest, "EMULATOR.400");
    }

    [Fact]
    public async Task Paging_takes_limit_10_to_50_and_counts_everything()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        for (int i = 0; i < 12; i++) await Seed($"cert_{i:00}", leaf);

        JsonElement first = await ListOk();
        Assert.Equal(12, first.GetProperty("total_count").GetInt32());
        Assert.Equal(10, first.GetProperty("certificates").GetArrayLength()); // the default limit is 10
        JsonElement second = await ListOk("?offset=10&limit=10");
        Assert.Equal<string?>(["cert_10", "cert_11"], second.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        foreach (string query in new[] { "?limit=9", "?limit=51", "?limit=ten", "?offset=-1" })
        {
            using HttpResponseMessage response = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List + query));
            await AssertError(response, HttpStatusCode.BadRequest, "SCM.0400");
        }
    }

    [Fact]
    public async Task Name_and_status_filter_the_list()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        await Seed("shop_cert", leaf);
        await Seed("pay_cert", leaf, status: "UPLOAD");
        await Seed("old_cert", leaf, status: "REVOKED");

        Assert.Equal(["shop_cert"], Names(await ListOk("?name=SHOP")));
        Assert.Equal(["pay_cert"], Names(await ListOk("?status=UPLOAD")));
        Assert.Equal(3, (await ListOk("?status=ALL")).GetProperty("total_count").GetInt32());
        using HttpResponseMessage bad = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List + "?status=NOPE"));
        await AssertError(bad, HttpStatusCode.BadRequest, "SCM.0400");
    }

    [Fact]
    public async Task Export_gives_leaf_chain_whole_and_key()
    {
        Issued root = CreateCa(Rsa(1), "CCM Root");
        Issued intermediate = CreateCa(Rsa(2), "CCM Intermediate", root);
        Issued leaf = Issue(intermediate, Ec(0), "shop.example.com", ["shop.example.com"]);
        string id = await Seed("chained_cert", leaf.CertificatePem + "\n" + intermediate.CertificatePem, leaf.Pkcs8KeyPem);

        using HttpResponseMessage response = await Export(id);
        await AssertStatus(response, HttpStatusCode.OK);
        JsonElement body = await Json(response);

        string certificate = body.GetProperty("certificate").GetString()!;
        string chain = body.GetProperty("certificate_chain").GetString()!;
        Assert.Equal(leaf.Certificate.Thumbprint, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificate).Thumbprint);
        Assert.Equal(intermediate.Certificate.Thumbprint, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(chain).Thumbprint);
        Assert.Equal(certificate + chain, body.GetProperty("entire_certificate").GetString());
        using var exported = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificate, body.GetProperty("private_key").GetString()!);
        Assert.True(exported.HasPrivateKey);
        // The ECC leaf is signed by the RSA intermediate: the signature algorithm is the issuer's.
        Assert.Equal("SHA256WITHRSA", (await ListOk()).GetProperty("certificates")[0].GetProperty("signature_algorithm").GetString());
    }

    [Fact]
    public async Task Export_refuses_an_unknown_id_and_a_certificate_not_issued_or_uploaded()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com", notAfter: DateTimeOffset.UtcNow.AddDays(20));
        string issued = await Seed("issued_cert", leaf);
        string uploaded = await Seed("uploaded_cert", leaf, status: "UPLOAD");
        string revoked = await Seed("revoked_cert", leaf, status: "REVOKED");

        using (HttpResponseMessage unknown = await Export("scs0000000000000")) await AssertError(unknown, HttpStatusCode.NotFound, "SCM.0404");
        using (HttpResponseMessage refused = await Export(revoked)) await AssertError(refused, HttpStatusCode.BadRequest, "SCM.0400");
        using (HttpResponseMessage ok = await Export(uploaded)) await AssertStatus(ok, HttpStatusCode.OK);
        using (HttpResponseMessage ok = await Export(issued)) await AssertStatus(ok, HttpStatusCode.OK);

        // Past its not_after an issued certificate lists as EXPIRED and is no longer exported.
        var clock = new ShiftableClock { Offset = TimeSpan.FromDays(30) };
        State.Clock = clock;
        JsonElement entry = (await ListOk()).GetProperty("certificates").EnumerateArray().Single(c => c.GetProperty("id").GetString() == issued);
        Assert.Equal("EXPIRED", entry.GetProperty("status").GetString());
        using (HttpResponseMessage expired = await Export(issued)) await AssertError(expired, HttpStatusCode.BadRequest, "SCM.0400");
    }

    [Fact]
    public async Task Reissue_makes_a_new_certificate_and_the_old_one_stays_issued()
    {
        string oldId = await Seed("shop_cert", SelfSigned(Rsa(0), "shop.example.com"));
        Issued renewed = SelfSigned(Rsa(1), "shop.example.com", notAfter: DateTimeOffset.UtcNow.AddDays(400));

        using HttpResponseMessage response = await AdminSend(HttpMethod.Post, $"/_emulator/ccm/certificates/{oldId}/reissue",
            new { certificatePem = renewed.CertificatePem, privateKeyPem = renewed.Pkcs8KeyPem });
        await AssertStatus(response, HttpStatusCode.Created);
        string newId = (await Json(response)).GetProperty("id").GetString()!;

        Assert.NotEqual(oldId, newId);
        JsonElement[] entries = (await ListOk()).GetProperty("certificates").EnumerateArray().ToArray();
        Assert.Equal<string?>([oldId, newId], entries.Select(e => e.GetProperty("id").GetString()));
        Assert.All(entries, e => Assert.Equal("ISSUED", e.GetProperty("status").GetString()));
        Assert.All(entries, e => Assert.Equal("shop_cert", e.GetProperty("name").GetString()));
        JsonElement stateEntry = (await AdminGet("/_emulator/state")).GetProperty("ccmCertificates").EnumerateArray().Single(c => c.GetProperty("id").GetString() == newId);
        Assert.Equal(oldId, stateEntry.GetProperty("reissuedFrom").GetString());

        using HttpResponseMessage unknown = await AdminSend(HttpMethod.Post, "/_emulator/ccm/certificates/scs0000000000000/reissue",
            new { certificatePem = renewed.CertificatePem, privateKeyPem = renewed.Pkcs8KeyPem });
        await AssertError(unknown, HttpStatusCode.NotFound, "EMULATOR.404");
    }

    [Fact]
    public async Task Seeding_refuses_a_key_of_another_certificate_and_an_unknown_status()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        Issued other = SelfSigned(Rsa(1), "shop.example.com");
        using (HttpResponseMessage mismatch = await AdminSend(HttpMethod.Post, "/_emulator/ccm/certificates",
            new { name = "x_cert", certificatePem = leaf.CertificatePem, privateKeyPem = other.Pkcs8KeyPem }))
        {
            string message = await AssertError(mismatch, HttpStatusCode.BadRequest, "EMULATOR.400");
            Assert.Contains("privateKeyPem", message);
            Assert.DoesNotContain("PRIVATE KEY", message);
        }
        using HttpResponseMessage status = await AdminSend(HttpMethod.Post, "/_emulator/ccm/certificates",
            new { name = "x_cert", certificatePem = leaf.CertificatePem, privateKeyPem = leaf.Pkcs8KeyPem, status = "issued" });
        await AssertError(status, HttpStatusCode.BadRequest, "EMULATOR.400");
    }

    [Fact]
    public async Task The_agreed_admin_alias_seeds_too_and_the_domain_can_be_given()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        string id = await Seed("alias_cert", leaf.CertificatePem, leaf.Pkcs8KeyPem, domain: "*.example.com", prefix: "/admin");

        JsonElement entry = (await ListOk()).GetProperty("certificates").EnumerateArray().Single();
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal("*.example.com", entry.GetProperty("domain").GetString());
        Assert.Equal("WILDCARD", entry.GetProperty("domain_type").GetString());
    }

    [Fact]
    public async Task Signing_is_checked_and_x_domain_id_is_required_only_under_its_setting()
    {
        await Seed("shop_cert", SelfSigned(Rsa(0), "shop.example.com"));

        using (HttpResponseMessage withoutDomain = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List, domainId: null)))
            await AssertStatus(withoutDomain, HttpStatusCode.OK);
        using (HttpResponseMessage wrongDomain = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List, domainId: "someoneelse0000000000000000000001")))
            await AssertError(wrongDomain, HttpStatusCode.Forbidden, "APIG.1005");
        using (HttpResponseMessage badSignature = await Http.SendAsync(Signed(HttpMethod.Get, List, secretKey: "wrong-secret")))
            await AssertError(badSignature, HttpStatusCode.Unauthorized, "APIG.0303");
        using (HttpResponseMessage anonymous = await Send(HttpMethod.Get, List, token: null))
            await AssertError(anonymous, HttpStatusCode.Unauthorized, "APIG.1000");
        using (HttpResponseMessage token = await Send(HttpMethod.Get, List))
            await AssertStatus(token, HttpStatusCode.OK);

        await SetSettings(new { ccmRequiresDomainId = true });
        using (HttpResponseMessage withoutDomain = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List, domainId: null)))
            await AssertError(withoutDomain, HttpStatusCode.Unauthorized, "APIG.0303");
        using (HttpResponseMessage withDomain = await Http.SendAsync(SignedGlobal(HttpMethod.Get, List)))
            await AssertStatus(withDomain, HttpStatusCode.OK);
    }

    [Fact]
    public async Task No_private_key_reaches_the_request_log_or_the_admin_state_and_reset_clears_ccm()
    {
        Issued leaf = SelfSigned(Rsa(0), "shop.example.com");
        string id = await Seed("shop_cert", leaf);
        using (HttpResponseMessage exported = await Export(id)) await AssertStatus(exported, HttpStatusCode.OK);
        string keyBody = leaf.Pkcs8KeyPem.Split('\n')[1];

        string log = (await AdminGet("/_emulator/requests")).GetRawText();
        string state = (await AdminGet("/_emulator/state")).GetRawText();
        Assert.Contains($"/v3/scm/certificates/{id}/export", log);
        foreach (string text in new[] { log, state })
        {
            Assert.DoesNotContain("PRIVATE KEY", text);
            Assert.DoesNotContain(keyBody, text);
        }
        Assert.Equal(SeedDocument.DefaultDomainId, (await AdminGet("/_emulator/state")).GetProperty("domainId").GetString());

        using (HttpResponseMessage reset = await AdminSend(HttpMethod.Post, "/_emulator/reset")) await AssertStatus(reset, HttpStatusCode.OK);
        Assert.Equal(0, (await ListOk()).GetProperty("total_count").GetInt32());
        Assert.Equal(0, (await AdminGet("/_emulator/state")).GetProperty("ccmCertificates").GetArrayLength());
    }

    private async Task SetSettings(object body)
    {
        using HttpResponseMessage response = await AdminSend(HttpMethod.Put, "/_emulator/settings", body);
        await AssertStatus(response, HttpStatusCode.OK);
    }

    private static string[] Names(JsonElement list) =>
        list.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
}
