using System.Text.Json;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Api;

public class ApigClientTests
{
    private static async Task<(TestHttpServer Server, ApigClient Client)> Serve(TestResponse response)
    {
        var server = new TestHttpServer(_ => response);
        return (server, await TestSessions.AkSkClientAsync(server));
    }

    [Fact]
    public async Task BindPostsTheCertFormAndMapsTheAnswer()
    {
        var (server, client) = await Serve(TestResponse.Json(201, """
            {"url_domain":"api.example.com","id":"d1","status":3,"min_ssl_version":"TLSv1.2","ssl_name":"cert_name","ssl_id":"c9",
             "is_http_redirect_to_https":true,"verified_client_certificate_enabled":false,"ingress_http_port":80,"ingress_https_port":443,
             "instance_id":"i1","api_group_id":"g1","something_new":{"x":1}}
            """, ("X-Request-Id", "req-77")));
        await using var _ = server;

        var result = await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "-----BEGIN CERTIFICATE-----\nA+B/C=\n-----END CERTIFICATE-----\n",
            "PRIVATE", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(TestSessions.DomainPath + "/certificate", request.Target);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("cert_name", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("-----BEGIN CERTIFICATE-----\nA+B/C=\n-----END CERTIFICATE-----\n", body.RootElement.GetProperty("cert_content").GetString());
        Assert.Equal("PRIVATE", body.RootElement.GetProperty("private_key").GetString());
        Assert.Equal(3, body.RootElement.EnumerateObject().Count());

        Assert.Equal("api.example.com", result.UrlDomain);
        Assert.Equal("d1", result.Id);
        Assert.Equal(3, result.Status);
        Assert.Equal("TLSv1.2", result.MinSslVersion);
        Assert.Equal("cert_name", result.SslName);
        Assert.Equal("c9", result.SslId);
        Assert.True(result.IsHttpRedirectToHttps);
        Assert.False(result.VerifiedClientCertificateEnabled);
        Assert.Equal(443, result.IngressHttpsPort);
        Assert.Equal("req-77", result.RequestId);
    }

    [Fact]
    public async Task DomainCertificateDetailsAreMappedWithDatesAndLists()
    {
        var (server, client) = await Serve(TestResponse.Json(200, """
            {"id":"c1","name":"cert_name","type":"instance","instance_id":"i1","project_id":"p1","common_name":"api.example.com",
             "san":["api.example.com","www.example.com"],"version":3,"organization":null,"issuer":["Test CA"],
             "not_before":"2025-01-02T03:04:05Z","not_after":"2026-01-02T03:04:05Z","serial_number":"0a1b","signature_algorithm":"SHA256-RSA",
             "create_time":"2025-01-02T03:04:05.123+08:00","update_time":"yesterday","extra":[1,2,3]}
            """));
        await using var _ = server;

        var details = await client.GetDomainCertificateAsync(TestSessions.Domain, "c1", CancellationToken.None);

        Assert.Equal(TestSessions.DomainPath + "/certificate/c1", Assert.Single(server.Requests).Path);
        Assert.Equal("GET", server.Requests[0].Method);
        Assert.Equal("api.example.com", details.CommonName);
        Assert.Equal(["api.example.com", "www.example.com"], details.San);
        Assert.Empty(details.Organization);
        Assert.Empty(details.Country);
        Assert.Equal(["Test CA"], details.Issuer);
        Assert.Equal(3, details.Version);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), details.NotBefore);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), details.NotAfter);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 19, 4, 5, 123, TimeSpan.Zero), details.CreateTime);
        Assert.Null(details.UpdateTime);
        Assert.Equal("SHA256-RSA", details.SignatureAlgorithm);
    }

    [Fact]
    public async Task UnbindDeletesTheDomainCertificate()
    {
        var (server, client) = await Serve(new TestResponse { Status = 204 });
        await using var _ = server;

        await client.UnbindCertificateAsync(TestSessions.Domain, "c1", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal(TestSessions.DomainPath + "/certificate/c1", request.Target);
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task InstancesArePagedAndMapped()
    {
        var (server, client) = await Serve(TestResponse.Json(200, """
            {"size":1,"total":41,"instances":[{"id":"i1","project_id":"p1","instance_name":"gw","status":"Running","instance_status":6,
             "type":"apig","spec":"BASIC","create_time":1700000000,"enterprise_project_id":"0","eip_address":"1.2.3.4"}]}
            """));
        await using var _ = server;

        var page = await client.ListInstancesAsync(20, 1, CancellationToken.None);

        Assert.Equal("/v2/p1/apigw/instances?offset=20&limit=1", Assert.Single(server.Requests).Target);
        Assert.Equal(41, page.Total);
        var instance = Assert.Single(page.Items);
        Assert.Equal("gw", instance.InstanceName);
        Assert.Equal("Running", instance.Status);
        Assert.Equal(6, instance.InstanceStatus);
        Assert.Equal(1700000000, instance.CreateTime);
        Assert.Equal("1.2.3.4", instance.EipAddress);
    }

    [Fact]
    public async Task GroupsAreListedWithTheirDomainsAndCertificates()
    {
        var (server, client) = await Serve(TestResponse.Json(200, """
            {"size":1,"total":1,"groups":[{"id":"g1","name":"shop","status":1,"sl_domain":"g1.apic.example.com","sl_domains":null,
             "register_time":"2024-05-06T07:08:09Z","url_domains":[{"id":"d1","domain":"api.example.com","cname_status":3,"ssl_id":"c1",
             "ssl_name":"cert_name","min_ssl_version":"TLSv1.2","is_has_trusted_root_ca":false,"ingress_http_port":-1,"ingress_https_port":443,
             "ssl_infos":[{"ssl_id":"c1","ssl_name":"cert_name","algorithm_type":"RSA","type":1,"is_has_trusted_root_ca":false}]},
             {"id":"d2","domain":"old.example.com","cname_status":"1"}]}]}
            """));
        await using var _ = server;

        var page = await client.ListGroupsAsync("i1", 0, 500, "sh op", CancellationToken.None);

        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups?offset=0&limit=500&name=sh%20op", Assert.Single(server.Requests).Target);
        var group = Assert.Single(page.Items);
        Assert.Equal("shop", group.Name);
        Assert.Empty(group.SlDomains);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), group.RegisterTime);
        Assert.Equal(2, group.UrlDomains.Count);
        var domain = group.UrlDomains[0];
        Assert.Equal("api.example.com", domain.Domain);
        Assert.Equal(3, domain.CnameStatus);
        Assert.Equal(-1, domain.IngressHttpPort);
        var ssl = Assert.Single(domain.SslInfos);
        Assert.Equal("RSA", ssl.AlgorithmType);
        Assert.Equal(1, ssl.Type);
        Assert.Empty(group.UrlDomains[1].SslInfos);
        Assert.Equal(1, group.UrlDomains[1].CnameStatus);
    }

    [Fact]
    public async Task GroupDetailsAreRead()
    {
        var (server, client) = await Serve(TestResponse.Json(200, """{"id":"g1","name":"shop","url_domains":null}"""));
        await using var _ = server;

        var group = await client.GetGroupAsync("i1", "g1", CancellationToken.None);

        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups/g1", Assert.Single(server.Requests).Target);
        Assert.Equal("shop", group.Name);
        Assert.Empty(group.UrlDomains);
    }

    [Fact]
    public async Task AssociateDomainPostsTheNameAndMapsTheAnswer()
    {
        var (server, client) = await Serve(TestResponse.Json(201, """
            {"url_domain":"api.example.com","id":"d5","status":1,"min_ssl_version":"TLSv1.2","is_http_redirect_to_https":false}
            """));
        await using var _ = server;

        var domain = await client.AssociateDomainAsync("i1", "g1", "api.example.com", "TLSv1.2", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups/g1/domains", request.Target);
        Assert.Equal("""{"url_domain":"api.example.com","min_ssl_version":"TLSv1.2"}""", request.BodyText);
        Assert.Equal("d5", domain.Id);
        Assert.Equal("api.example.com", domain.Domain);
        Assert.Equal(1, domain.CnameStatus);
        Assert.Empty(domain.SslInfos);
    }

    [Fact]
    public async Task AssociateDomainLeavesOutAnUnsetTlsVersion()
    {
        var (server, client) = await Serve(TestResponse.Json(201, """{"id":"d5"}"""));
        await using var _ = server;

        await client.AssociateDomainAsync("i1", "g1", "api.example.com", null, CancellationToken.None);

        Assert.Equal("""{"url_domain":"api.example.com"}""", Assert.Single(server.Requests).BodyText);
    }

    [Fact]
    public async Task DisassociateDomainDeletesIt()
    {
        var (server, client) = await Serve(new TestResponse { Status = 204 });
        await using var _ = server;

        await client.DisassociateDomainAsync("i1", "g1", "d1", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups/g1/domains/d1", request.Target);
    }

    [Fact]
    public async Task IdsThatPassValidationAreStillEscapedInThePath()
    {
        var (server, client) = await Serve(TestResponse.Json(200, "{}"));
        await using var _ = server;

        await client.GetGroupAsync("i1", "g:1@x", CancellationToken.None);

        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups/g%3A1%40x", Assert.Single(server.Requests).Target);
    }

    [Fact]
    public async Task EmptyCertificateMaterialIsRefusedBeforeSending()
    {
        var (server, client) = await Serve(TestResponse.Json(201, "{}"));
        await using var _ = server;

        var error = await Assert.ThrowsAsync<ApigInputException>(() =>
            client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", " ", CancellationToken.None));

        Assert.Equal("PrivateKeyRequired", error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    public async Task AnyTwoHundredAnswerToABindIsSuccess(int status)
    {
        var (server, client) = await Serve(TestResponse.Json(status, "{\"id\":\"d1\",\"ssl_id\":\"c3\"}"));
        await using var _ = server;

        var result = await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None);

        Assert.Equal("c3", result.SslId);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    public async Task AnyTwoHundredAnswerToAnUnbindIsSuccess(int status)
    {
        var (server, client) = await Serve(TestResponse.Json(status, status == 204 ? "" : "{}"));
        await using var _ = server;

        await client.UnbindCertificateAsync(TestSessions.Domain, "c1", CancellationToken.None);

        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("99999999999999999")]
    [InlineData("253402300800000")]
    [InlineData("-5")]
    [InlineData("\"soon\"")]
    [InlineData("9223372036854775807")]
    public async Task AnOutOfRangeCreateTimeLosesOnlyThatField(string createTime)
    {
        var (server, client) = await Serve(TestResponse.Json(200,
            "{\"total\":2,\"instances\":[{\"id\":\"i1\",\"instance_name\":\"bad\",\"create_time\":" + createTime + "}," +
            "{\"id\":\"i2\",\"instance_name\":\"good\",\"create_time\":1700000000}]}"));
        await using var _ = server;

        var page = await client.ListInstancesAsync(0, 20, CancellationToken.None);
        var instances = page.Items.Select(i => Apig.Cert.Engine.Operations.ApigMapper.ToInstance(i, "p1")).ToList();

        Assert.Equal(["bad", "good"], instances.Select(i => i.Name));
        Assert.Null(instances[0].CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), instances[1].CreatedAt);
    }
}
