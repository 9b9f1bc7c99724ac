using System.Security;
using Apig.Cert;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Tests.Http;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Connection;

public class ConnectValidationTests
{
    private const string InstancesOk = "{\"total\":1,\"instances\":[{\"id\":\"i1\"}]}";

    private static ApigConnectionSettings TokenSettings(TestHttpServer server, string token) => new()
    {
        Region = "cn-north-4",
        ProjectId = TestSessions.ProjectId,
        Endpoint = server.BaseUri,
        AuthType = ApigAuthType.Token,
        Token = TestSessions.Secure(token),
        Timeout = TimeSpan.FromSeconds(10),
    };

    [Theory]
    [InlineData("cn-nort-4", "cn-north-4")]
    [InlineData("ap-southeast1", "ap-southeast-1")]
    [InlineData("eu-west-10", "eu-west-0")]
    public void Nearest_region_is_the_closest_known_one(string typo, string expected)
    {
        Assert.Equal(expected, ApigRegions.Nearest(typo).First());
    }

    [Fact]
    public void Nearest_region_offers_nothing_for_a_name_far_from_every_region()
    {
        Assert.Empty(ApigRegions.Nearest("mars-olympus-mons-1"));
    }

    [Fact]
    public async Task An_unknown_region_without_an_endpoint_is_refused_with_the_nearest_name()
    {
        var settings = new ApigConnectionSettings
        {
            Region = "cn-nort-4", ProjectId = "p1", AuthType = ApigAuthType.Token, Token = TestSessions.Secure("t"),
        };

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

        Assert.Equal("UnknownRegion", error.ErrorId);
        Assert.Equal("Region", error.InputName);
        Assert.Contains("Did you mean cn-north-4?", error.Message);
    }

    [Fact]
    public async Task An_unknown_region_with_an_endpoint_connects()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));
        var settings = TokenSettings(server, "t");
        settings.Region = "xx-new-9";

        var session = await TestSessions.ConnectAsync(settings);

        Assert.Equal("xx-new-9", session.Context.Region);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Validation_reads_one_instance_and_records_the_time()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));
        var session = await TestSessions.ConnectAsync(TokenSettings(server, "t"));
        Assert.Null(session.Context.ValidatedAt);

        await session.ValidateAsync(null, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v2/p1/apigw/instances?offset=0&limit=1", request.Target);
        Assert.NotNull(session.Context.ValidatedAt);
    }

    [Fact]
    public async Task Validation_fails_on_rejected_credentials_and_leaves_ValidatedAt_empty()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(401, "APIG.1002", "Incorrect token or token resolution failed"));
        var session = await TestSessions.ConnectAsync(TokenSettings(server, "t"));

        var error = await Assert.ThrowsAsync<ApigApiException>(() => session.ValidateAsync(null, CancellationToken.None));

        Assert.Equal("APIG.1002", error.ErrorCode);
        Assert.Null(session.Context.ValidatedAt);
    }

    [Theory]
    [InlineData("tok-123\n")]
    [InlineData("tok-123\r\n")]
    [InlineData("  tok-123\t ")]
    public async Task A_token_is_sent_without_surrounding_whitespace(string given)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));
        var session = await TestSessions.ConnectAsync(TokenSettings(server, given));

        await session.ValidateAsync(null, CancellationToken.None);

        Assert.Equal("tok-123", Assert.Single(server.Requests).Header("X-Auth-Token"));
    }

    [Theory]
    [InlineData("tok-123\r\nX-Injected: yes")]
    [InlineData("tok\n123")]
    [InlineData("tok\u0000123")]
    [InlineData("tok\u007f123")]
    public async Task A_token_with_a_control_character_inside_is_refused_and_not_echoed(string given)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(TokenSettings(server, given)));

        Assert.Equal("InvalidToken", error.ErrorId);
        Assert.DoesNotContain("123", error.Message);
        Assert.DoesNotContain("Injected", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_security_token_is_trimmed_and_one_with_a_line_break_inside_is_refused()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));
        var settings = TestSessions.AkSk(server);
        settings.SecurityToken = TestSessions.Secure("sec-tok\r\n");
        var session = await TestSessions.ConnectAsync(settings);
        await session.ValidateAsync(null, CancellationToken.None);
        Assert.Equal("sec-tok", Assert.Single(server.Requests).Header("X-Security-Token"));

        settings.SecurityToken = TestSessions.Secure("sec-tok\r\nX-Injected: yes");
        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));
        Assert.Equal("InvalidSecurityToken", error.ErrorId);
        Assert.Single(server.Requests);
        Assert.DoesNotContain(server.Requests, r => r.Header("X-Injected") != null);
    }

    [Fact]
    public async Task A_security_token_from_the_environment_gets_the_same_check()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesOk));
        var settings = new ApigConnectionSettings { Endpoint = server.BaseUri };
        var variables = new Dictionary<string, string>
        {
            ["HUAWEICLOUD_SDK_AK"] = TestSessions.AccessKey,
            ["HUAWEICLOUD_SDK_SK"] = TestSessions.SecretKeyText,
            ["HUAWEICLOUD_SDK_SECURITY_TOKEN"] = "sec\nX-Injected: yes",
            ["HUAWEICLOUD_SDK_PROJECT_ID"] = "p1",
            ["HUAWEICLOUD_SDK_REGION"] = "cn-north-4",
        };
        EnvironmentCredentials.Apply(settings, name => variables.TryGetValue(name, out var v) ? v : null);

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

        Assert.Equal("InvalidSecurityToken", error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Password_errors_name_the_Credential_parameter_that_exists()
    {
        var settings = new ApigConnectionSettings
        {
            Region = "cn-north-4", ProjectId = "p1", AuthType = ApigAuthType.Password, UserName = " ", Password = TestSessions.Secure("x"), AccountName = "a",
        };

        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

        Assert.Equal("Credential", error.InputName);
        Assert.DoesNotContain("-UserName", error.Message);
        Assert.DoesNotContain("-Password", error.Message);
    }
}
