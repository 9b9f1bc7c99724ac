using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Apig.Emulator.Tests;

/// <summary>Real certificates made in the test with .NET's CertificateRequest. Keys are generated once per run.</summary>
internal static class TestPki
{
    private static readonly Lazy<RSA[]> RsaKeys = new(() => Enumerable.Range(0, 4).Select(_ => RSA.Create(2048)).ToArray());
    private static readonly Lazy<ECDsa[]> EcKeys = new(() => Enumerable.Range(0, 2).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToArray());

    public static RSA Rsa(int index) => RsaKeys.Value[index];
    public static ECDsa Ec(int index) => EcKeys.Value[index];

    public sealed record Issued(X509Certificate2 Certificate, AsymmetricAlgorithm Key)
    {
        public string CertificatePem => Certificate.ExportCertificatePem();
        public string Pkcs8KeyPem => Key switch
        {
            RSA rsa => rsa.ExportPkcs8PrivateKeyPem(),
            ECDsa ec => ec.ExportPkcs8PrivateKeyPem(),
            _ => throw new NotSupportedException(),
        };
    }

    public static Issued SelfSigned(AsymmetricAlgorithm key, string commonName, string[]? dnsNames = null,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, RSASignaturePadding? rsaPadding = null)
    {
        CertificateRequest request = Request(key, commonName, dnsNames, isCa: false, rsaPadding);
        X509Certificate2 cert = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(90));
        return new Issued(cert, key);
    }

    public static Issued CreateCa(AsymmetricAlgorithm key, string commonName, Issued? issuer = null) =>
        issuer is null
            ? new Issued(Request(key, commonName, null, isCa: true).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddYears(5)), key)
            : Issue(issuer, key, commonName, null, isCa: true);

    public static Issued Issue(Issued issuer, AsymmetricAlgorithm key, string commonName, string[]? dnsNames,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool isCa = false, byte[]? serialNumber = null)
    {
        CertificateRequest request = Request(key, commonName, dnsNames, isCa);
        X509SignatureGenerator generator = issuer.Key switch
        {
            RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
            ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
            _ => throw new NotSupportedException(),
        };
        byte[] serial = serialNumber ?? RandomNumberGenerator.GetBytes(12);
        if (serialNumber is null) serial[0] &= 0x7F;
        X509Certificate2 cert = request.Create(issuer.Certificate.SubjectName, generator,
            notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(90), serial);
        return new Issued(cert, key);
    }

    /// <param name="dnsNames">Null: a leaf gets its common name as its one DNS SAN (APIG refuses SAN-less leaves);
    /// empty: no SAN extension at all.</param>
    private static CertificateRequest Request(AsymmetricAlgorithm key, string commonName, string[]? dnsNames, bool isCa,
        RSASignaturePadding? rsaPadding = null)
    {
        if (!isCa) dnsNames ??= [commonName];
        var subject = new X500DistinguishedName($"CN={commonName}, O=Emulator Tests, C=CN");
        CertificateRequest request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, rsaPadding ?? RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(),
        };
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, isCa));
        if (dnsNames is { Length: > 0 })
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames) san.AddDnsName(dns);
            request.CertificateExtensions.Add(san.Build());
        }
        return request;
    }
}
