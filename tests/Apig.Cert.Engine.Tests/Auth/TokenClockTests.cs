using System.Net.Http;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Auth;

/// <summary>
/// Token renewal against a wrong local clock. The IAM here stamps tokens with the real time; the client's clock is
/// injected, so nothing depends on how long the test takes.
/// </summary>
public class TokenClockTests
{
    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'000Z'");

    /// <summary>An IAM whose clock is <paramref name="serverNow"/> (the real time unless a test says otherwise).</summary>
    private static TestHttpServer Iam(bool withIssuedAt, Func<DateTimeOffset>? serverNow = null) => new(_ =>
    {
        DateTimeOffset now = (serverNow ?? (() => DateTimeOffset.UtcNow))();
        string issued = withIssuedAt ? "\"issued_at\":\"" + Stamp(now) + "\"," : "";
        return TestResponse.Json(201, "{\"token\":{" + issued + "\"expires_at\":\"" + Stamp(now.AddHours(24)) + "\"}}",
            ("X-Subject-Token", "tok-" + Guid.NewGuid().ToString("N")));
    });

    private static PasswordAuthenticator Authenticator(TestHttpServer iam, Func<DateTimeOffset> clock, List<DateTimeOffset> renewals)
    {
        var pipeline = new ApigHttpPipeline(0, TimeSpan.FromSeconds(10), TestSessions.Fast);
        var client = new IamTokenClient(pipeline, iam.BaseUrl, "user", TestSessions.Secure("Pa55-word"), "acct", "p1", clock);
        return new PasswordAuthenticator(client, renewals.Add, clock);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AClockADayFastRenewsOncePerRealExpiryAndSaysTheClockLooksWrong(bool withIssuedAt)
    {
        await using var iam = Iam(withIssuedAt);
        var renewals = new List<DateTimeOffset>();
        DateTimeOffset clock = DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1);
        var authenticator = Authenticator(iam, () => clock, renewals);
        var log = new ListLog();

        for (int i = 0; i < 5; i++)
        {
            await authenticator.GetValidTokenAsync(log, CancellationToken.None);
            clock = clock.AddMinutes(10);
        }

        Assert.Single(iam.Requests);
        Assert.Single(log.VerboseLines, line => line.StartsWith("This computer's clock looks wrong"));
        if (withIssuedAt) Assert.Contains(log.VerboseLines, line => line.Contains("about 24 h ahead of IAM's"));
    }

    [Fact]
    public async Task TheTokenIsRenewedWhenItsOwnLifetimeRunsOutOnTheWrongClock()
    {
        await using var iam = Iam(withIssuedAt: true);
        var renewals = new List<DateTimeOffset>();
        DateTimeOffset clock = DateTimeOffset.UtcNow.AddHours(30);
        var authenticator = Authenticator(iam, () => clock, renewals);

        await authenticator.GetValidTokenAsync(null, CancellationToken.None);
        clock = clock.AddHours(23).AddMinutes(56);
        await authenticator.GetValidTokenAsync(null, CancellationToken.None);

        Assert.Equal(2, iam.Requests.Count);
        Assert.Equal(2, renewals.Count);
    }

    [Fact]
    public async Task ACorrectClockSaysNothingAndRenewsBeforeExpiry()
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;
        DateTimeOffset clock = start;
        await using var iam = Iam(withIssuedAt: true, () => clock);
        var renewals = new List<DateTimeOffset>();
        var authenticator = Authenticator(iam, () => clock, renewals);
        var log = new ListLog();

        await authenticator.GetValidTokenAsync(log, CancellationToken.None);
        clock = clock.AddHours(23);
        await authenticator.GetValidTokenAsync(log, CancellationToken.None);
        clock = clock.AddMinutes(56);
        await authenticator.GetValidTokenAsync(log, CancellationToken.None);

        Assert.Equal(2, iam.Requests.Count);
        Assert.DoesNotContain(log.VerboseLines, line => line.Contains("clock"));
        // The context shows IAM's own expiry (stamped to the millisecond).
        Assert.InRange(renewals[0] - start, TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
    }
}
