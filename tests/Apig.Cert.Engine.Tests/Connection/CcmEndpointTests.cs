using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Connection;

public class CcmEndpointTests
{
    [Theory]
    [InlineData("cn-north-4", "https://scm.cn-north-4.myhuaweicloud.com/")]
    [InlineData("ap-southeast-1", "https://scm.ap-southeast-1.myhuaweicloud.com/")]
    [InlineData("my-kualalumpur-1", "https://scm.my-kualalumpur-1.myhuaweicloud.com/")]
    [InlineData("cn-east-3", "https://scm.cn-north-4.myhuaweicloud.com/")]
    [InlineData("cn-south-1", "https://scm.cn-north-4.myhuaweicloud.com/")]
    [InlineData("ap-southeast-3", "https://scm.ap-southeast-1.myhuaweicloud.com/")]
    [InlineData("af-south-1", "https://scm.ap-southeast-1.myhuaweicloud.com/")]
    [InlineData("eu-west-101", "https://scm.ap-southeast-1.myhuaweicloud.com/")]
    public void EachRegionGetsTheCcmOfItsSite(string region, string expected) =>
        Assert.Equal(expected, CcmEndpoints.DefaultEndpoint(region).ToString());

    [Fact]
    public async Task TheContextShowsTheDefaultOrTheGivenEndpointAndTheAccount()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        ApigConnectionSettings settings = TestSessions.AkSk(server);
        settings.Region = "cn-east-3";
        ApigSession byRegion = await TestSessions.ConnectAsync(settings);
        Assert.Equal(new Uri("https://scm.cn-north-4.myhuaweicloud.com/"), byRegion.Context.CcmEndpoint);
        Assert.Null(byRegion.Context.AccountId);

        settings.CcmEndpoint = new Uri(server.BaseUrl + "/ccm/");
        settings.AccountId = " 0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f ";
        ApigSession given = await TestSessions.ConnectAsync(settings);
        Assert.Equal(new Uri(server.BaseUrl + "/ccm"), given.Context.CcmEndpoint);
        Assert.Equal("0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", given.Context.AccountId);
        Assert.Equal(server.BaseUrl + "/ccm", given.CreateCcmClient(null).Endpoint);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("http://scm.example.com", "InsecureEndpoint")]
    [InlineData("ftp://127.0.0.1", "InvalidEndpoint")]
    [InlineData("https://127.0.0.1/?q=1", "InvalidEndpoint")]
    public async Task ACcmEndpointIsCheckedLikeTheApiEndpoint(string endpoint, string errorId)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        ApigConnectionSettings settings = TestSessions.AkSk(server);
        settings.CcmEndpoint = new Uri(endpoint);
        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal("CcmEndpoint", error.InputName);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AnAccountIdThatCannotBeAHeaderIsRefused()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        ApigConnectionSettings settings = TestSessions.AkSk(server);
        settings.AccountId = "abc\r\nX-Evil: 1";
        var error = await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));
        Assert.Equal("AccountId", error.InputName);
    }

    [Fact]
    public void TheAccountIdComesFromTheSdkVariable()
    {
        var settings = new ApigConnectionSettings();
        EnvironmentCredentials.ApplyLocation(settings, name => name == "HUAWEICLOUD_SDK_DOMAIN_ID" ? " acc0001 " : null);
        Assert.Equal("acc0001", settings.AccountId);
    }
}
