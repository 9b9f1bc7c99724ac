using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>Key Vault's shapes: a base64 PKCS#12 and one PEM with certificate, chain and key.</summary>
public class SecretInputTests
{
    private static string PfxBase64(IssuedCertificate leaf, string? password, params IssuedCertificate[] chain)
    {
        var collection = new X509Certificate2Collection { leaf.WithKey };
        foreach (IssuedCertificate link in chain) collection.Add(link.Certificate);
        return Convert.ToBase64String(password == null ? collection.Export(X509ContentType.Pkcs12)! : collection.Export(X509ContentType.Pkcs12, password)!);
    }

    [Fact]
    public void APasswordlessPfxInBase64LoadsFromAStringOrASecureString()
    {
        string base64 = PfxBase64(TestPki.RsaLeaf, null, TestPki.Intermediate);
        foreach (SecretTextInput input in new[] { SecretTextInput.FromString(base64), SecretTextInput.FromSecureString(TestPki.Secure(base64)) })
        {
            using CertificateBundle bundle = CertificateLoader.FromPfxBase64(input, null, "PfxBase64", "PfxPassword", "the base64 PKCS#12 of -PfxBase64");
            Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, bundle.Thumbprint);
            Assert.Equal(2, bundle.ChainLength);
        }
    }

    [Fact]
    public void AProtectedPfxNeedsItsPassword()
    {
        string base64 = PfxBase64(TestPki.EcLeaf, TestPki.PfxPassword);
        SecretTextInput input = SecretTextInput.FromString(base64);
        TestPki.AssertInputError(() => CertificateLoader.FromPfxBase64(input, null, "PfxBase64", "PfxPassword", "-PfxBase64"), "PfxPasswordRequired", "PfxPassword");
        using CertificateBundle bundle = CertificateLoader.FromPfxBase64(input, TestPki.Secure(TestPki.PfxPassword), "PfxBase64", "PfxPassword", "-PfxBase64");
        Assert.Equal(TestPki.EcLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Theory]
    [InlineData("not base64 at all!", "PfxBase64Invalid")]
    [InlineData("   ", "FileEmpty")]
    [InlineData("aGVsbG8gd29ybGQ=", "PfxInvalid")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "PfxBase64IsPem")]
    public void BadBase64IsNamed(string text, string errorId)
    {
        ApigInputException error = TestPki.AssertInputError(
            () => CertificateLoader.FromPfxBase64(SecretTextInput.FromString(text), null, "CertificateSecret", "PfxPassword", "the Key Vault secret of -CertificateSecret"),
            errorId, "CertificateSecret");
        Assert.Contains("-CertificateSecret", error.Message);
    }

    [Fact]
    public void APemSecretInAnyOrderGivesLeafChainAndKey()
    {
        string pem = TestPki.RsaLeaf.Pkcs8Pem + TestPki.Intermediate.CertificatePem + TestPki.RsaLeaf.CertificatePem;
        using CertificateBundle bundle = CertificateLoader.FromPemSecret(SecretTextInput.FromSecureString(TestPki.Secure(pem)), null, "CertificateSecret", "PfxPassword", "the secret");
        Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, bundle.Thumbprint);
        Assert.Equal(2, bundle.ChainLength);
        Assert.StartsWith(TestPki.RsaLeaf.CertificatePem.Replace("\r", string.Empty).Trim(), bundle.CertificateChainPem.Trim());
    }

    [Theory]
    [InlineData("certificate only", "PrivateKeyNotPem")]
    [InlineData("key only", "CertificateNotPem")]
    [InlineData("no pem", "SecretNotPem")]
    [InlineData("foreign key", "CertificateKeyMismatch")]
    public void APemSecretWithoutItsPartsIsNamed(string shape, string errorId)
    {
        string pem = shape switch
        {
            "certificate only" => TestPki.RsaLeaf.CertificatePem,
            "key only" => TestPki.RsaLeaf.Pkcs8Pem,
            "no pem" => "MIIKXgIBAzCCChQGCSqGSIb3DQEHAaCCCgUEggoBMIIJ",
            _ => TestPki.OtherLeaf.Pkcs8Pem + TestPki.RsaLeaf.CertificatePem,
        };
        TestPki.AssertInputError(() => CertificateLoader.FromPemSecret(SecretTextInput.FromString(pem), null, "CertificateSecret", "PfxPassword", "the secret"),
            errorId, "CertificateSecret");
    }

    [Fact]
    public void TheCacheKeyNamesTheInputNotItsContent()
    {
        string base64 = PfxBase64(TestPki.RsaLeaf, null);
        var secure = TestPki.Secure(base64);
        CertificateSource a = CertificateSource.FromPfxBase64(SecretTextInput.FromSecureString(secure), null, "PfxBase64", "x");
        CertificateSource b = CertificateSource.FromPfxBase64(SecretTextInput.FromSecureString(secure), null, "PfxBase64", "x");
        CertificateSource c = CertificateSource.FromPfxBase64(SecretTextInput.FromString(base64), null, "PfxBase64", "x");
        Assert.Equal(a.CacheKey, b.CacheKey);
        Assert.NotEqual(a.CacheKey, c.CacheKey);
        Assert.DoesNotContain(base64.Substring(0, 20), c.CacheKey + a.CacheKey);
    }
}
