using System.Net;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>BatchAssociate/DisassociateDomainsV2 and ListAttachedDomainsV2 (apig-managed-certificates.md §1, §3.7 of apig-api.md).</summary>
public class CertificateSideBatchTests(EmulatorFixture fixture) : StoreTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string SecondInstance = "inst0000000000000000000000000002";

    private Task<HttpResponseMessage> Batch(string id, string verb, object domains) =>
        Send(HttpMethod.Post, $"{Certificates}/{id}/domains/{verb}", new { domains });

    private async Task BatchOk(string id, string verb, object domains)
    {
        using var response = await Batch(id, verb, domains);
        await AssertStatus(response, HttpStatusCode.NoContent);
    }

    private async Task<JsonElement> Attached(string id, string query = "")
    {
        using var response = await Send(HttpMethod.Get, $"{Certificates}/{id}/attached-domains{query}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private async Task<string[]> BoundNames(string id) =>
        (await StateCertificate(id)).GetProperty("domains").EnumerateArray()
            .Select(d => $"{d.GetProperty("instanceId").GetString()![^1]}:{d.GetProperty("domain").GetString()}").Order().ToArray();

    private async Task<string> Wildcard(string type = "global") =>
        await CreateId(type == "global"
            ? Form("wildcard_cert", SelfSigned(Rsa(0), "wild.example.com", ["*.example.com"]))
            : InstanceForm("wildcard_cert", SelfSigned(Rsa(0), "wild.example.com", ["*.example.com"])));

    [Fact]
    public async Task Attach_binds_names_in_the_given_instances_or_in_every_instance()
    {
        (string _, string otherGroup, string[] otherIds) = AddInstance(SecondInstance, "api.example.com", "www.example.com");
        string id = await Wildcard();

        await BatchOk(id, "attach", new object[]
        {
            new { domain = "api.example.com" }, // every instance
            new { domain = "www.example.com", instance_ids = new[] { DefaultInstanceId }, verified_client_certificate_enabled = true },
        });
        Assert.Equal(["1:api.example.com", "1:www.example.com", "2:api.example.com"], await BoundNames(id));
        Assert.Equal([id], SslIds(await UrlDomain(otherGroup, otherIds[0])));
        Assert.Empty(SslIds(await UrlDomain(otherGroup, otherIds[1])));
        Assert.True((await UrlDomain(Group1, "dom00000000000000000000000000002")).GetProperty("verified_client_certificate_enabled").GetBoolean());

        // An instance certificate, names without instance_ids: only its own instance.
        string local = await CreateId(InstanceForm("local_ecc", SelfSigned(Ec(0), "www.example.com")));
        await BatchOk(local, "attach", new[] { new { domain = "www.example.com" } });
        Assert.Equal(["1:www.example.com"], await BoundNames(local));
        using (var elsewhere = await Batch(local, "attach", new[] { new { domain = "www.example.com", instance_ids = new[] { SecondInstance } } }))
            Assert.Contains("instance_ids", await AssertError(elsewhere, HttpStatusCode.BadRequest, "APIG.2012"));
    }

    [Fact]
    public async Task Attach_refusals_change_nothing()
    {
        string id = await Wildcard();
        using (var none = await Send(HttpMethod.Post, $"{Certificates}/{id}/domains/attach", new { }))
            Assert.Contains("domains", await AssertError(none, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var empty = await Batch(id, "attach", Array.Empty<object>())) await AssertError(empty, HttpStatusCode.BadRequest, "APIG.2001");
        using (var notList = await Batch(id, "attach", "api.example.com")) await AssertError(notList, HttpStatusCode.BadRequest, "APIG.2012");
        using (var noName = await Batch(id, "attach", new[] { new { instance_ids = new[] { DefaultInstanceId } } }))
            Assert.Contains("domain", await AssertError(noName, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var badIds = await Batch(id, "attach", new[] { new { domain = "api.example.com", instance_ids = DefaultInstanceId } }))
            await AssertError(badIds, HttpStatusCode.BadRequest, "APIG.2012");
        using (var unknownCert = await Batch("ffffffffffffffffffffffffffffffff", "attach", new[] { new { domain = "api.example.com" } }))
            await AssertError(unknownCert, HttpStatusCode.NotFound, "APIG.3025");
        using (var unknownInstance = await Batch(id, "attach", new[] { new { domain = "api.example.com", instance_ids = new[] { "inst0000000000000000000000000099" } } }))
            await AssertError(unknownInstance, HttpStatusCode.NotFound, "APIG.3030");
        using (var unknownName = await Batch(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "nowhere.example.com" } }))
            Assert.Contains("nowhere.example.com", await AssertError(unknownName, HttpStatusCode.BadRequest, "APIG.2000"));

        using (var created = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "a.b.example.com" }))
            await AssertStatus(created, HttpStatusCode.Created);
        using (var uncovered = await Batch(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "a.b.example.com" } }))
            Assert.Contains("a.b.example.com", await AssertError(uncovered, HttpStatusCode.BadRequest, "APIG.2103"));

        string legacy = await LegacyUpload(Domain3, "legacy_pay", SelfSigned(Rsa(1), "pay.example.com"));
        using (var conflict = await Batch(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "pay.example.com" } }))
            await AssertError(conflict, HttpStatusCode.BadRequest, "APIG.2051");
        Assert.Empty(await BoundNames(id));
        Assert.True(await InStore(legacy));

        await Settings(new { attachConflict = "replace" });
        await BatchOk(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "pay.example.com" } });
        Assert.Equal(["1:api.example.com", "1:pay.example.com"], await BoundNames(id));
        Assert.False(await InStore(legacy));
    }

    [Fact]
    public async Task Batch_length_beyond_the_setting_is_2000()
    {
        string id = await Wildcard();
        await Settings(new { maxBatchDomains = 2 });
        object[] three = [new { domain = "api.example.com" }, new { domain = "www.example.com" }, new { domain = "pay.example.com" }];
        using (var tooMany = await Batch(id, "attach", three))
            Assert.Contains("at most 2", await AssertError(tooMany, HttpStatusCode.BadRequest, "APIG.2000"));
        using (var tooManyDetach = await Batch(id, "detach", three))
            await AssertError(tooManyDetach, HttpStatusCode.BadRequest, "APIG.2000");
        await BatchOk(id, "attach", three[..2]);
        await Settings(new { maxBatchDomains = 1000 });
        await BatchOk(id, "attach", three);
        Assert.Equal(3, (await BoundNames(id)).Length);
    }

    [Fact]
    public async Task Detach_unbinds_the_names_still_bound_and_none_bound_is_2000()
    {
        string id = await Wildcard();
        await BatchOk(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "www.example.com" } });
        await BatchOk(id, "detach", new[] { new { domain = "www.example.com" }, new { domain = "pay.example.com" }, new { domain = "nowhere.example.com" } });
        Assert.Equal(["1:api.example.com"], await BoundNames(id));
        using (var none = await Batch(id, "detach", new[] { new { domain = "www.example.com" } }))
            Assert.Contains("no valid domain name", await AssertError(none, HttpStatusCode.BadRequest, "APIG.2000"));
        await BatchOk(id, "detach", new[] { new { domain = "API.example.com", instance_ids = new[] { DefaultInstanceId } } });
        Assert.Empty(await BoundNames(id));
        Assert.True(await InStore(id));
    }

    [Fact]
    public async Task Attached_domains_lists_one_entry_per_ingress_port_with_the_documented_fields()
    {
        string id = await Wildcard();
        using (var created = await Send(HttpMethod.Post, Group2 + "/domains",
                   new { url_domain = "https-only.example.com", ingress_http_port = -1, ingress_https_port = 8443, is_http_redirect_to_https = true }))
            await AssertStatus(created, HttpStatusCode.Created);
        await BatchOk(id, "attach", new[] { new { domain = "api.example.com" }, new { domain = "https-only.example.com" } });

        JsonElement list = await Attached(id);
        Assert.Equal(3, list.GetProperty("total").GetInt64()); // api: 80 and 443; https-only: 8443
        Assert.Equal(3, list.GetProperty("size").GetInt32());
        JsonElement[] entries = list.GetProperty("bound_domains").EnumerateArray().ToArray();
        Assert.Equal(["api.example.com", "api.example.com", "https-only.example.com"], entries.Select(e => e.GetProperty("url_domain").GetString()));
        Assert.Equal(
            new[] { "url_domain", "id", "status", "min_ssl_version", "is_http_redirect_to_https", "verified_client_certificate_enabled",
                    "ingress_http_port", "ingress_https_port", "ssl_id", "ssl_name", "api_group_id", "api_group_name", "instance_id" }.Order(),
            entries[0].EnumerateObject().Select(p => p.Name).Order());
        JsonElement api = entries[0];
        Assert.Equal(Domain1Id, api.GetProperty("id").GetString());
        Assert.Equal(id, api.GetProperty("ssl_id").GetString());
        Assert.Equal("wildcard_cert", api.GetProperty("ssl_name").GetString());
        Assert.Equal("grp00000000000000000000000000001", api.GetProperty("api_group_id").GetString());
        Assert.Equal("shop", api.GetProperty("api_group_name").GetString());
        Assert.Equal(DefaultInstanceId, api.GetProperty("instance_id").GetString());
        Assert.Equal(3, api.GetProperty("status").GetInt32());
        Assert.False(api.GetProperty("is_http_redirect_to_https").GetBoolean());
        JsonElement httpsOnly = entries[2];
        Assert.True(httpsOnly.GetProperty("is_http_redirect_to_https").GetBoolean()); // returned here, unlike the group listing
        Assert.Equal((-1, 8443), (httpsOnly.GetProperty("ingress_http_port").GetInt32(), httpsOnly.GetProperty("ingress_https_port").GetInt32()));

        JsonElement filtered = await Attached(id, "?url_domain=https-only");
        Assert.Equal(1, filtered.GetProperty("total").GetInt64());
        JsonElement page = await Attached(id, "?offset=1&limit=1");
        Assert.Equal(1, page.GetProperty("size").GetInt32());
        Assert.Equal(3, page.GetProperty("total").GetInt64());

        await Settings(new { attachedDomainsEntries = "perName" });
        Assert.Equal(["api.example.com", "https-only.example.com"],
            (await Attached(id)).GetProperty("bound_domains").EnumerateArray().Select(e => e.GetProperty("url_domain").GetString()));

        using var unknown = await Send(HttpMethod.Get, Certificates + "/ffffffffffffffffffffffffffffffff/attached-domains");
        await AssertError(unknown, HttpStatusCode.NotFound, "APIG.3025");
    }

    [Fact]
    public async Task A_certificate_bound_to_500_domains_in_one_request_is_rotated_in_one_request()
    {
        using (var bulk = await AdminSend(HttpMethod.Post, "/_emulator/bulk", new { groups = 100, domainsPerGroup = 5, namePrefix = "scale", flatNames = true }))
            await AssertStatus(bulk, HttpStatusCode.Created);
        string[] names = Enumerable.Range(1, 100).SelectMany(g => Enumerable.Range(1, 5).Select(d => $"scale-{g:00000}-d{d}.example.com")).ToArray();
        string id = await Wildcard();
        using (await AdminSend(HttpMethod.Delete, "/_emulator/requests")) { }

        await BatchOk(id, "attach", names.Select(n => new { domain = n }).ToArray());
        Issued next = SelfSigned(Rsa(1), "wild.example.com", ["*.example.com"]);
        using (var updated = await Send(HttpMethod.Put, Certificates + "/" + id, Form("wildcard_next", next)))
            await AssertStatus(updated, HttpStatusCode.OK);
        Assert.Equal(2, (await AdminGet("/_emulator/requests")).GetArrayLength());

        JsonElement state = await AdminGet("/_emulator/state");
        JsonElement[] domains = state.GetProperty("instances")[0].GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("domains").EnumerateArray())
            .Where(d => d.GetProperty("domain").GetString()!.StartsWith("scale-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(500, domains.Length);
        Assert.All(domains, d =>
        {
            Assert.Equal([id], d.GetProperty("certificateIds").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(next.Certificate.Thumbprint, d.GetProperty("certificates")[0].GetProperty("thumbprint").GetString());
        });
        Assert.Equal(1000, (await Attached(id)).GetProperty("total").GetInt64());
        Assert.Equal(500, (await StateCertificate(id)).GetProperty("domains").GetArrayLength());
    }
}
