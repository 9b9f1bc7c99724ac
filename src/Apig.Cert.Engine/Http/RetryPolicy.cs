using System;
using System.Net.Http;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// Decides, from the outcome of one attempt alone, what happens next: return, retry after a wait, read the state
    /// first, or give up. Pure apart from the backoff's jitter, so every rule is tested without a server.
    /// </summary>
    internal sealed class RetryPolicy
    {
        public RetryPolicy(int maxRetries, RetryTiming timing)
        {
            Attempts = maxRetries + 1;
            Timing = timing;
        }

        /// <summary>The most attempts one request gets: the first plus the retries.</summary>
        public int Attempts { get; }

        public RetryTiming Timing { get; }

        /// <remarks>attempt: 1-based. repeatingAfterAmbiguousFailure: an earlier attempt of this request may have taken effect.</remarks>
        public RetryDecision Decide(ApigRequest request, in AttemptOutcome outcome, int attempt, bool repeatingAfterAmbiguousFailure)
        {
            string reason;
            bool mayHaveTakenEffect;
            ApigResponse? response = outcome.Response;
            if (response != null)
            {
                // The earlier DELETE went through; its answer was what got lost.
                if (repeatingAfterAmbiguousFailure && request.Method == HttpMethod.Delete && response.StatusCode == 404)
                {
                    return RetryDecision.RepeatedDeleteFoundNothing;
                }

                string? retryReason = RetryReason(response);
                if (retryReason == null) return RetryDecision.ReturnResponse;
                reason = retryReason;
                mayHaveTakenEffect = !IsThrottling(response);
            }
            else
            {
                reason = outcome.FailureReason!;
                mayHaveTakenEffect = !outcome.NothingSent;
            }

            if (mayHaveTakenEffect && !request.IsRepeatable) return RetryDecision.ConfirmFirst(reason);
            return RetryOrGiveUp(outcome, attempt, reason);
        }

        /// <summary>After <see cref="RetryAction.ConfirmFirst"/>: what reading the state found decides.</summary>
        public RetryDecision AfterConfirmation(AmbiguousFailureDecision confirmation, in AttemptOutcome outcome, int attempt, string reason)
        {
            switch (confirmation)
            {
                case AmbiguousFailureDecision.Applied:
                    return RetryDecision.ReturnApplied;
                case AmbiguousFailureDecision.Stop:
                    return RetryDecision.GiveUp(reason);
                default:
                    return RetryOrGiveUp(outcome, attempt, reason);
            }
        }

        private RetryDecision RetryOrGiveUp(in AttemptOutcome outcome, int attempt, string reason)
        {
            if (attempt >= Attempts) return RetryDecision.GiveUp(reason);
            TimeSpan? retryAfter = outcome.RetryAfter;
            return retryAfter.HasValue
                ? RetryDecision.Retry(reason, Timing.CapRetryAfter(retryAfter.Value), true)
                : RetryDecision.Retry(reason, Timing.Backoff(attempt), false);
        }

        /// <summary>Why this response may be retried, or null. Only overload and gateway failures qualify: other errors would fail again.</summary>
        internal static string? RetryReason(ApigResponse response)
        {
            switch (response.StatusCode)
            {
                case 429: return "the service is throttling (HTTP 429)";
                case 502: return "of a gateway error (HTTP 502)";
                case 503: return "the service is unavailable (HTTP 503)";
                case 504: return "of a gateway timeout (HTTP 504)";
                case 500:
                    // APIG.9008 is throttling; APIG.9999 and the rest are the service's own passing failures, after which
                    // a request that changes something is repeated only once a read shows the change is not there.
                    string? code = ApigErrorBody.Parse(response.Body).Code;
                    return code != null && code.EndsWith(".9008", StringComparison.Ordinal) && code.StartsWith("APIG", StringComparison.OrdinalIgnoreCase)
                        ? "the service is throttling (" + code + ")"
                        : "of a server error (HTTP 500" + (code == null ? string.Empty : " " + code) + ")";
                default: return null;
            }
        }

        /// <summary>Throttling answers come before the request is handled, so they never mean the change was made.</summary>
        internal static bool IsThrottling(ApigResponse response)
        {
            if (response.StatusCode == 429) return true;
            if (response.StatusCode < 500) return false;
            string? code = ApigErrorBody.Parse(response.Body).Code;
            return code != null && code.StartsWith("APIG", StringComparison.OrdinalIgnoreCase) &&
                   (code.EndsWith(".9008", StringComparison.Ordinal) || code.EndsWith(".0308", StringComparison.Ordinal));
        }
    }
}
