using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>
/// The key proof signs with the platform's RSA, which takes only primes of half the modulus length each. A key whose
/// primes differ in length (valid RSA, made by some tools) must still be proven, by BouncyCastle, both ways: intact it
/// loads, with its private exponent altered it is refused.
/// </summary>
public sealed class UnevenRsaKeyTests
{
    private static readonly Lazy<(string CertificatePem, BcBigInteger[] Parts)> Uneven = new(CreateUnevenKeyAndCertificate);

    [Fact]
    public void Rsa_key_with_primes_of_unequal_length_loads()
    {
        (string certificatePem, BcBigInteger[] parts) = Uneven.Value;
        using CertificateBundle bundle = CertificateLoader.FromPem(certificatePem, Pkcs1Pem(parts), null);
        Assert.Equal("RSA", bundle.KeyAlgorithm);
        Assert.Contains("uneven.example.com", bundle.DnsNames);
    }

    [Fact]
    public void Rsa_key_with_primes_of_unequal_length_and_an_altered_exponent_is_refused_as_PrivateKeyDamaged()
    {
        (string certificatePem, BcBigInteger[] parts) = Uneven.Value;
        BcBigInteger[] damaged = (BcBigInteger[])parts.Clone();
        damaged[2] = damaged[2].FlipBit(700);
        AssertInputError(() => CertificateLoader.FromPem(certificatePem, Pkcs1Pem(damaged), null), "PrivateKeyDamaged", "PrivateKeyPem");
    }

    // n, e, d, p, q, dP, dQ, qInv with p of 1100 bits and q of 948: a 2048-bit modulus the platform will not import.
    private static (string, BcBigInteger[]) CreateUnevenKeyAndCertificate()
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        BcBigInteger e = BcBigInteger.ValueOf(65537);
        BcBigInteger p, q, n;
        do
        {
            p = BcBigInteger.ProbablePrime(1100, random);
            q = BcBigInteger.ProbablePrime(948, random);
            n = p.Multiply(q);
        }
        while (n.BitLength != 2048 || !p.Subtract(BcBigInteger.One).Gcd(e).Equals(BcBigInteger.One) || !q.Subtract(BcBigInteger.One).Gcd(e).Equals(BcBigInteger.One));

        BcBigInteger phi = p.Subtract(BcBigInteger.One).Multiply(q.Subtract(BcBigInteger.One));
        BcBigInteger d = e.ModInverse(phi);
        BcBigInteger[] parts = [n, e, d, p, q, d.Mod(p.Subtract(BcBigInteger.One)), d.Mod(q.Subtract(BcBigInteger.One)), q.ModInverse(p)];

        using RSA publicKey = RSA.Create();
        publicKey.ImportParameters(new RSAParameters { Modulus = n.ToByteArrayUnsigned(), Exponent = e.ToByteArrayUnsigned() });
        var request = new CertificateRequest("CN=uneven.example.com", publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("uneven.example.com");
        request.CertificateExtensions.Add(san.Build());
        X509SignatureGenerator signer = X509SignatureGenerator.CreateForRSA((RSA)Root.Key, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.Create(Root.Certificate.SubjectName, signer, Now.AddDays(-1), Now.AddDays(30), NewSerial());
        return (PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n" + Root.CertificatePem, parts);
    }

    private static string Pkcs1Pem(BcBigInteger[] parts)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            foreach (BcBigInteger part in parts)
            {
                writer.WriteIntegerUnsigned(part.ToByteArrayUnsigned());
            }
        }

        return Remember(PemEncoding.WriteString("RSA PRIVATE KEY", writer.Encode()));
    }
}
