using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>Answers no APIG gives: bombs, garbage, trickles. Each ends in a clear error or a correct result, never a huge allocation.</summary>
public class HostileResponseTests
{
    private const string InstancesList = "{\"total\":1,\"instances\":[{\"id\":\"i1\",\"instance_name\":\"apig\"}]}";

    [Fact]
    public async Task AGzipBombIsCutOffAtTheDecompressedLimitAndNotRetried()
    {
        await using var server = new TestHttpServer(_ => HostileResponses.GzipBomb(ApigHttpPipeline.MaxResponseBytes + 8 * 1024 * 1024));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Contains("larger than 16 MiB once decompressed", error.Message);
        Assert.Contains("GET /v2/p1/apigw/instances", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnAnnouncedLengthAboveTheLimitIsRefusedBeforeReading()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, new string(' ', ApigHttpPipeline.MaxResponseBytes + 1)));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Contains("larger than 16 MiB", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnOrdinaryGzipAnswerIsRead()
    {
        await using var server = new TestHttpServer(_ => HostileResponses.GzipJson(InstancesList));
        var client = await TestSessions.AkSkClientAsync(server);

        var page = await client.ListInstancesAsync(0, 20, CancellationToken.None);

        Assert.Equal("apig", Assert.Single(page.Items).InstanceName);
    }

    [Fact]
    public async Task ATrickledAnswerWithinTheDeadlineIsRead()
    {
        await using var server = new TestHttpServer(_ => HostileResponses.Trickled(InstancesList, 8, TimeSpan.FromMilliseconds(5)));
        var client = await TestSessions.AkSkClientAsync(server);

        var page = await client.ListInstancesAsync(0, 20, CancellationToken.None);

        Assert.Equal("i1", Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task AnAnswerTrickledPastTheDeadlineIsATimeout()
    {
        // 70 pieces 100 ms apart: seven seconds, against a one-second deadline per attempt.
        await using var server = new TestHttpServer(_ => HostileResponses.Trickled(InstancesList, 1, TimeSpan.FromMilliseconds(100)));
        var settings = TestSessions.AkSk(server, maxRetries: 1);
        settings.Timeout = TimeSpan.FromSeconds(1);
        var client = (await TestSessions.ConnectAsync(settings)).CreateClient(null);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.StartsWith("No response from " + server.BaseUrl + " within 1 s", error.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ABodyThatDoesNotDecompressIsAClearErrorAndDebugShowsWhereItHappened()
    {
        await using var server = new TestHttpServer(_ => HostileResponses.CorruptGzip());
        var log = new ListLog();
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 0, log);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.StartsWith("The answer from " + server.BaseUrl + " could not be decompressed", error.Message);
        Assert.Contains(log.DebugLines, line =>
            line.StartsWith("< GET /v2/p1/apigw/instances?offset=0&limit=20: HTTP 200 answered, then reading the body failed with InvalidDataException"));
    }

    [Fact]
    public async Task ARedirectToAnotherHostIsNotFollowed()
    {
        await using var elsewhere = new TestHttpServer(_ => TestResponse.Json(200, InstancesList));
        await using var server = new TestHttpServer(_ => HostileResponses.Redirect(elsewhere.BaseUrl + "/v2/p1/apigw/instances"));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(302, error.StatusCode);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task EveryCallAsksForEnglishAndSignsThatHeader()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesList));
        var client = await TestSessions.AkSkClientAsync(server);

        await client.ListInstancesAsync(0, 20, CancellationToken.None);
        await client.GetGroupAsync("i1", "g1", CancellationToken.None);

        Assert.All(server.Requests, request =>
        {
            Assert.Equal("en-us", request.Header("X-Language"));
            Assert.Contains("SignedHeaders=host;x-language;x-project-id;x-sdk-date,", request.Header("Authorization"));
        });
    }
}
