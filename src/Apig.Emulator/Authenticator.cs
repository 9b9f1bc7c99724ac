using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Apig.Emulator;

/// <summary>Checks X-Auth-Token or the AK/SK signature the way APIG does, in APIG's order of error codes.</summary>
internal static class Authenticator
{
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>"token", "aksk" or "none": what the request log records as its auth kind.</summary>
    internal static string Kind(HttpRequest request) =>
        request.Headers.ContainsKey("X-Auth-Token") ? "token"
        : request.Headers.ContainsKey("Authorization") ? "aksk"
        : "none";

    /// <summary>Throws <see cref="ApigError"/> unless the request may act on <paramref name="pathProjectId"/>.</summary>
    internal static void Authenticate(HttpContext context, EmulatorState state, byte[] body, string? pathProjectId)
    {
        HttpRequest request = context.Request;
        string? token = request.Headers["X-Auth-Token"].FirstOrDefault();
        string? authorization = request.Headers.Authorization.FirstOrDefault();
        string? grantedProject;

        if (!string.IsNullOrEmpty(token))
        {
            grantedProject = CheckToken(state, token).ProjectId;
        }
        else if (!string.IsNullOrEmpty(authorization))
        {
            VerifySignature(context, state, body, authorization);
            string? headerProject = request.Headers["X-Project-Id"].FirstOrDefault();
            // The key belongs to the account, which owns the emulator's one project; X-Project-Id narrows it.
            grantedProject = string.IsNullOrEmpty(headerProject) ? state.ProjectId
                : headerProject == state.ProjectId ? headerProject : null;
            if (!string.IsNullOrEmpty(headerProject) && headerProject != pathProjectId)
                throw new ApigError(403, "APIG.1005", "No permissions to request this method: X-Project-Id does not match the project in the path");
        }
        else
        {
            throw new ApigError(401, "APIG.1000", "Incorrect IAM authentication information: the request carries neither X-Auth-Token nor Authorization");
        }

        if (pathProjectId is not null && (grantedProject != pathProjectId || pathProjectId != state.ProjectId))
            throw new ApigError(403, "APIG.1005", "No permissions to request this method");
    }

    /// <summary>
    /// A call of a global service (CCM): any valid token, project- or domain-scoped, or an AK/SK signature. The SDK
    /// signs those with X-Domain-Id (GlobalCredentials); a wrong one is always refused, a missing one only under
    /// the setting ccmRequiresDomainId (whether CCM insists is UNCONFIRMED).
    /// </summary>
    internal static void AuthenticateAccount(HttpContext context, EmulatorState state, byte[] body)
    {
        HttpRequest request = context.Request;
        string? token = request.Headers["X-Auth-Token"].FirstOrDefault();
        string? authorization = request.Headers.Authorization.FirstOrDefault();
        if (!string.IsNullOrEmpty(token))
        {
            CheckToken(state, token);
            return;
        }
        if (string.IsNullOrEmpty(authorization))
            throw new ApigError(401, "APIG.1000", "Incorrect IAM authentication information: the request carries neither X-Auth-Token nor Authorization");
        VerifySignature(context, state, body, authorization);
        string? headerDomain = request.Headers["X-Domain-Id"].FirstOrDefault();
        string domainId;
        bool required;
        lock (state.Sync) (domainId, required) = (state.DomainId, state.Variants.CcmRequiresDomainId);
        if (string.IsNullOrEmpty(headerDomain))
        {
            if (required) throw Fail("X-Domain-Id (the account id) is required for this global service");
            return;
        }
        if (headerDomain != domainId)
            throw new ApigError(403, "APIG.1005", "No permissions to request this method: X-Domain-Id is not the account of this key");
    }

    private static TokenRecord CheckToken(EmulatorState state, string token)
    {
        lock (state.Sync)
        {
            if (!state.Tokens.TryGetValue(token, out TokenRecord? record))
                throw new ApigError(401, "APIG.1002", "Incorrect token or token resolution failed");
            if (record.ExpiresAt <= state.Now)
                throw new ApigError(401, "APIG.1001", "The token has expired");
            return record;
        }
    }

    private static void VerifySignature(HttpContext context, EmulatorState state, byte[] body, string authorization)
    {
        HttpRequest request = context.Request;
        var parsed = SdkHmacSha256.ParseAuthorization(authorization)
            ?? throw Fail("the Authorization header is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'");

        string? sdkDate = request.Headers["X-Sdk-Date"].FirstOrDefault();
        if (string.IsNullOrEmpty(sdkDate)) throw Fail("X-Sdk-Date is missing");
        if (!SdkHmacSha256.TryParseDate(sdkDate, out DateTimeOffset signedAt)) throw Fail("X-Sdk-Date is not yyyyMMddTHHmmssZ");
        if ((state.Now - signedAt).Duration() > MaxClockSkew) throw Fail("X-Sdk-Date differs from the server time by more than 15 minutes");

        AccessKeyRecord? key;
        lock (state.Sync) key = state.AccessKeys.GetValueOrDefault(parsed.AccessKey);
        if (key is null) throw Fail("unknown access key");
        if (key.SecurityToken is not null)
        {
            string? presented = request.Headers["X-Security-Token"].FirstOrDefault();
            if (presented is null || !FixedTimeEquals(presented, key.SecurityToken))
                throw Fail("a temporary access key needs the matching X-Security-Token");
        }

        string[] signedHeaders = parsed.SignedHeaders;
        if (!signedHeaders.Contains("x-sdk-date")) throw Fail("x-sdk-date must be a signed header");
        foreach (string name in signedHeaders)
            if (name.Length == 0 || name != name.ToLowerInvariant() || !request.Headers.ContainsKey(name))
                throw Fail($"signed header '{name}' is not in the request or not lower-case");

        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString);
        int q = rawTarget.IndexOf('?');
        string rawPath = q < 0 ? rawTarget : rawTarget[..q];
        string rawQuery = q < 0 ? "" : rawTarget[(q + 1)..];
        string payloadHash = request.Headers["X-Sdk-Content-Sha256"].FirstOrDefault() is { Length: > 0 } declared
            ? declared : SdkHmacSha256.HexSha256(body);

        string host = request.Headers.Host.ToString();
        if (Matches(host)) return;
        // A signer that signs the URL's host without the port (the .NET SDK does) is right against the real
        // service on 443; accept that here too, where the emulator always runs on an explicit port.
        string hostWithoutPort = StripPort(host);
        if (signedHeaders.Contains("host") && hostWithoutPort != host && Matches(hostWithoutPort)) return;
        throw Fail("signature mismatch");

        bool Matches(string hostValue)
        {
            string canonical = SdkHmacSha256.CanonicalRequest(request.Method, rawPath, rawQuery, signedHeaders,
                name => name == "host" ? hostValue : request.Headers[name].ToString(), payloadHash);
            string expected = SdkHmacSha256.Signature(key.SecretKey, SdkHmacSha256.StringToSign(sdkDate, canonical));
            return FixedTimeEquals(expected, parsed.Signature);
        }
    }

    private static string StripPort(string host)
    {
        int colon = host.LastIndexOf(':');
        return colon > 0 && colon > host.LastIndexOf(']') ? host[..colon] : host;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static ApigError Fail(string why) =>
        new(401, "APIG.0303", "Incorrect app authentication information: " + why);
}
