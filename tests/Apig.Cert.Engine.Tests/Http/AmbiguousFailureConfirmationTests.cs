using System.IO;
using System.Net.Http;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>The read of the state that decides whether a change request that may have taken effect goes again.</summary>
public class AmbiguousFailureConfirmationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    private static ApigRequest Request(HttpMethod method, Func<CancellationToken, Task<bool>>? confirm = null) =>
        new(method, "https://apig.example.com", "/v2/p1/apigw/d1/certificate", null, null)
        {
            ConfirmApplied = confirm,
            AppliedState = "the certificate is bound",
        };

    private static readonly AttemptOutcome Answered502 =
        AttemptOutcome.Answered(new ApigResponse(502, "Bad Gateway", "", new Dictionary<string, string>()), null);

    [Fact]
    public void EachKindOfOutcomeIsDescribedForTheLog()
    {
        ApigRequest post = Request(HttpMethod.Post);

        Assert.Equal("POST /v2/p1/apigw/d1/certificate answered 502", AmbiguousFailureConfirmation.Describe(post, Answered502, Timeout));
        Assert.Equal("POST /v2/p1/apigw/d1/certificate got no answer within 1.5 s", AmbiguousFailureConfirmation.Describe(post,
            AttemptOutcome.Failed(AttemptFailureKind.TimedOut, new OperationCanceledException(), "r", false), Timeout));
        Assert.Equal("POST /v2/p1/apigw/d1/certificate answered garbage", AmbiguousFailureConfirmation.Describe(post,
            AttemptOutcome.Failed(AttemptFailureKind.Undecompressable, new InvalidDataException(), "r", false), Timeout));
        Assert.Equal("POST /v2/p1/apigw/d1/certificate lost its connection", AmbiguousFailureConfirmation.Describe(post,
            AttemptOutcome.Failed(AttemptFailureKind.ConnectionBroke, new IOException(), "r", false), Timeout));
    }

    [Fact]
    public async Task WithoutAWayToCheckOnlyADeleteGoesAgain()
    {
        var log = new ListLog();

        Assert.Equal(AmbiguousFailureDecision.Repeat,
            await AmbiguousFailureConfirmation.AskAsync(Request(HttpMethod.Delete), Answered502, Timeout, true, log, CancellationToken.None));
        Assert.Equal(AmbiguousFailureDecision.Stop,
            await AmbiguousFailureConfirmation.AskAsync(Request(HttpMethod.Post), Answered502, Timeout, true, log, CancellationToken.None));
        Assert.Equal(["POST /v2/p1/apigw/d1/certificate answered 502: not repeating, because it may have taken effect and there is no way to check."],
            log.VerboseLines);
    }

    [Fact]
    public async Task AChangeFoundInPlaceIsApplied()
    {
        var log = new ListLog();

        var decision = await AmbiguousFailureConfirmation.AskAsync(Request(HttpMethod.Post, _ => Task.FromResult(true)), Answered502, Timeout, true,
            log, CancellationToken.None);

        Assert.Equal(AmbiguousFailureDecision.Applied, decision);
        Assert.Equal(["POST /v2/p1/apigw/d1/certificate answered 502 but the certificate is bound: not repeating."], log.VerboseLines);
    }

    [Fact]
    public async Task AChangeNotFoundIsRepeatedAndTheLogPromisesARepeatOnlyWhenOneFollows()
    {
        var log = new ListLog();
        ApigRequest request = Request(HttpMethod.Post, _ => Task.FromResult(false));

        Assert.Equal(AmbiguousFailureDecision.Repeat,
            await AmbiguousFailureConfirmation.AskAsync(request, Answered502, Timeout, false, log, CancellationToken.None));
        Assert.Empty(log.VerboseLines);
        Assert.Equal(AmbiguousFailureDecision.Repeat,
            await AmbiguousFailureConfirmation.AskAsync(request, Answered502, Timeout, true, log, CancellationToken.None));
        Assert.Equal(["POST /v2/p1/apigw/d1/certificate answered 502 and reading the state shows it did not take effect: repeating."], log.VerboseLines);
    }

    [Fact]
    public async Task AFailedReadOfTheStateStopsRatherThanRiskAChangeMadeTwice()
    {
        var log = new ListLog();
        ApigRequest request = Request(HttpMethod.Post,
            _ => throw new ApigApiException("read failed", 503, null, null, null, "GET", "/v2/p1/apigw/d1"));

        Assert.Equal(AmbiguousFailureDecision.Stop,
            await AmbiguousFailureConfirmation.AskAsync(request, Answered502, Timeout, true, log, CancellationToken.None));
        Assert.Contains("reading the state to see whether it took effect failed too (read failed): not repeating.", Assert.Single(log.VerboseLines));
    }
}
