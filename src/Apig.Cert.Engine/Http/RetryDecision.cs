using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>The <see cref="RetryPolicy"/>'s verdict on one attempt: what to do, and for a retry how long to wait and why.</summary>
    internal readonly struct RetryDecision
    {
        private RetryDecision(RetryAction action, string? reason, TimeSpan wait, bool retryAfterHonoured)
        {
            Action = action;
            Reason = reason;
            Wait = wait;
            RetryAfterHonoured = retryAfterHonoured;
        }

        public static RetryDecision ReturnResponse => new RetryDecision(RetryAction.ReturnResponse, null, TimeSpan.Zero, false);

        public static RetryDecision RepeatedDeleteFoundNothing => new RetryDecision(RetryAction.RepeatedDeleteFoundNothing, null, TimeSpan.Zero, false);

        public static RetryDecision ReturnApplied => new RetryDecision(RetryAction.ReturnApplied, null, TimeSpan.Zero, false);

        public static RetryDecision GiveUp(string reason) => new RetryDecision(RetryAction.GiveUp, reason, TimeSpan.Zero, false);

        public static RetryDecision ConfirmFirst(string reason) => new RetryDecision(RetryAction.ConfirmFirst, reason, TimeSpan.Zero, false);

        public static RetryDecision Retry(string reason, TimeSpan wait, bool retryAfterHonoured) =>
            new RetryDecision(RetryAction.Retry, reason, wait, retryAfterHonoured);

        public RetryAction Action { get; }

        /// <summary>Why the attempt did not succeed, completing "because ...": null when the answer is final.</summary>
        public string? Reason { get; }

        /// <summary>How long to wait before the next attempt (only for <see cref="RetryAction.Retry"/>).</summary>
        public TimeSpan Wait { get; }

        /// <summary>True when <see cref="Wait"/> comes from the server's Retry-After rather than the backoff.</summary>
        public bool RetryAfterHonoured { get; }
    }
}
