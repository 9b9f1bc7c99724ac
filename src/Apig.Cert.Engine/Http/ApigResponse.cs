using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Http
{
    /// <summary>One answer as the pipeline received it (or the stand-in for a change confirmed by reading the state).</summary>
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
}
