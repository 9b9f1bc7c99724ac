using System.Net;
using System.Text.Json;

namespace Apig.Emulator.Tests;

/// <summary>Instances, groups, domains: lookups, 404 codes, paging and the domain set-up calls.</summary>
public class ResourceTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Default_seed_is_as_documented()
    {
        using var instances = await Send(HttpMethod.Get, Api + "/instances");
        JsonElement instance = (await Json(instances)).GetProperty("instances")[0];
        Assert.Equal("inst0000000000000000000000000001", instance.GetProperty("id").GetString());
        Assert.Equal("apig-emulator", instance.GetProperty("instance_name").GetString());
        Assert.Equal("Running", instance.GetProperty("status").GetString());
        Assert.Equal("PROFESSIONAL", instance.GetProperty("spec").GetString());

        using var groups = await Send(HttpMethod.Get, Instance + "/api-groups");
        JsonElement body = await Json(groups);
        Assert.Equal(3, body.GetProperty("total").GetInt32());
        var names = body.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(new[] { "shop", "payments", "internal" }, names);
        var domains = body.GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("url_domains").EnumerateArray())
            .Select(d => (d.GetProperty("id").GetString(), d.GetProperty("domain").GetString())).ToArray();
        Assert.Equal([("dom00000000000000000000000000001", "api.example.com"), ("dom00000000000000000000000000002", "www.example.com"),
            ("dom00000000000000000000000000003", "pay.example.com"), ("dom00000000000000000000000000004", "checkout.example.com"),
            ("dom00000000000000000000000000005", "intra.example.com")], domains);
        JsonElement first = body.GetProperty("groups")[0].GetProperty("url_domains")[0];
        Assert.Equal(3, first.GetProperty("cname_status").GetInt32());
        Assert.Equal("TLSv1.2", first.GetProperty("min_ssl_version").GetString());
        Assert.Equal("", first.GetProperty("ssl_id").GetString()); // the Go model's plain string: empty, not absent
        Assert.Equal("", first.GetProperty("ssl_name").GetString());
        Assert.False(first.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.Equal(0, first.GetProperty("ssl_infos").GetArrayLength());
    }

    [Fact]
    public async Task Show_instance_and_group()
    {
        using var instance = await Send(HttpMethod.Get, Instance);
        Assert.Equal("apig-emulator", (await Json(instance)).GetProperty("instance_name").GetString());
        using var group = await Send(HttpMethod.Get, Group2);
        JsonElement body = await Json(group);
        Assert.Equal("payments", body.GetProperty("name").GetString());
        Assert.Equal(2, body.GetProperty("url_domains").GetArrayLength());
    }

    [Fact]
    public async Task Missing_resources_give_their_404_codes()
    {
        using (var r = await Send(HttpMethod.Get, Api + "/instances/inst0000000000000000000000000009"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3030");
        using (var r = await Send(HttpMethod.Get, Instance + "/api-groups/grp00000000000000000000000000009"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3001");
        // Exact match only: an upper-case id is another id.
        using (var r = await Send(HttpMethod.Get, Instance + "/api-groups/GRP00000000000000000000000000001"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3001");
        using (var r = await Send(HttpMethod.Delete, Group1 + "/domains/dom00000000000000000000000000009"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3020");
        using (var r = await Send(HttpMethod.Get, Domain1 + "/certificate/ffffffffffffffffffffffffffffffff"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3021");
        using (var r = await Send(HttpMethod.Delete, Domain1 + "/certificate/ffffffffffffffffffffffffffffffff"))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3021");
    }

    [Fact]
    public async Task Paging_follows_the_documented_rules()
    {
        using (var bulk = await AdminSend(HttpMethod.Post, "/_emulator/bulk", new { groups = 1100, domainsPerGroup = 1 }))
            await AssertStatus(bulk, HttpStatusCode.Created);
        const int total = 1103;

        async Task<(int Size, long Total, string[] Ids)> Page(string query)
        {
            using var response = await Send(HttpMethod.Get, Instance + "/api-groups" + query);
            await AssertStatus(response, HttpStatusCode.OK);
            JsonElement body = await Json(response);
            string[] ids = body.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("id").GetString()!).ToArray();
            Assert.Equal(ids.Length, body.GetProperty("size").GetInt32());
            return (ids.Length, body.GetProperty("total").GetInt64(), ids);
        }

        Assert.Equal((20, total), ((await Page("")).Size, (await Page("")).Total));
        Assert.Equal(20, (await Page("?limit=0")).Size);
        Assert.Equal(20, (await Page("?limit=-3")).Size);
        Assert.Equal(500, (await Page("?limit=501")).Size);
        Assert.Equal((await Page("?offset=0&limit=7")).Ids, (await Page("?offset=-5&limit=7")).Ids);
        var beyond = await Page("?offset=5000");
        Assert.Equal((0, (long)total), (beyond.Size, beyond.Total));

        var all = new List<string>();
        for (int offset = 0; offset < total; offset += 500) all.AddRange((await Page($"?offset={offset}&limit=500")).Ids);
        Assert.Equal(total, all.Count);
        Assert.Equal(total, all.Distinct().Count());
        Assert.Equal(all.Skip(3).Take(500), (await Page("?offset=3&limit=500")).Ids);

        using var invalid = await Send(HttpMethod.Get, Instance + "/api-groups?limit=abc");
        Assert.Contains("limit", await AssertError(invalid, HttpStatusCode.BadRequest, "APIG.2012"));
    }

    [Fact]
    public async Task Group_filters_by_id_fuzzy_name_and_precise_name()
    {
        using (var bulk = await AdminSend(HttpMethod.Post, "/_emulator/bulk", new { groups = 3, domainsPerGroup = 0, namePrefix = "shopx" }))
            await AssertStatus(bulk, HttpStatusCode.Created);
        async Task<string[]> Names(string query)
        {
            using var response = await Send(HttpMethod.Get, Instance + "/api-groups" + query);
            return (await Json(response)).GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()!).ToArray();
        }
        Assert.Equal(["shop", "shopx-00001", "shopx-00002", "shopx-00003"], await Names("?name=shop"));
        Assert.Equal(["shop"], await Names("?name=shop&precise_search=name"));
        Assert.Equal(["payments"], await Names("?id=grp00000000000000000000000000002"));
        Assert.Equal(["internal"], await Names("?name=tern"));
    }

    [Fact]
    public async Task Instance_filters()
    {
        async Task<int> Total(string query)
        {
            using var response = await Send(HttpMethod.Get, Api + "/instances" + query);
            return (await Json(response)).GetProperty("total").GetInt32();
        }
        Assert.Equal(1, await Total("?instance_name=emul"));
        Assert.Equal(0, await Total("?instance_name=other"));
        Assert.Equal(1, await Total("?instance_id=inst0000000000000000000000000001"));
        Assert.Equal(0, await Total("?instance_id=inst0000000000000000000000000002"));
        Assert.Equal(1, await Total("?status=Running"));
        Assert.Equal(0, await Total("?status=Creating"));
    }

    [Fact]
    public async Task Domains_can_be_added_updated_and_removed_within_the_limits()
    {
        using (var created = await Send(HttpMethod.Post, Group1 + "/domains", new { url_domain = "new.example.com", min_ssl_version = "TLSv1.2" }))
        {
            await AssertStatus(created, HttpStatusCode.Created);
            JsonElement body = await Json(created);
            Assert.Equal("new.example.com", body.GetProperty("url_domain").GetString());
            Assert.Matches("^[0-9a-f]{32}$", body.GetProperty("id").GetString());
        }
        using (var dup = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "API.example.com" }))
            await AssertError(dup, HttpStatusCode.BadRequest, "APIG.3305");
        using (var r = await Send(HttpMethod.Post, Group1 + "/domains", new { url_domain = "n4.example.com" })) await AssertStatus(r, HttpStatusCode.Created);
        using (var r = await Send(HttpMethod.Post, Group1 + "/domains", new { url_domain = "n5.example.com" })) await AssertStatus(r, HttpStatusCode.Created);
        using (var full = await Send(HttpMethod.Post, Group1 + "/domains", new { url_domain = "n6.example.com" }))
            await AssertError(full, HttpStatusCode.Forbidden, "APIG.3108");
        using (var missing = await Send(HttpMethod.Post, Group2 + "/domains", new { }))
            Assert.Contains("url_domain", await AssertError(missing, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var bad = await Send(HttpMethod.Post, Group2 + "/domains", new { url_domain = "not a domain" }))
            Assert.Contains("url_domain", await AssertError(bad, HttpStatusCode.BadRequest, "APIG.2012"));

        using (var noVersion = await Send(HttpMethod.Put, Domain1, new { is_http_redirect_to_https = true }))
            Assert.Contains("min_ssl_version", await AssertError(noVersion, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var updated = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.1", is_http_redirect_to_https = true }))
        {
            await AssertStatus(updated, HttpStatusCode.OK);
            JsonElement body = await Json(updated);
            Assert.Equal("TLSv1.1", body.GetProperty("min_ssl_version").GetString());
            Assert.True(body.GetProperty("is_http_redirect_to_https").GetBoolean());
        }
        using (var deleted = await Send(HttpMethod.Delete, Domain2))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var again = await Send(HttpMethod.Delete, Domain2))
            await AssertError(again, HttpStatusCode.NotFound, "APIG.3020");
        using var group = await Send(HttpMethod.Get, Group1);
        Assert.DoesNotContain("www.example.com", (await Json(group)).GetRawText());
    }

    [Fact]
    public async Task Hundreds_of_concurrent_requests_all_succeed()
    {
        HttpStatusCode[] codes = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            using var response = await Send(HttpMethod.Get, i % 2 == 0 ? Instance + "/api-groups" : Group1);
            return response.StatusCode;
        }));
        Assert.All(codes, c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.Equal(300, State.Log.Count);
    }
}
