using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Auth
{
    /// <summary>
    /// Huawei Cloud "SDK-HMAC-SHA256" request signing. Pure functions over strings and bytes so the official SDK
    /// test vectors can be reproduced exactly; the HTTP layer decides which headers to sign.
    /// </summary>
    public static class AkSkSigner
    {
        public const string Algorithm = "SDK-HMAC-SHA256";
        public const string DateHeader = "X-Sdk-Date";
        public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

        /// <summary>Hex SHA-256 of nothing; the payload hash of every GET and DELETE.</summary>
        public const string EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        public static string FormatDate(DateTime utcNow) =>
            utcNow.ToUniversalTime().ToString(DateFormat, CultureInfo.InvariantCulture);

        /// <summary>
        /// Builds the Authorization header value. <paramref name="signedHeaders"/> is exactly the set that is signed
        /// (it must contain X-Sdk-Date); the caller must send the same values.
        /// </summary>
        /// <remarks>rawPath is the path as sent (it is decoded and re-encoded); rawQuery is the query without '?', or null.</remarks>
        public static string CreateAuthorization(string accessKey, byte[] secretKey, string method, string rawPath, string? rawQuery,
            IEnumerable<KeyValuePair<string, string>> signedHeaders, byte[]? body)
        {
            if (accessKey == null) throw new ArgumentNullException(nameof(accessKey));
            if (secretKey == null) throw new ArgumentNullException(nameof(secretKey));

            var headers = NormalizeHeaders(signedHeaders);
            string? sdkDate = headers.Where(h => h.Key == "x-sdk-date").Select(h => h.Value).FirstOrDefault();
            if (sdkDate == null)
            {
                throw new ArgumentException("The signed headers must include X-Sdk-Date.", nameof(signedHeaders));
            }

            string signedHeaderNames = string.Join(";", headers.Select(h => h.Key));
            string canonicalRequest = BuildCanonicalRequest(method, rawPath, rawQuery, headers, HashHex(body ?? Array.Empty<byte>()));
            string stringToSign = Algorithm + "\n" + sdkDate + "\n" + HashHex(Encoding.UTF8.GetBytes(canonicalRequest));

            string signature;
            using (var hmac = new HMACSHA256(secretKey))
            {
                signature = Hex.Lower(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
            }

            return Algorithm + " Access=" + accessKey + ", SignedHeaders=" + signedHeaderNames + ", Signature=" + signature;
        }

        /// <summary>The Go and .NET SDKs never sign content-type headers nor names with '_' (proxies may drop those).</summary>
        public static bool IsSignable(string headerName) =>
            !headerName.StartsWith("content-type", StringComparison.OrdinalIgnoreCase) && headerName.IndexOf('_') < 0;

        internal static string BuildCanonicalRequest(string method, string rawPath, string? rawQuery,
            IReadOnlyList<KeyValuePair<string, string>> normalizedHeaders, string payloadHash)
        {
            var canonicalHeaders = new StringBuilder();
            foreach (var header in normalizedHeaders)
            {
                canonicalHeaders.Append(header.Key).Append(':').Append(header.Value).Append('\n');
            }

            return method.ToUpperInvariant() + "\n"
                + CanonicalUri(rawPath) + "\n"
                + CanonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n"
                + string.Join(";", normalizedHeaders.Select(h => h.Key)) + "\n"
                + payloadHash;
        }

        internal static List<KeyValuePair<string, string>> NormalizeHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        {
            var normalized = headers
                .Select(h => new KeyValuePair<string, string>(h.Key.Trim().ToLowerInvariant(), (h.Value ?? string.Empty).Trim()))
                .ToList();
            normalized.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            for (int i = 1; i < normalized.Count; i++)
            {
                if (normalized[i].Key == normalized[i - 1].Key)
                {
                    throw new ArgumentException("Header '" + normalized[i].Key + "' is given twice.", nameof(headers));
                }
            }

            return normalized;
        }

        /// <summary>Decoded segments re-encoded one by one, always ending in '/': the signer's view of the path, not what is sent.</summary>
        internal static string CanonicalUri(string rawPath)
        {
            if (string.IsNullOrEmpty(rawPath)) return "/";
            string[] segments = rawPath.Split('/');
            string joined = string.Join("/", segments.Select(s => UrlEncoding.Encode(Uri.UnescapeDataString(s))));
            if (!joined.StartsWith("/", StringComparison.Ordinal)) joined = "/" + joined;
            return joined.EndsWith("/", StringComparison.Ordinal) ? joined : joined + "/";
        }

        internal static string CanonicalQuery(string? rawQuery)
        {
            if (string.IsNullOrEmpty(rawQuery)) return string.Empty;
            string query = rawQuery![0] == '?' ? rawQuery.Substring(1) : rawQuery;

            var pairs = new List<KeyValuePair<string, string>>();
            foreach (string part in query.Split('&'))
            {
                if (part.Length == 0) continue;
                int eq = part.IndexOf('=');
                string key = eq < 0 ? part : part.Substring(0, eq);
                string value = eq < 0 ? string.Empty : part.Substring(eq + 1);
                pairs.Add(new KeyValuePair<string, string>(UrlEncoding.Encode(Uri.UnescapeDataString(key)), UrlEncoding.Encode(Uri.UnescapeDataString(value))));
            }

            // Sorting the encoded forms by key, then value, equals the SDKs' "sort keys, then repeated values".
            pairs.Sort((a, b) =>
            {
                int byKey = string.CompareOrdinal(a.Key, b.Key);
                return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
            });
            return string.Join("&", pairs.Select(p => p.Key + "=" + p.Value));
        }

        public static string HashHex(byte[] data)
        {
            using (var sha = SHA256.Create())
            {
                return Hex.Lower(sha.ComputeHash(data));
            }
        }
    }
}
