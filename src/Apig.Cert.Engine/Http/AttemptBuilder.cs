using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// Makes the HttpRequestMessage of one attempt from an <see cref="ApigRequest"/> and adds its credentials. A message
    /// cannot be sent twice, and a signature covers the time it was made, so every attempt gets a fresh one of each.
    /// </summary>
    internal static class AttemptBuilder
    {
        // Cached so a request without credentials (an IAM token request) does not allocate a task per attempt.
        private static readonly Task<object?> NoCredentialGeneration = Task.FromResult<object?>(null);

        /// <remarks>content: the body to watch for "did anything go out", or null when the message carries none.</remarks>
        public static HttpRequestMessage Build(ApigRequest request, Uri uri, string hostHeader, out SentTrackingContent? content)
        {
            var message = new HttpRequestMessage(request.Method, uri);
            message.Headers.Host = hostHeader;
            message.Headers.Accept.ParseAdd("application/json");
            // Error messages in English whatever the account's console language, so advice and logs match the docs.
            message.Headers.TryAddWithoutValidation(ApigHttpPipeline.LanguageHeader, ApigHttpPipeline.LanguageValue);
            content = null;
            if (request.Body != null || !request.IsRepeatable)
            {
                // A change request always carries content, empty for a DELETE: .NET's handler silently re-sends a
                // request without content whose connection broke before any answer, and that repeat would bypass
                // the ambiguous-failure check. Content also tells whether anything went out at all.
                content = new SentTrackingContent(request.Body ?? Array.Empty<byte>());
                message.Content = content;
                if (request.Body != null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ApigHttpPipeline.JsonContentType);
            }

            return message;
        }

        /// <summary>Adds the credentials; the result is the credential generation a 401 hands back for a refresh.</summary>
        public static Task<object?> AuthenticateAsync(HttpRequestMessage message, IRequestAuthenticator? authenticator, string hostHeader, byte[] body,
            IApigLog? log, CancellationToken cancellationToken) =>
            authenticator == null ? NoCredentialGeneration : authenticator.ApplyAsync(message, hostHeader, body, log, cancellationToken);

        /// <summary>The Host header HttpClient will send: the port only when it is not the scheme's default.</summary>
        public static string HostHeaderOf(Uri uri)
        {
            string host = uri.HostNameType == UriHostNameType.Dns ? uri.IdnHost : uri.Host;
            return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        }
    }
}
