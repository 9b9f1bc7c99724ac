namespace Apig.Emulator;

/// <summary>
/// A certificate of Huawei Cloud Certificate Manager (CCM, service scm), seeded through the admin API. The private
/// key is kept for the export call only; nothing else prints it.
/// </summary>
public sealed class CcmCertificateRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Domain { get; init; }
    public required IReadOnlyList<string> Sans { get; init; }
    /// <summary>ISSUED, EXPIRED, UPLOAD, ... as CCM lists them.</summary>
    public required string Status { get; set; }
    public required string SignatureAlgorithm { get; init; }
    /// <summary>The leaf alone, as export's certificate.</summary>
    public required string CertificatePem { get; init; }
    /// <summary>The intermediates after the leaf (export's certificate_chain); empty for a self-issued leaf.</summary>
    public required string ChainPem { get; init; }
    internal string PrivateKeyPem { get; init; } = "";
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required string Thumbprint { get; init; }
    public required string SerialNumberHex { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    /// <summary>The certificate this one re-issues (CCM makes a new certificate 30 days before expiry), or null.</summary>
    public string? ReissuedFrom { get; init; }

    public override string ToString() => $"CcmCertificateRecord {{ Id = {Id}, Name = {Name} }}";
}
