using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The only place that sends HTTP. Each attempt is built and signed (<see cref="AttemptBuilder"/>), sent under its
    /// deadline (<see cref="AttemptExchange"/>), judged (<see cref="RetryPolicy"/>, with <see cref="AmbiguousFailureConfirmation"/>
    /// when a change may have happened) and logged redacted (<see cref="ExchangeLog"/>); failures end as an
    /// <see cref="ApigApiException"/> (<see cref="ApigApiExceptions"/>).
    /// </summary>
    internal sealed class ApigHttpPipeline
    {
        public const string JsonContentType = "application/json;charset=UTF-8";

        public const string LanguageHeader = "X-Language";
        public const string LanguageValue = "en-us";

        /// <summary>
        /// The most a (decompressed) answer may hold. A page of 500 groups with their domains is well under a megabyte;
        /// without a cap a small gzip body can expand to gigabytes in memory.
        /// </summary>
        public const int MaxResponseBytes = 16 * 1024 * 1024;

        private readonly Func<Uri, HttpClient> _clientSource;
        private readonly RetryPolicy _policy;

        /// <remarks>clientSource gives the client for a request URI; by default the shared one, direct for plain http.</remarks>
        public ApigHttpPipeline(int maxRetries, TimeSpan timeout, RetryTiming? timing = null, Func<Uri, HttpClient>? clientSource = null)
        {
            MaxRetries = maxRetries;
            Timeout = timeout;
            Timing = timing ?? RetryTiming.Default;
            _clientSource = clientSource ?? (target => SharedHttpClient.For(target, null));
            _policy = new RetryPolicy(maxRetries, Timing);
        }

        public int MaxRetries { get; }

        public TimeSpan Timeout { get; }

        public RetryTiming Timing { get; }

        /// <summary>Sends the request and returns a 2xx response; anything else ends in an exception.</summary>
        public async Task<ApigResponse> SendAsync(ApigRequest request, IRequestAuthenticator? authenticator, IApigLog? log,
            CancellationToken cancellationToken)
        {
            bool refreshed = false;
            while (true)
            {
                var (response, generation) = await SendWithRetriesAsync(request, authenticator, log, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccess) return response;

                var error = ApigErrorBody.Parse(response.Body);
                // An expired token is the one 401 worth a second try: a fresh token fixes it, anything else would just fail again.
                if (!refreshed && authenticator != null && authenticator.CanRefresh && response.StatusCode == 401 && ApigErrorBody.IsExpiredTokenCode(error.Code))
                {
                    ExchangeLog.RefreshingExpiredToken(log, request, error.Code);
                    await authenticator.RefreshAsync(generation, log, cancellationToken).ConfigureAwait(false);
                    refreshed = true;
                    continue;
                }

                throw ApigApiExceptions.ForResponse(request, response, error);
            }
        }

        /// <summary>The attempts of one request: the last answer (any status) with the credential generation it was sent with.</summary>
        private async Task<(ApigResponse Response, object? Generation)> SendWithRetriesAsync(ApigRequest request,
            IRequestAuthenticator? authenticator, IApigLog? log, CancellationToken cancellationToken)
        {
            Uri uri = request.Uri;
            HttpClient client = _clientSource(uri);
            string hostHeader = AttemptBuilder.HostHeaderOf(uri);
            byte[] body = request.Body ?? Array.Empty<byte>();
            // Set once an attempt may have taken effect and the request is sent again: a 404 to a repeated DELETE then means done.
            bool repeatingAfterAmbiguousFailure = false;

            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                using (HttpRequestMessage message = AttemptBuilder.Build(request, uri, hostHeader, out SentTrackingContent? content))
                {
                    object? generation = await AttemptBuilder.AuthenticateAsync(message, authenticator, hostHeader, body, log, cancellationToken)
                        .ConfigureAwait(false);
                    ExchangeLog.Request(log, message, request);

                    AttemptOutcome outcome = await AttemptExchange.SendAsync(client, message, request, content, Timeout, log, cancellationToken)
                        .ConfigureAwait(false);

                    RetryDecision decision = _policy.Decide(request, outcome, attempt, repeatingAfterAmbiguousFailure);
                    if (decision.Action == RetryAction.ConfirmFirst)
                    {
                        AmbiguousFailureDecision confirmation = await AmbiguousFailureConfirmation
                            .AskAsync(request, outcome, Timeout, attempt < _policy.Attempts, log, cancellationToken).ConfigureAwait(false);
                        if (confirmation == AmbiguousFailureDecision.Repeat) repeatingAfterAmbiguousFailure = true;
                        decision = _policy.AfterConfirmation(confirmation, outcome, attempt, decision.Reason!);
                    }

                    switch (decision.Action)
                    {
                        case RetryAction.ReturnResponse:
                            return (outcome.Response!, generation);
                        case RetryAction.RepeatedDeleteFoundNothing:
                            ExchangeLog.RepeatedDeleteFoundNothing(log, request);
                            return (ApigResponse.AppliedWithoutAnswer(), generation);
                        case RetryAction.ReturnApplied:
                            return (ApigResponse.AppliedWithoutAnswer(), generation);
                        case RetryAction.GiveUp:
                            // An error answer goes back for SendAsync to word; a failure without one is worded here.
                            if (outcome.Response != null) return (outcome.Response, generation);
                            throw ApigApiExceptions.Transport(request, outcome.Failure!, outcome.FailureKind, Timeout, attempt);
                    }

                    ExchangeLog.Retrying(log, request, decision, attempt, _policy.Attempts);
                    await Task.Delay(decision.Wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>For the Api layer, when a 2xx body is not the JSON it expects.</summary>
        internal static ApigApiException CreateUnreadableResponse(ApigRequest request, ApigResponse response, Exception inner) =>
            ApigApiExceptions.UnreadableResponse(request, response, inner);

        internal static string FormatSeconds(TimeSpan span) =>
            span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
    }
}
