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
    }

    internal sealed class ApigResponse
    {
        private string? _body;

        public ApigResponse(int statusCode, string reasonPhrase, string body, IDictionary<string, string> headers)
            : this(statusCode, reasonPhrase, new ArraySegment<byte>(System.Text.Encoding.UTF8.GetBytes(body)), headers)
        {
            _body = body;
        }

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
