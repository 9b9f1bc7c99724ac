using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert.Engine.Http
{
    /// <summary>One logical call; the pipeline turns it into one HttpRequestMessage per attempt.</summary>
    internal sealed class ApigRequest
    {
        /// <remarks>baseUri: scheme://authority plus an optional path prefix. path: already escaped, starting with '/'.
        /// query: already encoded, without '?', or null.</remarks>
        public ApigRequest(HttpMethod method, string baseUri, string path, string? query, byte[]? body)
        {
            Method = method;
            BaseUri = baseUri.TrimEnd('/');
            Path = path;
            Query = string.IsNullOrEmpty(query) ? null : query;
            Body = body;
        }

        public HttpMethod Method { get; }

        public string BaseUri { get; }

        public string Path { get; }

        public string? Query { get; }

        public byte[]? Body { get; }

        public Uri Uri => new Uri(BaseUri + Path + (Query == null ? string.Empty : "?" + Query));

        public string PathAndQuery => Path + (Query == null ? string.Empty : "?" + Query);

        /// <summary>
        /// Asks the service whether this request's change is already there. Consulted after an ambiguous failure (a 5xx, a
        /// broken connection or a timeout once the request had gone out) of a request that is not safe to repeat blindly.
        /// </summary>
        public Func<CancellationToken, Task<bool>>? ConfirmApplied { get; set; }

        /// <summary>What <see cref="ConfirmApplied"/> found when it answers true, for the log: "the certificate is bound".</summary>
        public string AppliedState { get; set; } = "the change is there";

        /// <summary>The change this request makes, for the log: "the unbind".</summary>
        public string ChangeName { get; set; } = "the change";

        /// <summary>Set for a POST whose repetition changes nothing that lasts (an IAM token request).</summary>
        public bool SafeToRepeat { get; set; }

        /// <summary>GET, HEAD, OPTIONS and PUT leave the same state however often they arrive; POST and PATCH may not.</summary>
        public bool IsRepeatable =>
            SafeToRepeat || Method == HttpMethod.Get || Method == HttpMethod.Head || Method == HttpMethod.Options || Method == HttpMethod.Put;
    }
}
