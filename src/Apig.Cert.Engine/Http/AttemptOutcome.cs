using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// What one attempt produced: an answer (any status), or a failure that left the result unknown. Everything the retry
    /// decision needs, and nothing that has to stay open: a struct, so an attempt costs no extra allocation.
    /// </summary>
    internal readonly struct AttemptOutcome
    {
        private AttemptOutcome(ApigResponse? response, TimeSpan? retryAfter, Exception? failure, AttemptFailureKind failureKind, string? failureReason,
            bool nothingSent)
        {
            Response = response;
            RetryAfter = retryAfter;
            Failure = failure;
            FailureKind = failureKind;
            FailureReason = failureReason;
            NothingSent = nothingSent;
        }

        /// <remarks>retryAfter: the wait the server asked for, if it did.</remarks>
        public static AttemptOutcome Answered(ApigResponse response, TimeSpan? retryAfter) =>
            new AttemptOutcome(response, retryAfter, null, AttemptFailureKind.None, null, false);

        /// <remarks>reason: completes "retrying ... because", e.g. "the connection broke (...)". nothingSent: the failure
        /// proves the server cannot have acted on the request.</remarks>
        public static AttemptOutcome Failed(AttemptFailureKind kind, Exception failure, string reason, bool nothingSent) =>
            new AttemptOutcome(null, null, failure, kind, reason, nothingSent);

        /// <summary>The answer, or null when the attempt failed.</summary>
        public ApigResponse? Response { get; }

        public TimeSpan? RetryAfter { get; }

        public Exception? Failure { get; }

        public AttemptFailureKind FailureKind { get; }

        public string? FailureReason { get; }

        public bool NothingSent { get; }
    }
}
