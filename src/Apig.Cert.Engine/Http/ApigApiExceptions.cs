using System;
using System.Globalization;
using System.Text;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The wording of every <see cref="ApigApiException"/> the pipeline raises, so each names who refused, the call, and
    /// the request id, in one shape.
    /// </summary>
    internal static class ApigApiExceptions
    {
        /// <summary>For an error answer, with the code and message parsed out of its body.</summary>
        internal static ApigApiException ForResponse(ApigRequest request, ApigResponse response, (string? Code, string? Message) error)
        {
            // A proxy's own error page is no APIG error; say who refused, so nobody hunts for a wrong secret key.
            if (response.StatusCode == 407)
            {
                string? scheme = response.Header("Proxy-Authenticate");
                int space = scheme == null ? -1 : scheme.IndexOf(' ');
                if (space > 0) scheme = scheme!.Substring(0, space);
                return ProxyAuthenticationRequired(request, scheme, null);
            }

            // Server messages can quote rejected input; mask anything that looks like key material before it reaches a message.
            string? errorMessage = error.Message == null ? null : Redactor.RedactJson(error.Message);
            var text = new StringBuilder();
            if (error.Code != null)
            {
                text.Append(error.Code);
                if (!string.IsNullOrEmpty(errorMessage)) text.Append(' ').Append(errorMessage);
            }
            else if (!string.IsNullOrEmpty(errorMessage))
            {
                text.Append(errorMessage);
            }
            else
            {
                text.Append("HTTP ").Append(response.StatusCode);
                if (!string.IsNullOrEmpty(response.ReasonPhrase)) text.Append(' ').Append(response.ReasonPhrase);
                if (response.StatusCode >= 300 && response.StatusCode < 400 && response.Header("Location") != null)
                {
                    text.Append(" to ").Append(response.Header("Location"));
                }
            }

            text.Append(" (HTTP ").Append(response.StatusCode).Append(", ").Append(request.Method.Method).Append(' ').Append(request.Path);
            if (response.RequestId != null) text.Append(", request id ").Append(response.RequestId);
            text.Append(')');

            return new ApigApiException(text.ToString(), response.StatusCode, error.Code, errorMessage, response.RequestId,
                request.Method.Method, request.Path);
        }

        /// <remarks>scheme: the proxy's auth scheme when it said which; inner: the tunnel failure for https.</remarks>
        internal static ApigApiException ProxyAuthenticationRequired(ApigRequest request, string? scheme, Exception? inner) =>
            new ApigApiException(
                "The proxy refused the request to " + request.BaseUri + ": it requires authentication (HTTP 407 Proxy Authentication Required" +
                (string.IsNullOrEmpty(scheme) ? string.Empty : ", scheme " + scheme) + "; " + request.Method.Method + " " + request.Path + ").",
                407, null, null, null, request.Method.Method, request.Path, inner);

        internal static ApigApiException UnreadableResponse(ApigRequest request, ApigResponse response, Exception inner) =>
            new ApigApiException(
                "The response could not be read as the expected JSON: " + inner.Message + " (HTTP " + response.StatusCode + ", " +
                request.Method.Method + " " + request.Path + (response.RequestId == null ? string.Empty : ", request id " + response.RequestId) + ")",
                response.StatusCode, null, null, response.RequestId, request.Method.Method, request.Path, inner);

        /// <summary>For the last of the attempts that got no usable answer; status 0 says no server answered.</summary>
        internal static ApigApiException Transport(ApigRequest request, Exception failure, AttemptFailureKind kind, TimeSpan timeout, int attempts)
        {
            string endpoint = request.BaseUri;
            string tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
            string message = kind == AttemptFailureKind.TimedOut
                ? "No response from " + endpoint + " within " + ApigHttpPipeline.FormatSeconds(timeout) +
                  " (" + request.Method.Method + " " + request.Path + ", " + tries + ")."
                : kind == AttemptFailureKind.Undecompressable
                    ? "The answer from " + endpoint + " could not be decompressed: " + failure.Message + " (" + request.Method.Method + " " + request.Path + ", " + tries + ")."
                    : "Could not reach " + endpoint + ": " + InnermostMessage(failure) + " (" + request.Method.Method + " " + request.Path + ", " + tries + ").";
            return new ApigApiException(message, 0, null, null, null, request.Method.Method, request.Path, failure);
        }

        internal static ApigApiException TooLarge(ApigRequest request, int status) =>
            new ApigApiException(
                "The answer to " + request.Method.Method + " " + request.Path + " from " + request.BaseUri + " is larger than " +
                (ApigHttpPipeline.MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB once decompressed, the limit for any answer; no APIG " +
                "answer comes near it, so the endpoint (or a proxy in between) is not answering as APIG does. Check -Endpoint and the proxy; not retried.",
                status, null, null, null, request.Method.Method, request.Path);

        /// <summary>The outer message and the innermost one: HttpClient's own says little, the socket's says what failed.</summary>
        internal static string InnermostMessage(Exception exception)
        {
            Exception inner = exception;
            while (inner.InnerException != null) inner = inner.InnerException;
            return inner == exception ? exception.Message : exception.Message + " " + inner.Message;
        }
    }
}
