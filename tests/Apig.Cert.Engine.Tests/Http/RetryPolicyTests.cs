using System.Diagnostics;
using System.Net.Http;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

public class RetryPolicyTests
{
    private const string InstancesList = "{\"total\":0,\"size\":0,\"instances\":[]}";

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientStatusIsRetriedUntilAttemptsAreUsedUp(int status)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(status, "{}"));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ThrottlingAs500WithApig9008IsRetried()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(500, "APIG.9008", "Too many requests."));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 3);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal("APIG.9008", error.ErrorCode);
        Assert.Equal(4, server.Requests.Count);
    }

    [Theory]
    [InlineData(400, "APIG.2012")]
    [InlineData(401, "APIG.1002")]
    [InlineData(403, "APIG.1005")]
    [InlineData(404, "APIG.3020")]
    [InlineData(409, "APIG.3305")]
    public async Task OtherErrorsAreNeverRetried(int status, string code)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(status, code, "no"));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 3);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ServerErrorApig9999IsRetriedUntilAttemptsRunOut()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(500, "APIG.9999", "System error."));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal("APIG.9999", error.ErrorCode);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task SuccessAfterATransientFailureIsReturned()
    {
        int calls = 0;
        await using var server = new TestHttpServer(_ =>
            Interlocked.Increment(ref calls) == 1 ? TestResponse.Json(503, "") : TestResponse.Json(200, "{\"total\":7,\"instances\":[]}"));
        var log = new ListLog();
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 3, log);

        var page = await client.ListInstancesAsync(0, 20, CancellationToken.None);

        Assert.Equal(7, page.Total);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(log.VerboseLines, line => line.StartsWith("Retrying GET /v2/p1/apigw/instances in ") && line.Contains("HTTP 503"));
    }

    [Fact]
    public async Task ZeroMaxRetriesMeansOneAttempt()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(503, ""));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 0);

        await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task BindIsRetriedWithTheSameBodyAndAFreshSignature()
    {
        int calls = 0;
        await using var server = new TestHttpServer(_ => Interlocked.Increment(ref calls) < 3
            ? TestResponse.Json(502, "")
            : TestResponse.Json(201, "{\"id\":\"d1\",\"ssl_id\":\"c1\"}"));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 3);

        int checks = 0;
        var result = await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None,
            _ => Task.FromResult(Interlocked.Increment(ref checks) < 0));

        Assert.Equal("c1", result.SslId);
        Assert.Equal(2, checks);
        Assert.Equal(3, server.Requests.Count);
        Assert.Single(server.Requests.Select(r => r.BodyText).Distinct());
        Assert.All(server.Requests, r => Assert.StartsWith("SDK-HMAC-SHA256 ", r.Header("Authorization")));
    }

    [Fact]
    public async Task RetryAfterSecondsIsHonoured()
    {
        int calls = 0;
        await using var server = new TestHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? TestResponse.Json(429, "{\"error_code\":\"APIG.0308\",\"error_msg\":\"throttled\"}", ("Retry-After", "1"))
            : TestResponse.Json(200, InstancesList));
        var log = new ListLog();
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 1, log);

        var stopwatch = Stopwatch.StartNew();
        await client.ListInstancesAsync(0, 20, CancellationToken.None);

        // The fast test backoff is at most 20 ms, so a wait near one second can only come from Retry-After.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(950), "waited only " + stopwatch.Elapsed);
        Assert.Contains(log.VerboseLines, line => line.Contains("in 1000 ms") && line.Contains("Retry-After"));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ConnectionFailuresAreRetriedThenReportedWithStatusZero()
    {
        await using var server = new TestHttpServer(_ => new TestResponse { Drop = true });
        var log = new ListLog();
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 2, log);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(0, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.StartsWith("Could not reach " + server.BaseUrl + ": ", error.Message);
        Assert.Contains("3 attempts", error.Message);
        Assert.IsType<HttpRequestException>(error.InnerException);
        // .NET's handler itself re-sends a request whose fresh connection died before any answer, so the server sees
        // more requests than the pipeline made attempts; the attempts are counted from the log.
        Assert.Equal(3, log.VerboseLines.Count(line => line.Contains("-> the connection failed")));
        Assert.Equal(2, log.VerboseLines.Count(line => line.StartsWith("Retrying GET")));
        Assert.True(server.Requests.Count >= 3);
    }

    [Fact]
    public async Task TimeoutsAreRetriedThenReportedWithStatusZero()
    {
        await using var server = new TestHttpServer(_ => new TestResponse { Delay = TimeSpan.FromSeconds(5) });
        var pipeline = new ApigHttpPipeline(1, TimeSpan.FromMilliseconds(150), TestSessions.Fast);
        var request = new ApigRequest(HttpMethod.Get, server.BaseUrl, "/slow", null, null);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => pipeline.SendAsync(request, null, null, CancellationToken.None));

        Assert.Equal(0, error.StatusCode);
        Assert.StartsWith("No response from " + server.BaseUrl + " within 0.15 s", error.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task CallerCancellationStopsTheRetryWaitAndIsNotATimeout()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(503, "", ("Retry-After", "30")));
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListInstancesAsync(0, 20, cancel.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), "cancellation took " + stopwatch.Elapsed);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CallerCancellationDuringASlowResponseIsNotRetried()
    {
        await using var server = new TestHttpServer(_ => new TestResponse { Delay = TimeSpan.FromSeconds(5) });
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListInstancesAsync(0, 20, cancel.Token));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RedirectsAreNeitherFollowedNorRetried()
    {
        await using var server = new TestHttpServer(_ => new TestResponse
        {
            Status = 302,
            Headers = new(StringComparer.OrdinalIgnoreCase) { ["Location"] = "http://127.0.0.1:9/elsewhere" },
        });
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 3);

        var error = await Assert.ThrowsAsync<ApigApiException>(() =>
            client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None));

        Assert.Equal(302, error.StatusCode);
        Assert.Contains("http://127.0.0.1:9/elsewhere", error.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(6, 6400)]
    [InlineData(7, 10000)]
    [InlineData(30, 10000)]
    public void BackoffDoublesFrom200MsAndIsCappedAt10s(int retry, int expectedCeilingMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedCeilingMs), RetryTiming.Default.BackoffCeiling(retry));
    }

    [Fact]
    public void JitteredBackoffStaysWithinTheCeiling()
    {
        var waits = Enumerable.Range(0, 200).Select(_ => RetryTiming.Default.Backoff(3)).ToList();

        Assert.All(waits, wait => Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromMilliseconds(800)));
        Assert.True(waits.Distinct().Count() > 10, "backoff is not jittered");
    }

    [Fact]
    public void RetryAfterIsCappedAt60Seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), RetryTiming.Default.CapRetryAfter(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(5), RetryTiming.Default.CapRetryAfter(TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.Zero, RetryTiming.Default.CapRetryAfter(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public async Task RetryAfterAsHttpDateIsHonoured()
    {
        int calls = 0;
        await using var server = new TestHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? TestResponse.Json(503, "", ("Retry-After", DateTimeOffset.UtcNow.AddSeconds(2).ToString("r")))
            : TestResponse.Json(200, InstancesList));
        var log = new ListLog();
        var client = await TestSessions.AkSkClientAsync(server, maxRetries: 1, log);

        await client.ListInstancesAsync(0, 20, CancellationToken.None);

        // HTTP dates have whole seconds, so the wait is between about 1 and 2 seconds.
        string retryLine = Assert.Single(log.VerboseLines, line => line.StartsWith("Retrying"));
        long waitedMs = long.Parse(retryLine.Split(" in ")[1].Split(' ')[0]);
        Assert.InRange(waitedMs, 900, 2100);
    }
}
