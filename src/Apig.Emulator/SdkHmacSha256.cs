using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Apig.Emulator;

/// <summary>
/// The server side of "SDK-HMAC-SHA256" (apig-api.md §6.1), written independently of the engine's signer so a
/// mistake in one is caught by the other.
/// </summary>
internal static class SdkHmacSha256
{
    internal const string Algorithm = "SDK-HMAC-SHA256";
    internal const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";
    internal const string EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Percent-encodes everything except A-Z a-z 0-9 - _ . ~ (upper-case hex), byte-wise over UTF-8.</summary>
    internal static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The raw (still percent-encoded) path: decode each segment, re-encode, and end with '/'.</summary>
    internal static string CanonicalUri(string rawPath)
    {
        string[] segments = rawPath.Split('/');
        string joined = string.Join("/", segments.Select(s => Encode(Uri.UnescapeDataString(s))));
        return joined.EndsWith('/') ? joined : joined + "/";
    }

    /// <summary>The raw query without '?': keys and values decoded ('+' is a space, as Go reads it), re-encoded, sorted.</summary>
    internal static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery)) return "";
        var pairs = new List<(string Key, string Value)>();
        foreach (string part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((Encode(Decode(key)), Encode(Decode(value))));
        }
        return string.Join("&", pairs
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

        static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    /// <param name="signedHeaders">Lower-case names exactly as listed in SignedHeaders, already sorted by the client.</param>
    /// <param name="headerValue">Value the request carried for a signed header (untrimmed).</param>
    internal static string CanonicalRequest(string method, string rawPath, string rawQuery,
        IReadOnlyList<string> signedHeaders, Func<string, string> headerValue, string payloadHash)
    {
        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n');
        sb.Append(CanonicalUri(rawPath)).Append('\n');
        sb.Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (string name in signedHeaders)
            sb.Append(name).Append(':').Append(headerValue(name).Trim()).Append('\n');
        sb.Append('\n');
        sb.Append(string.Join(";", signedHeaders)).Append('\n');
        sb.Append(payloadHash);
        return sb.ToString();
    }

    internal static string StringToSign(string sdkDate, string canonicalRequest) =>
        $"{Algorithm}\n{sdkDate}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    internal static string Signature(string secretKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(stringToSign)));

    internal static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Parses "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex"; null when malformed.</summary>
    internal static (string AccessKey, string[] SignedHeaders, string Signature)? ParseAuthorization(string header)
    {
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal)) return null;
        string? access = null, signed = null, signature = null;
        foreach (string part in header[(Algorithm.Length + 1)..].Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) return null;
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "Access": access = value; break;
                case "SignedHeaders": signed = value; break;
                case "Signature": signature = value; break;
            }
        }
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(signed) || string.IsNullOrEmpty(signature)) return null;
        return (access, signed.Split(';'), signature);
    }

    internal static bool TryParseDate(string? value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
}
