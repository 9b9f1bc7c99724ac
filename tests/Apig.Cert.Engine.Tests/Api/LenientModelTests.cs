using System.Reflection;
using System.Text.Json;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Api;

/// <summary>
/// Every optional field of every model, fed odd but valid JSON in its real place in an answer: the object around it
/// is still read, and the listing with it. A field the module does not need must never cost the user a listing.
/// </summary>
public class LenientModelTests
{
    private static readonly string[] OddValues =
    [
        "\"text\"", "\"\"", "12345", "-1", "1.5", "1e400", "123456789012345678901234567890", "true", "false", "null",
        "{}", "{\"a\":[1,{\"b\":null}]}", "[]", "[1,\"x\",{\"y\":2},[3],null]",
    ];

    private static IEnumerable<string> WireFields<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() == null)
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));

    /// <summary>Runs every (field, odd value) of <typeparamref name="T"/> through the real client and collects what failed.</summary>
    private static async Task AssertLenient<T>(Func<string, string> answerWith, Func<ApigClient, Task<bool>> readStillWorks, int status = 200)
    {
        string answer = "";
        await using var server = new TestHttpServer(_ => TestResponse.Json(status, answer));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 0);
        var failures = new List<string>();
        foreach (string field in WireFields<T>())
        {
            foreach (string value in OddValues)
            {
                answer = answerWith("\"" + field + "\":" + value);
                try
                {
                    if (!await readStillWorks(client)) failures.Add(field + "=" + value + ": the object was lost");
                }
                catch (Exception ex)
                {
                    failures.Add(field + "=" + value + ": " + ex.GetType().Name + " " + ex.Message);
                }
            }
        }

        Assert.True(failures.Count == 0, typeof(T).Name + ":\n" + string.Join("\n", failures));
    }

    [Fact]
    public Task InstanceInfoFields() => AssertLenient<InstanceInfo>(
        field => "{\"total\":1,\"instances\":[{\"instance_name\":\"apig\"," + field + "}]}",
        async client => (await client.ListInstancesAsync(0, 20, CancellationToken.None)).Items.Count == 1);

    [Fact]
    public Task GroupInfoFieldsInAListing() => AssertLenient<GroupInfo>(
        field => "{\"total\":1,\"groups\":[{\"remark\":\"r\"," + field + "}]}",
        async client => (await client.ListGroupsAsync("i1", 0, 20, null, CancellationToken.None)).Items.Count == 1);

    [Fact]
    public Task GroupInfoFieldsInTheDetails() => AssertLenient<GroupInfo>(
        field => "{\"remark\":\"r\"," + field + "}",
        async client => (await client.GetGroupAsync("i1", "g1", CancellationToken.None)) != null);

    [Fact]
    public Task UrlDomainInfoFields() => AssertLenient<UrlDomainInfo>(
        field => "{\"id\":\"g1\",\"url_domains\":[{\"min_ssl_version\":\"TLSv1.2\"," + field + "}]}",
        async client => (await client.GetGroupAsync("i1", "g1", CancellationToken.None)).UrlDomains.Count == 1);

    [Fact]
    public Task SslInfoFields() => AssertLenient<SslInfo>(
        field => "{\"id\":\"g1\",\"url_domains\":[{\"id\":\"d1\",\"ssl_infos\":[{\"algorithm_type\":\"RSA\"," + field + "}]}]}",
        async client => Assert.Single((await client.GetGroupAsync("i1", "g1", CancellationToken.None)).UrlDomains).SslInfos.Count == 1);

    [Fact]
    public Task DomainCertificateDetailsFields() => AssertLenient<CertificateDetails>(
        field => "{\"signature_algorithm\":\"SHA256-RSA\"," + field + "}",
        async client => (await client.GetDomainCertificateAsync(TestSessions.Domain, "c1", CancellationToken.None)) != null);

    [Fact]
    public Task BindCertificateResponseFields() => AssertLenient<BindCertificateResponse>(
        field => "{\"url_domain\":\"api.example.com\"," + field + "}",
        async client => (await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None)) != null,
        status: 201);

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("\"instance\"", 1)]
    [InlineData("\"global\"", 2)]
    [InlineData("\"GLOBAL\"", 2)]
    [InlineData("\"2\"", 2)]
    [InlineData("3", null)]
    [InlineData("\"regional\"", null)]
    [InlineData("null", null)]
    [InlineData("{\"kind\":1}", null)]
    public async Task CertificateScopeIsReadAsNumberOrAsTheOlderString(string json, int? expected)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200,
            "{\"id\":\"g1\",\"url_domains\":[{\"id\":\"d1\",\"ssl_infos\":[{\"ssl_id\":\"c1\",\"type\":" + json + "}]}]}"));
        var client = await TestSessions.AkSkClientAsync(server);

        GroupInfo group = await client.GetGroupAsync("i1", "g1", CancellationToken.None);

        SslInfo ssl = Assert.Single(Assert.Single(group.UrlDomains).SslInfos);
        Assert.Equal("c1", ssl.SslId);
        Assert.Equal(expected, ssl.Type);
    }

    [Fact]
    public async Task ALoneValueWhereAListBelongsIsAListOfOne()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{\"id\":\"c1\",\"issuer\":\"CN=Test CA\",\"san\":[\"a.example.com\",7,{}]}"));
        var client = await TestSessions.AkSkClientAsync(server);

        CertificateDetails details = await client.GetDomainCertificateAsync(TestSessions.Domain, "c1", CancellationToken.None);

        Assert.Equal(["CN=Test CA"], details.Issuer);
        Assert.Equal(["a.example.com", "7"], details.San);
    }
}
