using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert.Engine.Http
{
    /// <summary>Turns an HttpResponseMessage into an <see cref="ApigResponse"/>, never holding more than <see cref="ApigHttpPipeline.MaxResponseBytes"/>.</summary>
    internal static class ResponseReader
    {
        // Below the large-object heap's threshold, and as much as one read of a decompressing stream gives.
        private const int CopyBufferBytes = 81920;

        /// <exception cref="ResponseTooLargeException">The body is, or announces itself as, larger than the cap.</exception>
        public static async Task<ApigResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            ArraySegment<byte> body = new ArraySegment<byte>(Array.Empty<byte>());
            if (response.Content != null)
            {
                long? declared = response.Content.Headers.ContentLength;
                if (declared.HasValue && declared.Value > ApigHttpPipeline.MaxResponseBytes) throw new ResponseTooLargeException();
                // One buffer of the announced size when there is one; growing and copying (ToArray) a large page several
                // times would leave that much garbage on the large-object heap per page.
                int capacity = declared.HasValue && declared.Value > 0 ? (int)declared.Value : 0;
                using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var buffer = new MemoryStream(capacity))
                {
                    // The cap counts what decompression produces, not what came over the wire: that is what fills memory.
                    // netstandard2.0 has no ReadAsStringAsync(token); reading with the token keeps a stalled body under the deadline.
                    // The copy buffer is pooled: a fresh 80 KB one per answer was most of what a request allocated.
                    byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
                    try
                    {
                        int read;
                        while ((read = await stream.ReadAsync(chunk, 0, CopyBufferBytes, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            if (buffer.Length + read > ApigHttpPipeline.MaxResponseBytes) throw new ResponseTooLargeException();
                            buffer.Write(chunk, 0, read);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(chunk);
                    }

                    body = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
                }
            }

            return new ApigResponse((int)response.StatusCode, response.ReasonPhrase ?? string.Empty, body, CollectHeaders(response));
        }

        /// <summary>The wait a Retry-After header asks for (seconds or a date), or null without one.</summary>
        public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
            if (retryAfter == null) return null;
            if (retryAfter.Delta.HasValue) return retryAfter.Delta.Value;
            if (retryAfter.Date.HasValue) return retryAfter.Date.Value - DateTimeOffset.UtcNow;
            return null;
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
    }
}
