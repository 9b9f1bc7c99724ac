using System.Numerics;

namespace Apig.Emulator;

/// <summary>
/// One value per point the API documents leave UNCONFIRMED. The defaults follow the newest source; the admin
/// settings call switches each, so a client is tested against every plausible answer.
/// </summary>
public sealed record ApiVariants
{
    public static readonly IReadOnlyList<string> SslInfoTypeFormats = ["number", "string"];
    public static readonly IReadOnlyList<string> SerialNumberFormats = ["decimal", "hex", "colon"];
    public static readonly IReadOnlyList<int> UpdateDomainStatuses = [200, 201];
    public static readonly IReadOnlyList<string> OmittedRedirectBehaviours = ["keep", "reset"];
    public static readonly IReadOnlyList<string> MinSslVersions = ["TLSv1.1", "TLSv1.2"];
    public static readonly IReadOnlyList<string> Languages = ["en-us", "zh-cn"];

    /// <summary>"number": ssl_infos[].type 1/2 (the Go SDK since 2026-02-05); "string": "instance"/"global" (before).</summary>
    public string SslInfoTypeFormat { get; init; } = "number";

    /// <summary>"decimal" (a Go service printing a big integer), "hex" (upper-case) or "colon" (lower-case bytes, ':').</summary>
    public string SerialNumberFormat { get; init; } = "decimal";

    /// <summary>UpdateDomainV2's success status: 200 (en-us page) or 201 (current zh page).</summary>
    public int UpdateDomainStatus { get; init; } = 200;

    /// <summary>An UpdateDomainV2 without is_http_redirect_to_https: "keep" the domain's value, or "reset" it to false.</summary>
    public string UpdateDomainOmittedRedirect { get; init; } = "keep";

    /// <summary>AssociateDomainV2's min_ssl_version when the body has none: TLSv1.1 (API page) or TLSv1.2 (TF: by region).</summary>
    public string DefaultMinSslVersion { get; init; } = "TLSv1.1";

    /// <summary>The language of error_msg for a request without X-Language (one with it gets its own language).</summary>
    public string DefaultLanguage { get; init; } = "en-us";

    public object SslInfoType(CertificateScope scope) =>
        SslInfoTypeFormat == "string"
            ? scope == CertificateScope.Global ? "global" : "instance"
            : (int)scope;

    public string SerialNumber(byte[] derContent) => FormatSerialNumber(derContent, SerialNumberFormat);

    /// <param name="derContent">The INTEGER's content octets as they stand in the certificate (big-endian, two's complement).</param>
    public static string FormatSerialNumber(byte[] derContent, string format) => format switch
    {
        "hex" => Convert.ToHexString(derContent),
        "colon" => string.Join(':', derContent.Select(b => b.ToString("x2"))),
        // Signed, as DER encodes it and as Go's big.Int prints it.
        _ => new BigInteger(derContent, isUnsigned: false, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
