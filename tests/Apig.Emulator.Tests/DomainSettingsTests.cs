using System.Net;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>AssociateDomainV2 / UpdateDomainV2 against apig-api.md §3.5 and apig-managed-certificates.md §5.</summary>
public class DomainSettingsTests(EmulatorFixture fixture) : StoreTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private Task<HttpResponseMessage> CreateDomain(string groupPath, object body) => Send(HttpMethod.Post, groupPath + "/domains", body);

    [Fact]
    public async Task The_same_name_again_is_2050_in_its_group_and_3305_in_another_group_of_the_instance()
    {
        using (var sameGroup = await CreateDomain(Group1, new { url_domain = "API.example.com" }))
            await AssertError(sameGroup, HttpStatusCode.BadRequest, "APIG.2050");
        using (var otherGroup = await CreateDomain(Group2, new { url_domain = "api.example.com", ingress_http_port = 8080, ingress_https_port = 8443 }))
            await AssertError(otherGroup, HttpStatusCode.BadRequest, "APIG.3305");
        // Another instance may hold the name.
        (string _, string otherInstanceGroup, string[] _) = AddInstance("inst0000000000000000000000000002");
        using var elsewhere = await CreateDomain(otherInstanceGroup, new { url_domain = "api.example.com" });
        await AssertStatus(elsewhere, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(-1, 443, true)]
    [InlineData(80, -1, true)]
    [InlineData(1024, 49151, true)]
    [InlineData(80, 443, true)]
    [InlineData(79, 443, false)]
    [InlineData(80, 1023, false)]
    [InlineData(80, 49152, false)]
    [InlineData(-2, 443, false)]
    public async Task Ingress_ports_are_minus_one_the_defaults_or_1024_to_49151(int http, int https, bool accepted)
    {
        using var created = await CreateDomain(Group2, new { url_domain = "ports.example.com", ingress_http_port = http, ingress_https_port = https });
        if (accepted)
        {
            await AssertStatus(created, HttpStatusCode.Created);
            JsonElement body = await Json(created);
            Assert.Equal((http, https), (body.GetProperty("ingress_http_port").GetInt32(), body.GetProperty("ingress_https_port").GetInt32()));
        }
        else
        {
            await AssertError(created, HttpStatusCode.BadRequest, "APIG.2012");
        }
        using var updated = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", ingress_http_port = http, ingress_https_port = https });
        if (accepted) await AssertStatus(updated, HttpStatusCode.OK);
        else await AssertError(updated, HttpStatusCode.BadRequest, "APIG.2012");
    }

    [Fact]
    public async Task Update_changes_what_it_names_and_an_omitted_port_pair_stays()
    {
        using (var first = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.1", ingress_http_port = -1, ingress_https_port = 8443 }))
            await AssertStatus(first, HttpStatusCode.OK);
        using var second = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", is_http_redirect_to_https = true, verified_client_certificate_enabled = true });
        JsonElement body = await Json(second);
        Assert.Equal("TLSv1.2", body.GetProperty("min_ssl_version").GetString());
        Assert.Equal((-1, 8443), (body.GetProperty("ingress_http_port").GetInt32(), body.GetProperty("ingress_https_port").GetInt32()));
        Assert.True(body.GetProperty("is_http_redirect_to_https").GetBoolean());
        Assert.True(body.GetProperty("verified_client_certificate_enabled").GetBoolean());

        JsonElement listed = await UrlDomain(Group1, Domain1Id);
        Assert.False(listed.TryGetProperty("is_http_redirect_to_https", out _));
        Assert.True(listed.GetProperty("verified_client_certificate_enabled").GetBoolean());
        JsonElement stateDomain = (await AdminGet("/_emulator/state")).GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0];
        Assert.True(stateDomain.GetProperty("isHttpRedirectToHttps").GetBoolean());
        Assert.Equal(8443, stateDomain.GetProperty("ingressHttpsPort").GetInt32());
        Assert.Equal(-1, stateDomain.GetProperty("ingressHttpPort").GetInt32());

        // The attached-domains list returns the redirect flag the group listing hides.
        string id = await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, id, verify: true);
        using var attached = await Send(HttpMethod.Get, $"{Certificates}/{id}/attached-domains");
        JsonElement entry = (await Json(attached)).GetProperty("bound_domains").EnumerateArray().Single(); // https only: one port
        Assert.True(entry.GetProperty("is_http_redirect_to_https").GetBoolean());
        Assert.Equal("TLSv1.2", entry.GetProperty("min_ssl_version").GetString());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("keep", true)]
    [InlineData("refuse", false)]
    public async Task Verification_on_a_domain_without_a_certificate_is_kept_or_refused_as_set(string? setting, bool accepted)
    {
        if (setting is not null) await Settings(new { verifyWithoutCertificate = setting });
        using (var update = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", verified_client_certificate_enabled = true }))
        {
            if (accepted) await AssertStatus(update, HttpStatusCode.OK);
            else Assert.Contains("parameterName:verified_client_certificate_enabled", await AssertError(update, HttpStatusCode.BadRequest, "APIG.2012"));
        }
        Assert.Equal(accepted, (await UrlDomain(Group1, Domain1Id)).GetProperty("verified_client_certificate_enabled").GetBoolean());
        // Turning it off, or on with a certificate bound, is accepted in every variant.
        using (var off = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", verified_client_certificate_enabled = false }))
            await AssertStatus(off, HttpStatusCode.OK);
        await AttachOk(Domain1, await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com"))));
        using (var on = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", verified_client_certificate_enabled = true }))
            await AssertStatus(on, HttpStatusCode.OK);
        Assert.True((await UrlDomain(Group1, Domain1Id)).GetProperty("verified_client_certificate_enabled").GetBoolean());
    }

    [Fact]
    public async Task A_group_holds_at_most_five_domains()
    {
        for (int i = 3; i <= 5; i++)
            using (var ok = await CreateDomain(Group1, new { url_domain = $"n{i}.example.com" })) await AssertStatus(ok, HttpStatusCode.Created);
        using var full = await CreateDomain(Group1, new { url_domain = "n6.example.com" });
        await AssertError(full, HttpStatusCode.Forbidden, "APIG.3108");
    }
}
