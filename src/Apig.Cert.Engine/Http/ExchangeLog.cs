using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The Verbose and Debug lines about what the pipeline sends and receives. Debug lines carry headers and bodies, so
    /// everything goes through <see cref="Redactor"/>; they are built only when someone reads them.
    /// </summary>
    internal static class ExchangeLog
    {
        public static void Request(IApigLog? log, HttpRequestMessage message, ApigRequest request)
        {
            if (log != null && log.IsDebugEnabled) log.Debug(DescribeRequest(message, request));
        }

        public static void Answer(IApigLog? log, ApigRequest request, ApigResponse response, long elapsedMilliseconds)
        {
            if (log == null) return;
            if (log.IsVerboseEnabled)
            {
                log.Verbose(request.Method.Method + " " + request.PathAndQuery + " -> " + response.StatusCode + " in " +
                            elapsedMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms" +
                            (response.RequestId == null ? string.Empty : " (request id " + response.RequestId + ")"));
            }

            if (log.IsDebugEnabled) log.Debug(DescribeResponse(response));
        }

        /// <summary>Where an answer broke: -Debug is the advice for unexpected errors, so it must say where it happened.</summary>
        public static void BrokenAnswer(IApigLog? log, ApigRequest request, int? status, Exception failure)
        {
            if (log != null && log.IsDebugEnabled) log.Debug(DescribeBrokenResponse(request, status, failure));
        }

        /// <remarks>reason: what went wrong, e.g. "the connection broke (...)".</remarks>
        public static void Failure(IApigLog? log, ApigRequest request, string reason, long elapsedMilliseconds) =>
            log?.Verbose(request.Method.Method + " " + request.PathAndQuery + " -> " + reason + " after " +
                         elapsedMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms");

        public static void Retrying(IApigLog? log, ApigRequest request, in RetryDecision decision, int attempt, int attempts) =>
            log?.Verbose("Retrying " + request.Method.Method + " " + request.Path + " in " +
                         ((long)decision.Wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms (attempt " + (attempt + 1) + " of " +
                         attempts + ") because " + decision.Reason + (decision.RetryAfterHonoured ? " (Retry-After honoured)" : string.Empty) + ".");

        public static void RepeatedDeleteFoundNothing(IApigLog? log, ApigRequest request) =>
            log?.Verbose(request.Method.Method + " " + request.Path + ": the repeated DELETE answered 404: " + request.ChangeName +
                         " had taken effect.");

        public static void RefreshingExpiredToken(IApigLog? log, ApigRequest request, string? errorCode) =>
            log?.Verbose("The token was rejected as expired (" + errorCode + "); getting a new one and repeating " +
                         request.Method.Method + " " + request.Path + ".");

        private static string DescribeRequest(HttpRequestMessage message, ApigRequest request)
        {
            var text = new StringBuilder();
            text.Append("> ").Append(message.Method.Method).Append(' ').Append(message.RequestUri);
            AppendHeaders(text, "> ", message.Headers);
            if (message.Content != null) AppendHeaders(text, "> ", message.Content.Headers);
            if (request.Body != null) text.Append('\n').Append("> ").Append(Redactor.RedactBody(request.Body));
            return text.ToString();
        }

        private static string DescribeResponse(ApigResponse response)
        {
            var text = new StringBuilder();
            text.Append("< ").Append(response.StatusCode).Append(' ').Append(response.ReasonPhrase);
            foreach (var header in response.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                text.Append('\n').Append("< ").Append(header.Key).Append(": ").Append(Redactor.RedactHeader(header.Key, header.Value));
            }

            // From the bytes: a string of the whole answer would be an uncleared copy of any key it carries (a CCM export).
            text.Append('\n').Append("< ").Append(Redactor.RedactBody(response.BodyUtf8));
            return text.ToString();
        }

        private static string DescribeBrokenResponse(ApigRequest request, int? status, Exception failure) =>
            "< " + request.Method.Method + " " + request.PathAndQuery + ": " +
            (status.HasValue ? "HTTP " + status.Value.ToString(CultureInfo.InvariantCulture) + " answered, then reading the body failed" : "no answer")
            + " with " + failure.GetType().Name + ": " + Redactor.RedactBody(failure.Message);

        private static void AppendHeaders(StringBuilder text, string prefix, HttpHeaders headers)
        {
            foreach (var header in headers)
            {
                text.Append('\n').Append(prefix).Append(header.Key).Append(": ")
                    .Append(Redactor.RedactHeader(header.Key, string.Join(", ", header.Value)));
            }
        }
    }
}
