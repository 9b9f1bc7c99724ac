using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// After a change request may or may not have taken effect: the caller's read of the state decides. Without one,
    /// only a DELETE goes again (its 404 then means done); anything else could make the change twice.
    /// </summary>
    internal static class AmbiguousFailureConfirmation
    {
        /// <remarks>attemptsLeft: whether a repeat would follow, so the log does not promise one that will not come.</remarks>
        public static async Task<AmbiguousFailureDecision> AskAsync(ApigRequest request, AttemptOutcome outcome, TimeSpan timeout, bool attemptsLeft,
            IApigLog? log, CancellationToken cancellationToken)
        {
            string what = Describe(request, outcome, timeout);
            if (request.ConfirmApplied == null)
            {
                if (request.Method == HttpMethod.Delete) return AmbiguousFailureDecision.Repeat;
                log?.Verbose(what + ": not repeating, because it may have taken effect and there is no way to check.");
                return AmbiguousFailureDecision.Stop;
            }

            bool applied;
            try
            {
                applied = await request.ConfirmApplied(cancellationToken).ConfigureAwait(false);
            }
            catch (ApigApiException check)
            {
                // Repeating without knowing is what this check exists to prevent; a re-run of the command reads first.
                log?.Verbose(what + " and reading the state to see whether it took effect failed too (" + check.Message + "): not repeating.");
                return AmbiguousFailureDecision.Stop;
            }

            if (applied)
            {
                log?.Verbose(what + " but " + request.AppliedState + ": not repeating.");
                return AmbiguousFailureDecision.Applied;
            }

            if (attemptsLeft) log?.Verbose(what + " and reading the state shows it did not take effect: repeating.");
            return AmbiguousFailureDecision.Repeat;
        }

        /// <summary>"POST /v2/.../certificate answered 502": the start of every line about the ambiguous attempt.</summary>
        internal static string Describe(ApigRequest request, in AttemptOutcome outcome, TimeSpan timeout) =>
            request.Method.Method + " " + request.Path + " " +
            (outcome.Response != null ? "answered " + outcome.Response.StatusCode.ToString(CultureInfo.InvariantCulture)
                : outcome.FailureKind == AttemptFailureKind.Undecompressable ? "answered garbage"
                : outcome.FailureKind == AttemptFailureKind.TimedOut ? "got no answer within " + ApigHttpPipeline.FormatSeconds(timeout)
                : "lost its connection");
    }
}
