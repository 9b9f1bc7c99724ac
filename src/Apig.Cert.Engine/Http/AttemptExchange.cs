using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// Sends one attempt under its deadline and reads the answer, and says what came of it: an answer, or a failure with
    /// what the failure proves about whether anything reached the server. Deciding what to do about it is
    /// <see cref="RetryPolicy"/>'s job; only failures that no retry can fix are thrown from here.
    /// </summary>
    internal static class AttemptExchange
    {
        /// <remarks>content: the message's body as <see cref="AttemptBuilder"/> made it, or null.</remarks>
        /// <exception cref="ApigApiException">The answer is larger than the cap, or a proxy demands credentials for https.</exception>
        public static async Task<AttemptOutcome> SendAsync(HttpClient client, HttpRequestMessage message, ApigRequest request, SentTrackingContent? content,
            TimeSpan timeout, IApigLog? log, CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            AttemptOutcome failed;
            using (var deadline = AttemptDeadline.Start(timeout, cancellationToken))
            {
                int? status = null;
                try
                {
                    using (var httpResponse = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                               .ConfigureAwait(false))
                    {
                        status = (int)httpResponse.StatusCode;
                        ApigResponse response = await ResponseReader.ReadAsync(httpResponse, deadline.Token).ConfigureAwait(false);
                        ExchangeLog.Answer(log, request, response, ElapsedMilliseconds(started));
                        // Only an error answer can be retried, so only then is the header worth parsing.
                        return AttemptOutcome.Answered(response, response.IsSuccess ? null : ResponseReader.RetryAfterOf(httpResponse));
                    }
                }
                catch (ResponseTooLargeException)
                {
                    // More of the same would arrive on a retry; whatever sends it is no APIG answer.
                    throw ApigApiExceptions.TooLarge(request, status ?? 0);
                }
                catch (OperationCanceledException ex) when (deadline.IsTimeout)
                {
                    failed = AttemptOutcome.Failed(AttemptFailureKind.TimedOut, ex, "no response within " + ApigHttpPipeline.FormatSeconds(timeout),
                        content != null && !content.Started);
                }
                catch (HttpRequestException ex) when (ProxyTunnelStatus(ex) == 407)
                {
                    // For https the proxy's 407 answers the tunnel request and never becomes a response; the same
                    // credentials would be refused again, so this is not retried.
                    throw ApigApiExceptions.ProxyAuthenticationRequired(request, null, ex);
                }
                catch (HttpRequestException ex)
                {
                    failed = AttemptOutcome.Failed(AttemptFailureKind.ConnectionFailed, ex,
                        "the connection failed (" + ApigApiExceptions.InnermostMessage(ex) + ")", NothingWasSent(ex, content));
                }
                catch (IOException ex)
                {
                    failed = AttemptOutcome.Failed(AttemptFailureKind.ConnectionBroke, ex, "the connection broke (" + ex.Message + ")",
                        NothingWasSent(ex, content));
                }
                catch (InvalidDataException ex)
                {
                    failed = AttemptOutcome.Failed(AttemptFailureKind.Undecompressable, ex, "the answer could not be decompressed (" + ex.Message + ")",
                        false);
                    ExchangeLog.BrokenAnswer(log, request, status, ex);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && log != null && log.IsDebugEnabled)
                {
                    // Whatever this is surfaces as an unexpected error whose advice is -Debug: make -Debug say where it happened.
                    ExchangeLog.BrokenAnswer(log, request, status, ex);
                    throw;
                }
            }

            ExchangeLog.Failure(log, request, failed.FailureReason!, ElapsedMilliseconds(started));
            return failed;
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

        /// <summary>
        /// The status a proxy gave when it refused to open a tunnel for https. .NET 5+ reports it on the exception
        /// (HttpRequestException.StatusCode), which netstandard2.0 cannot name, hence the reflection.
        /// </summary>
        private static int? ProxyTunnelStatus(HttpRequestException failure)
        {
            object? status = failure.GetType().GetProperty("StatusCode")?.GetValue(failure);
            return status == null ? (int?)null : Convert.ToInt32(status, CultureInfo.InvariantCulture);
        }

        private static long ElapsedMilliseconds(long startedTimestamp) =>
            (Stopwatch.GetTimestamp() - startedTimestamp) * 1000 / Stopwatch.Frequency;
    }
}
