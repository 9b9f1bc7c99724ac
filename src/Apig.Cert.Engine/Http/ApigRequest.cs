using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

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

    internal sealed class ApigResponse
    {
        private string? _body;

        public ApigResponse(int statusCode, string reasonPhrase, string body, IDictionary<string, string> headers)
            : this(statusCode, reasonPhrase, new ArraySegment<byte>(System.Text.Encoding.UTF8.GetBytes(body)), headers)
        {
            _body = body;
        }

        /// <summary>
        /// Stands in for the answer that never came (or came as a 5xx, or as 404 to a repeated DELETE) when reading
        /// the state showed the change had been made: a success without a body.
        /// </summary>
        internal static ApigResponse AppliedWithoutAnswer() =>
            new ApigResponse(200, "applied (confirmed by reading the state)", new ArraySegment<byte>(Array.Empty<byte>()),
                new Dictionary<string, string>()) { WasAppliedWithoutAnswer = true };

        public ApigResponse(int statusCode, string reasonPhrase, ArraySegment<byte> bodyUtf8, IDictionary<string, string> headers)
        {
            StatusCode = statusCode;
            ReasonPhrase = reasonPhrase;
            BodyUtf8 = bodyUtf8;
            Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        }

        public int StatusCode { get; }

        public string ReasonPhrase { get; }

        /// <summary>The body as received. Successful answers are deserialized straight from these bytes.</summary>
        public ArraySegment<byte> BodyUtf8 { get; }

        /// <summary>
        /// The body as text, made only when asked for (errors, Debug): a listing page of 500 groups is half a megabyte,
        /// and a UTF-16 copy of every page would only feed the large-object heap.
        /// </summary>
        public string Body => _body ??= System.Text.Encoding.UTF8.GetString(BodyUtf8.Array!, BodyUtf8.Offset, BodyUtf8.Count);

        public IReadOnlyDictionary<string, string> Headers { get; }

        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        /// <summary>True when this is no server answer but the confirmation that an earlier attempt took effect.</summary>
        public bool WasAppliedWithoutAnswer { get; private set; }

        public string? RequestId => Header("X-Request-Id");

        public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
    }

    /// <summary>Adds credentials to each attempt. Implementations are shared by all clients of a session and must be thread-safe.</summary>
    internal interface IRequestAuthenticator
    {
        /// <summary>
        /// Adds the auth headers. Returns the credential generation used (e.g. the token), which
        /// <see cref="RefreshAsync"/> receives back so concurrent rejections cause a single refresh.
        /// </summary>
        Task<object?> ApplyAsync(HttpRequestMessage request, string hostHeader, byte[] body, IApigLog? log, CancellationToken cancellationToken);

        /// <summary>True when a rejected credential can be renewed (password sign-in).</summary>
        bool CanRefresh { get; }

        Task RefreshAsync(object? rejectedGeneration, IApigLog? log, CancellationToken cancellationToken);
    }
}
