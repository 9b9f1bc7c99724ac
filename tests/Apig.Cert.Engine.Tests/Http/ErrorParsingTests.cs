using System.Net.Http;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

public class ErrorParsingTests
{
    [Fact]
    public async Task ApigErrorBecomesAnExceptionWithCodeStatusAndRequestId()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(404, "APIG.3020", "The URL domain does not exist", "abc"));
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigApiException>(() =>
            client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None));

        Assert.Equal("APIG.3020 The URL domain does not exist (HTTP 404, POST " + TestSessions.DomainPath + "/certificate, request id abc)",
            error.Message);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("APIG.3020", error.ErrorCode);
        Assert.Equal("The URL domain does not exist", error.ErrorMessage);
        Assert.Equal("abc", error.RequestId);
        Assert.Equal("POST", error.Method);
        Assert.Equal(TestSessions.DomainPath + "/certificate", error.Path);
        Assert.Contains("Get-ApigDomain", ApigErrorAdvice.For(error.ErrorCode, error.StatusCode));
    }

    [Fact]
    public async Task IamErrorShapeIsParsed()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(401,
            "{\"error\":{\"code\":401,\"message\":\"The username or password is wrong.\",\"title\":\"Unauthorized\"}}"));
        var pipeline = new ApigHttpPipeline(0, TimeSpan.FromSeconds(5), TestSessions.Fast);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => pipeline.SendAsync(
            new ApigRequest(HttpMethod.Post, server.BaseUrl, "/v3/auth/tokens", "nocatalog=true", "{}"u8.ToArray()), null, null, CancellationToken.None));

        Assert.Equal("401", error.ErrorCode);
        Assert.Equal("The username or password is wrong.", error.ErrorMessage);
        Assert.Equal("401 The username or password is wrong. (HTTP 401, POST /v3/auth/tokens)", error.Message);
        Assert.Equal("/v3/auth/tokens", error.Path);
    }

    [Fact]
    public async Task NonJsonErrorBodyStillGivesStatusAndReason()
    {
        await using var server = new TestHttpServer(_ => new TestResponse { Status = 400, Body = "<html>bad</html>" });
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.GetGroupAsync("i1", "g1", CancellationToken.None));

        Assert.Null(error.ErrorCode);
        Assert.Equal("HTTP 400 Bad Request (HTTP 400, GET /v2/p1/apigw/instances/i1/api-groups/g1)", error.Message);
    }

    [Fact]
    public async Task UnreadableSuccessBodyIsReportedAsApiError()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{\"total\":\"many\",", ("X-Request-Id", "r9")));
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(200, error.StatusCode);
        Assert.Equal("r9", error.RequestId);
        Assert.StartsWith("The response could not be read", error.Message);
    }

    [Fact]
    public async Task KeyMaterialQuotedInAnErrorMessageIsMasked()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(400,
            "{\"error_code\":\"APIG.2106\",\"error_msg\":\"bad key -----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\"}"));
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigApiException>(() =>
            client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None));

        Assert.DoesNotContain("MIIEvQIBADANBg", error.Message);
        Assert.DoesNotContain("MIIEvQIBADANBg", error.ErrorMessage);
        Assert.Contains("bad key ***", error.Message);
    }

    [Theory]
    [InlineData("{\"error_code\":\"APIG.2012\",\"error_msg\":\"Invalid parameter\"}", "APIG.2012", "Invalid parameter")]
    [InlineData("{\"error\":{\"code\":\"IAM.0001\",\"title\":\"Unauthorized\"}}", "IAM.0001", "Unauthorized")]
    [InlineData("{\"code\":\"APIG.0308\",\"message\":\"throttled\"}", "APIG.0308", "throttled")]
    [InlineData("{\"unrelated\":true}", null, null)]
    [InlineData("[1,2]", null, null)]
    [InlineData("not json", null, null)]
    [InlineData("", null, null)]
    public void ErrorBodiesOfEveryKnownShapeAreParsed(string body, string? code, string? message)
    {
        var parsed = ApigErrorBody.Parse(body);

        Assert.Equal(code, parsed.Code);
        Assert.Equal(message, parsed.Message);
    }

    [Theory]
    [InlineData("APIG.3020", 404, "Get-ApigDomain")]
    [InlineData(null, 401, "Connect-Apig")]
    [InlineData("APIG.1002", 401, "Connect-Apig")]
    [InlineData("APIG.2101", 400, "private key")]
    [InlineData("APIG.2102", 400, "expired")]
    [InlineData("APIG.2103", 400, "common name")]
    [InlineData("APIG.2104", 400, "intermediate")]
    [InlineData("APIG.2106", 400, "PEM")]
    [InlineData("APIG.9008", 500, "-ThrottleLimit")]
    [InlineData("APIGW.0308", 429, "-ThrottleLimit")]
    [InlineData(null, 503, "retry later")]
    [InlineData(null, 0, "network")]
    [InlineData("APIG.0303", 401, "clock")]
    [InlineData("APIG.2109", 400, "subject alternative names")]
    [InlineData("APIG.3148", 400, "2038-01-19 03:14:07 UTC")]
    [InlineData("APIG.2050", 400, "port")]
    [InlineData("APIG.2051", 400, "Remove-ApigDomainCertificate")]
    [InlineData("APIG.3715", 400, "same algorithm")]
    [InlineData("APIG.3097", 404, "not bound to this domain")]
    [InlineData("APIG.3708", 409, "key usage")]
    [InlineData("APIG.3709", 409, "signature algorithm")]
    public void AdviceNamesTheNextStep(string? code, int status, string expectedFragment)
    {
        string advice = ApigErrorAdvice.For(code, status);

        Assert.Contains(expectedFragment, advice);
        Assert.EndsWith(".", advice);
    }
}
