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
    public static readonly IReadOnlyList<string> AttachConflicts = ["refuse", "replace"];
    public static readonly IReadOnlyList<string> GlobalTrustedRootCaBehaviours = ["refuse", "accept"];
    public static readonly IReadOnlyList<string> AttachedDomainsEntryKinds = ["perPort", "perName"];
    public static readonly IReadOnlyList<string> AttachOmittedVerifyBehaviours = ["ca", "keep"];
    public static readonly IReadOnlyList<string> DomainCertificateShapes = ["detail", "goModel"];
    public static readonly IReadOnlyList<string> OmittedTrustedRootCaBehaviours = ["clear", "keep"];
    public static readonly IReadOnlyList<string> VerifyWithoutCertificateBehaviours = ["keep", "refuse"];
    public static readonly IReadOnlyList<string> CcmExpireTimeFormats = ["datetime", "epochMillisString", "epochMillisNumber"];
    public const int MaxBatchDomainsLimit = 100_000;
    public const int MaxPropagationDelaySec = 3600;

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

    /// <summary>
    /// Attaching a certificate to a domain that holds a different one of the same algorithm: "refuse" (400 APIG.2051,
    /// the error table's "a domain name cannot be bound with different certificates") or "replace" (the other is
    /// unbound; a legacy upload is then deleted, as the legacy bind does).
    /// </summary>
    public string AttachConflict { get; init; } = "refuse";

    /// <summary>ListCertificatesV2 with instance_id: whether the project's global certificates are listed too.</summary>
    public bool ListIncludesGlobal { get; init; } = true;

    /// <summary>
    /// Whether certificates uploaded with the legacy per-domain call are in the store. False: the store calls
    /// (list, show, update, delete, attach, detach, attached domains) do not know them (404 APIG.3025, or absent).
    /// </summary>
    public bool StoreListsLegacyUploads { get; init; } = true;

    /// <summary>Longest domains[] the certificate-side batch accepts; beyond it 400 APIG.2000.</summary>
    public int MaxBatchDomains { get; init; } = 1000;

    /// <summary>The 400 error code DeleteCertificateV2 answers for a certificate that is still bound.</summary>
    public string DeleteBoundCertificateCode { get; init; } = "APIG.2000";

    /// <summary>A global certificate with trusted_root_ca: "refuse" (TF: only instance certificates support it, 400 APIG.2012) or "accept".</summary>
    public string GlobalTrustedRootCa { get; init; } = "refuse";

    /// <summary>ListAttachedDomainsV2: "perPort" (one entry per enabled ingress port of a name, as the docs say) or "perName".</summary>
    public string AttachedDomainsEntries { get; init; } = "perPort";

    /// <summary>
    /// An attach without verified_client_certificate_enabled: "ca" sets the domain's flag to whether the certificate
    /// has a trusted root CA (GO: "defaults on when the bound certificate has a CA"); "keep" leaves the flag.
    /// </summary>
    public string AttachOmittedVerify { get; init; } = "ca";

    /// <summary>UpdateCertificateV2 on a bound certificate: false applies it whatever it covers; true refuses (400 APIG.2103) content that does not cover every bound domain.</summary>
    public bool UpdateChecksBoundDomains { get; init; }

    /// <summary>An UpdateCertificateV2 without trusted_root_ca: "clear" the certificate's CA (the whole-form rule) or "keep" it.</summary>
    public string UpdateOmittedTrustedRootCa { get; init; } = "clear";

    /// <summary>
    /// UpdateDomainV2 turning verified_client_certificate_enabled on for a domain without a bound certificate ("effective
    /// only with a bound certificate"): "keep" stores and reports it; "refuse" answers 400 APIG.2012.
    /// </summary>
    public string VerifyWithoutCertificate { get; init; } = "keep";

    /// <summary>
    /// ShowDetailsOfDomainNameCertificateV2's answer: "detail" (CertificateDetail, as the managed-certificates doc says)
    /// or "goModel" (apig-api.md §3.3: without is_has_trusted_root_ca and algorithm_type).
    /// </summary>
    public string DomainCertificateShape { get; init; } = "detail";

    /// <summary>Seconds a binding change takes to reach the data plane; until then it serves what it served before.</summary>
    public int PropagationDelaySec { get; init; }

    /// <summary>Whether CCM refuses a request without X-Domain-Id (the SDK signs CCM with the account's domain id: UNCONFIRMED).</summary>
    public bool CcmRequiresDomainId { get; init; }

    /// <summary>The form of CCM's expire_time ("string" in the SDK): "datetime" (yyyy-MM-dd HH:mm:ss.f UTC), "epochMillisString", "epochMillisNumber".</summary>
    public string CcmExpireTimeFormat { get; init; } = "datetime";

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
