using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The only place that sends HTTP: builds each attempt, adds credentials, applies the deadline, retries what is
    /// safe to retry, logs (redacted), and turns failures into <see cref="ApigApiException"/>.
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

        /// <remarks>clientSource gives the client for a request URI; by default the shared one, direct for plain http.</remarks>
        public ApigHttpPipeline(int maxRetries, TimeSpan timeout, RetryTiming? timing = null, Func<Uri, HttpClient>? clientSource = null)
        {
            MaxRetries = maxRetries;
            Timeout = timeout;
            Timing = timing ?? RetryTiming.Default;
            _clientSource = clientSource ?? (target => SharedHttpClient.For(target, null));
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

                var error = ParseError(response.Body);
                // An expired token is the one 401 worth a second try: a fresh token fixes it, anything else would just fail again.
                if (!refreshed && authenticator != null && authenticator.CanRefresh && response.StatusCode == 401 && IsExpiredTokenCode(error.Code))
                {
                    log?.Verbose("The token was rejected as expired (" + error.Code + "); getting a new one and repeating " +
                                 request.Method.Method + " " + request.Path + ".");
                    await authenticator.RefreshAsync(generation, log, cancellationToken).ConfigureAwait(false);
                    refreshed = true;
                    continue;
                }

                throw CreateException(request, response, error);
            }
        }

        private async Task<(ApigResponse Response, object? Generation)> SendWithRetriesAsync(ApigRequest request,
            IRequestAuthenticator? authenticator, IApigLog? log, CancellationToken cancellationToken)
        {
            int attempts = MaxRetries + 1;
            Uri uri = request.Uri;
            HttpClient client = _clientSource(uri);
            string hostHeader = HostHeaderOf(uri);
            byte[] body = request.Body ?? Array.Empty<byte>();
            // Set once an attempt may have taken effect and the request is sent again: a 404 to a repeated DELETE then means done.
            bool repeatingAfterAmbiguousFailure = false;

            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                using (var message = new HttpRequestMessage(request.Method, uri))
                {
                    message.Headers.Host = hostHeader;
                    message.Headers.Accept.ParseAdd("application/json");
                    // Error messages in English whatever the account's console language, so advice and logs match the docs.
                    message.Headers.TryAddWithoutValidation(LanguageHeader, LanguageValue);
                    SentTrackingContent? content = null;
                    if (request.Body != null || !request.IsRepeatable)
                    {
                        // A change request always carries content, empty for a DELETE: .NET's handler silently re-sends a
                        // request without content whose connection broke before any answer, and that repeat would bypass
                        // the check below. Content also tells whether anything went out at all.
                        content = new SentTrackingContent(request.Body ?? Array.Empty<byte>());
                        message.Content = content;
                        if (request.Body != null) message.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
                    }

                    object? generation = authenticator == null
                        ? null
                        : await authenticator.ApplyAsync(message, hostHeader, body, log, cancellationToken).ConfigureAwait(false);

                    if (log != null && log.IsDebugEnabled) log.Debug(DescribeRequest(message, request));

                    string retryReason;
                    TimeSpan? retryAfter = null;
                    ApigResponse? retryableResponse = null;
                    Exception? failure = null;
                    bool timedOut = false;
                    bool mayHaveTakenEffect;
                    var stopwatch = Stopwatch.StartNew();
                    using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        deadline.CancelAfter(Timeout);
                        int? status = null;
                        try
                        {
                            using (var httpResponse = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                                       .ConfigureAwait(false))
                            {
                                status = (int)httpResponse.StatusCode;
                                ArraySegment<byte> responseBody = await ReadBodyAsync(httpResponse, deadline.Token).ConfigureAwait(false);
                                var response = new ApigResponse((int)httpResponse.StatusCode, httpResponse.ReasonPhrase ?? string.Empty, responseBody,
                                    CollectHeaders(httpResponse));
                                stopwatch.Stop();
                                if (log != null && log.IsVerboseEnabled)
                                    log.Verbose(request.Method.Method + " " + request.PathAndQuery + " -> " + response.StatusCode + " in " +
                                             stopwatch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms" +
                                             (response.RequestId == null ? string.Empty : " (request id " + response.RequestId + ")"));
                                if (log != null && log.IsDebugEnabled) log.Debug(DescribeResponse(response));

                                if (repeatingAfterAmbiguousFailure && request.Method == HttpMethod.Delete && response.StatusCode == 404)
                                {
                                    log?.Verbose(request.Method.Method + " " + request.Path + ": the repeated DELETE answered 404: " + request.ChangeName +
                                                 " had taken effect.");
                                    return (ApigResponse.AppliedWithoutAnswer(), generation);
                                }

                                string? reason = RetryReason(response);
                                if (reason == null) return (response, generation);

                                retryReason = reason;
                                retryableResponse = response;
                                retryAfter = RetryAfterOf(httpResponse);
                                mayHaveTakenEffect = !IsThrottling(response);
                            }
                        }
                        catch (ResponseTooLargeException)
                        {
                            // More of the same would arrive on a retry; whatever sends it is no APIG answer.
                            throw CreateTooLargeException(request, status ?? 0);
                        }
                        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            failure = ex;
                            timedOut = true;
                            retryReason = "no response within " + FormatSeconds(Timeout);
                            mayHaveTakenEffect = content == null || content.Started;
                        }
                        catch (HttpRequestException ex) when (ProxyTunnelStatus(ex) == 407)
                        {
                            // For https the proxy's 407 answers the tunnel request and never becomes a response; the same
                            // credentials would be refused again, so this is not retried.
                            throw CreateProxyAuthenticationException(request, null, ex);
                        }
                        catch (HttpRequestException ex)
                        {
                            failure = ex;
                            retryReason = "the connection failed (" + InnermostMessage(ex) + ")";
                            mayHaveTakenEffect = !NothingWasSent(ex, content);
                        }
                        catch (IOException ex)
                        {
                            failure = ex;
                            retryReason = "the connection broke (" + ex.Message + ")";
                            mayHaveTakenEffect = !NothingWasSent(ex, content);
                        }
                        catch (InvalidDataException ex)
                        {
                            // A body that does not decompress: the connection delivered garbage, as good as a broken one.
                            failure = ex;
                            retryReason = "the answer could not be decompressed (" + ex.Message + ")";
                            mayHaveTakenEffect = true;
                            if (log != null && log.IsDebugEnabled) log.Debug(DescribeBrokenResponse(request, status, ex));
                        }
                        catch (Exception ex) when (!(ex is OperationCanceledException) && log != null && log.IsDebugEnabled)
                        {
                            // Whatever this is surfaces as an unexpected error whose advice is -Debug: make -Debug say where it happened.
                            log.Debug(DescribeBrokenResponse(request, status, ex));
                            throw;
                        }
                    }

                    if (failure != null)
                    {
                        log?.Verbose(request.Method.Method + " " + request.PathAndQuery + " -> " + retryReason + " after " +
                                     stopwatch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms");
                    }

                    if (mayHaveTakenEffect && !request.IsRepeatable)
                    {
                        string outcome = request.Method.Method + " " + request.Path + " " +
                                         (retryableResponse != null ? "answered " + retryableResponse.StatusCode.ToString(CultureInfo.InvariantCulture)
                                             : failure is InvalidDataException ? "answered garbage"
                                             : timedOut ? "got no answer within " + FormatSeconds(Timeout)
                                             : "lost its connection");
                        switch (await DecideAfterAmbiguousFailureAsync(request, outcome, attempt < attempts, log, cancellationToken).ConfigureAwait(false))
                        {
                            case AmbiguousFailureDecision.Applied:
                                return (ApigResponse.AppliedWithoutAnswer(), generation);
                            case AmbiguousFailureDecision.Stop:
                                if (retryableResponse != null) return (retryableResponse, generation);
                                throw CreateTransportException(request, failure!, timedOut, attempt);
                        }

                        repeatingAfterAmbiguousFailure = true;
                    }

                    if (attempt >= attempts)
                    {
                        if (retryableResponse != null) return (retryableResponse, generation);
                        throw CreateTransportException(request, failure!, timedOut, attempts);
                    }

                    TimeSpan wait = retryAfter.HasValue ? Timing.CapRetryAfter(retryAfter.Value) : Timing.Backoff(attempt);
                    log?.Verbose("Retrying " + request.Method.Method + " " + request.Path + " in " +
                                 ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms (attempt " + (attempt + 1) + " of " +
                                 attempts + ") because " + retryReason + (retryAfter.HasValue ? " (Retry-After honoured)" : string.Empty) + ".");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private enum AmbiguousFailureDecision
        {
            Repeat,
            Applied,
            Stop,
        }

        /// <summary>
        /// After a change request may or may not have taken effect: the caller's read of the state decides. Without one,
        /// only a DELETE goes again (its 404 then means done); anything else could make the change twice.
        /// </summary>
        private static async Task<AmbiguousFailureDecision> DecideAfterAmbiguousFailureAsync(ApigRequest request, string outcome, bool attemptsLeft,
            IApigLog? log, CancellationToken cancellationToken)
        {
            if (request.ConfirmApplied == null)
            {
                if (request.Method == HttpMethod.Delete) return AmbiguousFailureDecision.Repeat;
                log?.Verbose(outcome + ": not repeating, because it may have taken effect and there is no way to check.");
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
                log?.Verbose(outcome + " and reading the state to see whether it took effect failed too (" + check.Message + "): not repeating.");
                return AmbiguousFailureDecision.Stop;
            }

            if (applied)
            {
                log?.Verbose(outcome + " but " + request.AppliedState + ": not repeating.");
                return AmbiguousFailureDecision.Applied;
            }

            if (attemptsLeft) log?.Verbose(outcome + " and reading the state shows it did not take effect: repeating.");
            return AmbiguousFailureDecision.Repeat;
        }

        /// <summary>Throttling answers come before the request is handled, so they never mean the change was made.</summary>
        internal static bool IsThrottling(ApigResponse response)
        {
            if (response.StatusCode == 429) return true;
            if (response.StatusCode < 500) return false;
            string? code = ParseError(response.Body).Code;
            return code != null && code.StartsWith("APIG", StringComparison.OrdinalIgnoreCase) &&
                   (code.EndsWith(".9008", StringComparison.Ordinal) || code.EndsWith(".0308", StringComparison.Ordinal));
        }

        /// <summary>
        /// True when the failure proves the request never reached a server: the connection was never made, TLS failed, or
        /// the body had not started to go out (a server cannot act on a POST or PUT whose body it never got).
        /// </summary>
        internal static bool NothingWasSent(Exception failure, SentTrackingContent? content)
        {
            if (content != null && !content.Started) return true;
            for (Exception? inner = failure; inner != null; inner = inner.InnerException)
            {
                if (inner is System.Security.Authentication.AuthenticationException) return true;
                if (inner is System.Net.Sockets.SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case System.Net.Sockets.SocketError.ConnectionRefused:
                        case System.Net.Sockets.SocketError.HostNotFound:
                        case System.Net.Sockets.SocketError.NoData:
                        case System.Net.Sockets.SocketError.TryAgain:
                        case System.Net.Sockets.SocketError.NetworkUnreachable:
                        case System.Net.Sockets.SocketError.HostUnreachable:
                        case System.Net.Sockets.SocketError.AddressNotAvailable:
                            return true;
                    }
                }
            }

            return false;
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
                    string? code = ParseError(response.Body).Code;
                    return code != null && code.EndsWith(".9008", StringComparison.Ordinal) && code.StartsWith("APIG", StringComparison.OrdinalIgnoreCase)
                        ? "the service is throttling (" + code + ")"
                        : "of a server error (HTTP 500" + (code == null ? string.Empty : " " + code) + ")";
                default: return null;
            }
        }

        internal static bool IsExpiredTokenCode(string? code) =>
            string.Equals(code, "APIG.1001", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "APIG.0307", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "APIGW.0307", StringComparison.OrdinalIgnoreCase);

        /// <summary>The Host header HttpClient will send: the port only when it is not the scheme's default.</summary>
        internal static string HostHeaderOf(Uri uri)
        {
            string host = uri.HostNameType == UriHostNameType.Dns ? uri.IdnHost : uri.Host;
            return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        }

        internal static (string? Code, string? Message) ParseError(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return (null, null);
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) return (null, null);

                    if (root.TryGetProperty("error_code", out var code))
                    {
                        return (ScalarText(code), root.TryGetProperty("error_msg", out var msg) ? ScalarText(msg) : null);
                    }

                    // IAM (Keystone) shape: {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}.
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        string? message = error.TryGetProperty("message", out var m) ? ScalarText(m) : null;
                        if (message == null && error.TryGetProperty("title", out var t)) message = ScalarText(t);
                        return (error.TryGetProperty("code", out var c) ? ScalarText(c) : null, message);
                    }

                    if (root.TryGetProperty("code", out var plainCode))
                    {
                        return (ScalarText(plainCode), root.TryGetProperty("message", out var plainMessage) ? ScalarText(plainMessage) : null);
                    }
                }
            }
            catch (JsonException)
            {
            }

            return (null, null);
        }

        internal static ApigApiException CreateException(ApigRequest request, ApigResponse response, (string? Code, string? Message) error)
        {
            // A proxy's own error page is no APIG error; say who refused, so nobody hunts for a wrong secret key.
            if (response.StatusCode == 407)
            {
                string? scheme = response.Header("Proxy-Authenticate");
                int space = scheme == null ? -1 : scheme.IndexOf(' ');
                if (space > 0) scheme = scheme!.Substring(0, space);
                return CreateProxyAuthenticationException(request, scheme, null);
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

        private static ApigApiException CreateProxyAuthenticationException(ApigRequest request, string? scheme, Exception? inner) =>
            new ApigApiException(
                "The proxy refused the request to " + request.BaseUri + ": it requires authentication (HTTP 407 Proxy Authentication Required" +
                (string.IsNullOrEmpty(scheme) ? string.Empty : ", scheme " + scheme) + "; " + request.Method.Method + " " + request.Path + ").",
                407, null, null, null, request.Method.Method, request.Path, inner);

        /// <summary>
        /// The status a proxy gave when it refused to open a tunnel for https. .NET 5+ reports it on the exception
        /// (HttpRequestException.StatusCode), which netstandard2.0 cannot name, hence the reflection.
        /// </summary>
        private static int? ProxyTunnelStatus(HttpRequestException failure)
        {
            object? status = failure.GetType().GetProperty("StatusCode")?.GetValue(failure);
            return status == null ? (int?)null : Convert.ToInt32(status, CultureInfo.InvariantCulture);
        }

        internal static ApigApiException CreateUnreadableResponse(ApigRequest request, ApigResponse response, Exception inner) =>
            new ApigApiException(
                "The response could not be read as the expected JSON: " + inner.Message + " (HTTP " + response.StatusCode + ", " +
                request.Method.Method + " " + request.Path + (response.RequestId == null ? string.Empty : ", request id " + response.RequestId) + ")",
                response.StatusCode, null, null, response.RequestId, request.Method.Method, request.Path, inner);

        private ApigApiException CreateTransportException(ApigRequest request, Exception failure, bool timedOut, int attempts)
        {
            string endpoint = request.BaseUri;
            string tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
            string message = timedOut
                ? "No response from " + endpoint + " within " + FormatSeconds(Timeout) +
                  " (" + request.Method.Method + " " + request.Path + ", " + tries + ")."
                : failure is InvalidDataException
                    ? "The answer from " + endpoint + " could not be decompressed: " + failure.Message + " (" + request.Method.Method + " " + request.Path + ", " + tries + ")."
                    : "Could not reach " + endpoint + ": " + InnermostMessage(failure) + " (" + request.Method.Method + " " + request.Path + ", " + tries + ").";
            return new ApigApiException(message, 0, null, null, null, request.Method.Method, request.Path, failure);
        }

        private static async Task<ArraySegment<byte>> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null) return new ArraySegment<byte>(Array.Empty<byte>());
            long? declared = response.Content.Headers.ContentLength;
            if (declared.HasValue && declared.Value > MaxResponseBytes) throw new ResponseTooLargeException();
            // One buffer of the announced size when there is one; growing and copying (ToArray) a large page several
            // times would leave that much garbage on the large-object heap per page.
            int capacity = declared.HasValue && declared.Value > 0 ? (int)declared.Value : 0;
            using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream(capacity))
            {
                // The cap counts what decompression produces, not what came over the wire: that is what fills memory.
                // netstandard2.0 has no ReadAsStringAsync(token); reading with the token keeps a stalled body under the deadline.
                byte[] chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxResponseBytes) throw new ResponseTooLargeException();
                    buffer.Write(chunk, 0, read);
                }

                return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }

        private static ApigApiException CreateTooLargeException(ApigRequest request, int status) =>
            new ApigApiException(
                "The answer to " + request.Method.Method + " " + request.Path + " from " + request.BaseUri + " is larger than " +
                (MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB once decompressed, the limit for any answer; no APIG " +
                "answer comes near it, so the endpoint (or a proxy in between) is not answering as APIG does. Check -Endpoint and the proxy; not retried.",
                status, null, null, null, request.Method.Method, request.Path);

        private static string DescribeBrokenResponse(ApigRequest request, int? status, Exception failure) =>
            "< " + request.Method.Method + " " + request.PathAndQuery + ": " +
            (status.HasValue ? "HTTP " + status.Value.ToString(CultureInfo.InvariantCulture) + " answered, then reading the body failed" : "no answer")
            + " with " + failure.GetType().Name + ": " + Redactor.RedactBody(failure.Message);

        /// <summary>Thrown while reading a body past <see cref="MaxResponseBytes"/>.</summary>
        private sealed class ResponseTooLargeException : Exception
        {
        }

        /// <summary>A request body that notes when the handler starts writing it: before that, the server cannot have acted on it.</summary>
        internal sealed class SentTrackingContent : HttpContent
        {
            private readonly byte[] _bytes;
            private volatile bool _started;

            public SentTrackingContent(byte[] bytes)
            {
                _bytes = bytes;
            }

            public bool Started => _started;

            protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
            {
                _started = true;
                return stream.WriteAsync(_bytes, 0, _bytes.Length);
            }

            protected override bool TryComputeLength(out long length)
            {
                length = _bytes.Length;
                return true;
            }
        }

        private static Dictionary<string, string> CollectHeaders(HttpResponseMessage response)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in response.Headers) headers[header.Key] = string.Join(", ", header.Value);
            if (response.Content != null)
            {
                foreach (var header in response.Content.Headers) headers[header.Key] = string.Join(", ", header.Value);
            }

            return headers;
        }

        private TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
            if (retryAfter == null) return null;
            if (retryAfter.Delta.HasValue) return retryAfter.Delta.Value;
            if (retryAfter.Date.HasValue) return retryAfter.Date.Value - DateTimeOffset.UtcNow;
            return null;
        }

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

            text.Append('\n').Append("< ").Append(Redactor.RedactBody(response.Body));
            return text.ToString();
        }

        private static void AppendHeaders(StringBuilder text, string prefix, HttpHeaders headers)
        {
            foreach (var header in headers)
            {
                text.Append('\n').Append(prefix).Append(header.Key).Append(": ")
                    .Append(Redactor.RedactHeader(header.Key, string.Join(", ", header.Value)));
            }
        }

        private static string? ScalarText(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: return element.GetString();
                case JsonValueKind.Number: return element.GetRawText();
                default: return null;
            }
        }

        private static string InnermostMessage(Exception exception)
        {
            Exception inner = exception;
            while (inner.InnerException != null) inner = inner.InnerException;
            return inner == exception ? exception.Message : exception.Message + " " + inner.Message;
        }

        internal static string FormatSeconds(TimeSpan span) =>
            span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
    }
}
