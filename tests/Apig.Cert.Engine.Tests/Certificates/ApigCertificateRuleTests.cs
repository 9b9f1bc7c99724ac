using System.Formats.Asn1;
using System.Security.Cryptography;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>APIG's own refusals (APIG.2109, APIG.3148) and a damaged private key are caught before anything is sent.</summary>
public sealed class ApigCertificateRuleTests
{
    private static readonly DateTimeOffset Limit = new(2038, 1, 19, 3, 14, 7, TimeSpan.Zero);

    private static PreparedBinding Prepare(CertificateBundle bundle, string? domainName = null) =>
        DomainCertificateBinder.Prepare(TestSessions.Domain, domainName, bundle, null, "CertificatePath", DateTime.UtcNow);

    private static CertificateBundle Load(IssuedCertificate leaf) => CertificateLoader.FromPem(leaf.CertificatePem, leaf.Pkcs8Pem, null);

    [Fact]
    public void Certificate_naming_its_host_only_in_the_CN_is_refused_as_APIG_2109()
    {
        using CertificateBundle cnOnly = Load(IssueEcLeaf("cn-only.example.com", [], Now.AddDays(-1), Now.AddDays(30)));
        var error = AssertInputError(() => Prepare(cnOnly), "CertificateHasNoDnsName", "CertificatePath");
        Assert.Contains("APIG.2109", error.Message);
        Assert.Contains("cn-only.example.com", error.Message);
        AssertInputError(() => Prepare(cnOnly, "cn-only.example.com"), "CertificateHasNoDnsName", "CertificatePath");
    }

    [Fact]
    public void Certificate_expiring_at_or_after_2038_01_19_03_14_07_is_refused_as_APIG_3148()
    {
        using CertificateBundle atLimit = Load(IssueEcLeaf("late.example.com", ["late.example.com"], Now.AddDays(-1), Limit));
        using CertificateBundle later = Load(IssueEcLeaf("late.example.com", ["late.example.com"], Now.AddDays(-1), Limit.AddYears(10)));
        using CertificateBundle justBefore = Load(IssueEcLeaf("late.example.com", ["late.example.com"], Now.AddDays(-1), Limit.AddSeconds(-1)));

        var error = AssertInputError(() => Prepare(atLimit), "CertificateExpiresTooLate", "CertificatePath");
        Assert.Contains("APIG.3148", error.Message);
        Assert.Contains("2038-01-19 03:14:07", error.Message);
        AssertInputError(() => Prepare(later), "CertificateExpiresTooLate", "CertificatePath");
        Assert.Equal(justBefore.Thumbprint, Prepare(justBefore, "late.example.com").Bundle.Thumbprint);
    }

    public static TheoryData<string> RsaParts => new() { "d", "dp", "dq", "qinv", "p" };

    /// <summary>The public half (n, e) stays intact, so the key still "matches" the certificate; only a signature shows the damage.</summary>
    [Theory]
    [MemberData(nameof(RsaParts))]
    public void Rsa_key_with_an_altered_private_part_is_refused_as_PrivateKeyDamaged(string part)
    {
        var rsa = (RSA)RsaLeaf.Key;
        RSAParameters p = rsa.ExportParameters(true);
        byte[] Flip(byte[] value)
        {
            byte[] copy = (byte[])value.Clone();
            copy[copy.Length / 2] ^= 0x5A;
            return copy;
        }

        string pkcs1 = Remember(PemEncoding.WriteString("RSA PRIVATE KEY", Pkcs1(
            p.Modulus!, p.Exponent!,
            part == "d" ? Flip(p.D!) : p.D!,
            part == "p" ? Flip(p.P!) : p.P!,
            p.Q!,
            part == "dp" ? Flip(p.DP!) : p.DP!,
            part == "dq" ? Flip(p.DQ!) : p.DQ!,
            part == "qinv" ? Flip(p.InverseQ!) : p.InverseQ!)));

        var error = AssertInputError(() => CertificateLoader.FromPem(RsaLeaf.CertificatePem + Intermediate.CertificatePem, pkcs1, null),
            "PrivateKeyDamaged", "PrivateKeyPem");
        Assert.Contains("damaged", error.Message);
    }

    [Fact]
    public void Intact_rsa_and_ec_keys_pass_the_signature_round_trip()
    {
        var rsa = (RSA)RsaLeaf.Key;
        RSAParameters p = rsa.ExportParameters(true);
        string pkcs1 = Remember(PemEncoding.WriteString("RSA PRIVATE KEY", Pkcs1(p.Modulus!, p.Exponent!, p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!)));
        using CertificateBundle rsaBundle = CertificateLoader.FromPem(RsaLeaf.CertificatePem + Intermediate.CertificatePem, pkcs1, null);
        Assert.Equal("RSA", rsaBundle.KeyAlgorithm);
        using CertificateBundle ecBundle = CertificateLoader.FromPem(EcLeaf.CertificatePem, EcLeaf.Pkcs8Pem, null);
        Assert.Equal("EC", ecBundle.KeyAlgorithm);
    }

    [Fact]
    public void Ec_key_with_an_altered_scalar_is_refused_locally()
    {
        var ec = (ECDsa)EcLeaf.Key;
        ECParameters parameters = ec.ExportParameters(true);
        parameters.D![^1] ^= 0x01;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteOctetString(parameters.D);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            {
                writer.WriteObjectIdentifier("1.2.840.10045.3.1.7");
            }
        }

        string sec1 = Remember(PemEncoding.WriteString("EC PRIVATE KEY", writer.Encode()));
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, sec1, null), "CertificateKeyMismatch", "PrivateKeyPem");
    }

    private static byte[] Pkcs1(byte[] n, byte[] e, byte[] d, byte[] p, byte[] q, byte[] dp, byte[] dq, byte[] qinv)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            foreach (byte[] value in new[] { n, e, d, p, q, dp, dq, qinv })
            {
                // RSAParameters pads D, DP, DQ and InverseQ to a fixed length; DER wants the minimal form.
                int start = 0;
                while (start < value.Length - 1 && value[start] == 0)
                {
                    start++;
                }

                writer.WriteIntegerUnsigned(value.AsSpan(start));
            }
        }

        return writer.Encode();
    }
}
