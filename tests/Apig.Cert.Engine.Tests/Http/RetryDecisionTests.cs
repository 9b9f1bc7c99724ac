using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>The retry decision as a pure function of one attempt's outcome: no server, no waiting.</summary>
public class RetryDecisionTests
{
    private static readonly RetryTiming Timing = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    // Three attempts: 1 and 2 may retry, 3 is the last.
    private static readonly RetryPolicy Policy = new(maxRetries: 2, Timing);

    private static ApigRequest Request(HttpMethod method, bool withBody = false, bool safeToRepeat = false) =>
        new(method, "https://apig.example.com", "/v2/p1/apigw/thing", null, withBody ? new byte[] { (byte)'{', (byte)'}' } : null)
        {
            SafeToRepeat = safeToRepeat,
        };

    private static AttemptOutcome Answer(int status, string body = "", TimeSpan? retryAfter = null) =>
        AttemptOutcome.Answered(new ApigResponse(status, "", body, new Dictionary<string, string>()), retryAfter);

    private static AttemptOutcome Error(int status, string code) => Answer(status, "{\"error_code\":\"" + code + "\",\"error_msg\":\"m\"}");

    private static AttemptOutcome BrokenConnection(bool nothingSent) =>
        AttemptOutcome.Failed(AttemptFailureKind.ConnectionBroke, new IOException("reset"), "the connection broke (reset)", nothingSent);

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    [InlineData(302)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public void AnswersThatWouldOnlyComeAgainAreFinal(int status)
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Get), Answer(status), 1, false);

        Assert.Equal(RetryAction.ReturnResponse, decision.Action);
        Assert.Null(decision.Reason);
    }

    [Theory]
    [InlineData(429, "the service is throttling (HTTP 429)")]
    [InlineData(502, "of a gateway error (HTTP 502)")]
    [InlineData(503, "the service is unavailable (HTTP 503)")]
    [InlineData(504, "of a gateway timeout (HTTP 504)")]
    public void OverloadAndGatewayFailuresOfAReadAreRetriedWithinTheBackoff(int status, string reason)
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Get), Answer(status), 2, false);

        Assert.Equal(RetryAction.Retry, decision.Action);
        Assert.Equal(reason, decision.Reason);
        Assert.False(decision.RetryAfterHonoured);
        // Before retry 2 the ceiling is twice the base delay.
        Assert.InRange(decision.Wait, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData("APIG.9008", "the service is throttling (APIG.9008)")]
    [InlineData("APIGW.9008", "the service is throttling (APIGW.9008)")]
    [InlineData("APIG.9999", "of a server error (HTTP 500 APIG.9999)")]
    public void A500SaysInItsCodeWhetherItIsThrottling(string code, string reason)
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Get), Error(500, code), 1, false);

        Assert.Equal(RetryAction.Retry, decision.Action);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void A500WithoutACodeIsAServerError()
    {
        Assert.Equal("of a server error (HTTP 500)", Policy.Decide(Request(HttpMethod.Get), Answer(500, "<html>"), 1, false).Reason);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(3600, 60)]
    [InlineData(-5, 0)]
    public void RetryAfterReplacesTheBackoffCappedAtTheMaximum(int askedSeconds, int waitedSeconds)
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Get), Answer(503, "", TimeSpan.FromSeconds(askedSeconds)), 1, false);

        Assert.Equal(RetryAction.Retry, decision.Action);
        Assert.True(decision.RetryAfterHonoured);
        Assert.Equal(TimeSpan.FromSeconds(waitedSeconds), decision.Wait);
    }

    [Fact]
    public void TheLastAttemptGivesUpWithTheReason()
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Get), Answer(503), 3, false);

        Assert.Equal(RetryAction.GiveUp, decision.Action);
        Assert.Equal("the service is unavailable (HTTP 503)", decision.Reason);
    }

    [Fact]
    public void ZeroRetriesGiveUpAfterTheFirstAttempt()
    {
        var once = new RetryPolicy(maxRetries: 0, Timing);

        Assert.Equal(1, once.Attempts);
        Assert.Equal(RetryAction.GiveUp, once.Decide(Request(HttpMethod.Get), Answer(503), 1, false).Action);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void AChangeRequestThatGotAGatewayFailureIsConfirmedFirst(int status)
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Post, withBody: true), Answer(status), 1, false);

        Assert.Equal(RetryAction.ConfirmFirst, decision.Action);
        Assert.NotNull(decision.Reason);
    }

    [Fact]
    public void AChangeRequestThatGotA500OfItsOwnIsConfirmedFirst()
    {
        Assert.Equal(RetryAction.ConfirmFirst, Policy.Decide(Request(HttpMethod.Post, withBody: true), Error(500, "APIG.9999"), 1, false).Action);
    }

    [Theory]
    [InlineData(429, null)]
    [InlineData(500, "APIG.9008")]
    [InlineData(503, "APIG.0308")]
    public void ThrottlingNeverMeansTheChangeWasMadeSoItIsRetriedWithoutReading(int status, string? code)
    {
        AttemptOutcome outcome = code == null ? Answer(status) : Error(status, code);

        Assert.Equal(RetryAction.Retry, Policy.Decide(Request(HttpMethod.Post, withBody: true), outcome, 1, false).Action);
    }

    [Fact]
    public void AFailureThatProvesNothingWasSentIsRetriedEvenForAChange()
    {
        RetryDecision decision = Policy.Decide(Request(HttpMethod.Post, withBody: true), BrokenConnection(nothingSent: true), 1, false);

        Assert.Equal(RetryAction.Retry, decision.Action);
        Assert.Equal("the connection broke (reset)", decision.Reason);
    }

    [Theory]
    [InlineData("POST", false, "ConfirmFirst")]
    [InlineData("DELETE", false, "ConfirmFirst")]
    [InlineData("POST", true, "Retry")]
    [InlineData("PUT", false, "Retry")]
    [InlineData("GET", false, "Retry")]
    public void AFailureAfterSendingIsConfirmedFirstUnlessRepeatingIsHarmless(string method, bool safeToRepeat, string expected)
    {
        RetryDecision decision = Policy.Decide(Request(new HttpMethod(method), safeToRepeat: safeToRepeat), BrokenConnection(nothingSent: false), 1, false);

        Assert.Equal(Enum.Parse<RetryAction>(expected), decision.Action);
    }

    [Fact]
    public void A404ToADeleteRepeatedAfterAnAmbiguousFailureMeansTheFirstOneWorked()
    {
        Assert.Equal(RetryAction.RepeatedDeleteFoundNothing, Policy.Decide(Request(HttpMethod.Delete), Answer(404), 2, true).Action);
        Assert.Equal(RetryAction.ReturnResponse, Policy.Decide(Request(HttpMethod.Delete), Answer(404), 1, false).Action);
        Assert.Equal(RetryAction.ReturnResponse, Policy.Decide(Request(HttpMethod.Get), Answer(404), 2, true).Action);
    }

    [Fact]
    public void AConfirmedChangeIsReturnedAsApplied()
    {
        Assert.Equal(RetryAction.ReturnApplied,
            Policy.AfterConfirmation(AmbiguousFailureDecision.Applied, Answer(502), 1, "of a gateway error (HTTP 502)").Action);
    }

    [Fact]
    public void AnUnconfirmableChangeGivesUpWithAttemptsLeft()
    {
        RetryDecision decision = Policy.AfterConfirmation(AmbiguousFailureDecision.Stop, BrokenConnection(false), 1, "the connection broke (reset)");

        Assert.Equal(RetryAction.GiveUp, decision.Action);
        Assert.Equal("the connection broke (reset)", decision.Reason);
    }

    [Fact]
    public void AChangeShownNotToBeThereIsRepeatedWhileAttemptsRemain()
    {
        Assert.Equal(RetryAction.Retry, Policy.AfterConfirmation(AmbiguousFailureDecision.Repeat, Answer(502), 2, "r").Action);
        Assert.Equal(RetryAction.GiveUp, Policy.AfterConfirmation(AmbiguousFailureDecision.Repeat, Answer(502), 3, "r").Action);
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, true)]
    [InlineData(SocketError.HostNotFound, true)]
    [InlineData(SocketError.NetworkUnreachable, true)]
    [InlineData(SocketError.ConnectionReset, false)]
    [InlineData(SocketError.TimedOut, false)]
    public void OnlySocketErrorsBeforeAConnectionProveNothingWasSent(SocketError error, bool nothingSent)
    {
        var failure = new HttpRequestException("failed", new IOException("io", new SocketException((int)error)));

        Assert.Equal(nothingSent, AttemptExchange.NothingWasSent(failure, null));
    }

    [Fact]
    public void AFailedTlsHandshakeProvesNothingWasSent()
    {
        Assert.True(AttemptExchange.NothingWasSent(new HttpRequestException("ssl", new AuthenticationException("bad certificate")), null));
    }

    [Fact]
    public async Task ABodyThatNeverStartedToGoOutProvesNothingWasSent()
    {
        var content = new SentTrackingContent(new byte[] { 1, 2, 3 });
        var reset = new IOException("reset", new SocketException((int)SocketError.ConnectionReset));

        Assert.True(AttemptExchange.NothingWasSent(reset, content));
        await content.CopyToAsync(new MemoryStream());
        Assert.False(AttemptExchange.NothingWasSent(reset, content));
    }
}
