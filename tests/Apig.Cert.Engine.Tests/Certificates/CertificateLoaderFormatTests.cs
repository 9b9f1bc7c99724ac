using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

public sealed class CertificateLoaderFormatTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string ExpectedChain(params IssuedCertificate[] chain) =>
        string.Concat(chain.Select(c => PemEncoding.WriteString("CERTIFICATE", c.Certificate.RawData) + "\n"));

    /// <summary>The key the bundle hands out is unencrypted PKCS#8 and is the leaf's key.</summary>
    private static void AssertKeyBelongsTo(CertificateBundle bundle, IssuedCertificate leaf)
    {
        string keyPem = new string(bundle.GetPrivateKeyPem().Span);
        Remember(keyPem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", keyPem);
        Assert.EndsWith("-----END PRIVATE KEY-----\n", keyPem);
        Assert.DoesNotContain("\r", keyPem);
        using X509Certificate2 reloaded = bundle.KeyAlgorithm == "RSA"
            ? LoadRsa(leaf.Certificate, keyPem)
            : LoadEc(leaf.Certificate, keyPem);
        Assert.True(reloaded.HasPrivateKey);

        static X509Certificate2 LoadRsa(X509Certificate2 certificate, string pem)
        {
            using RSA rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return certificate.CopyWithPrivateKey(rsa); // throws when the key does not match the certificate
        }

        static X509Certificate2 LoadEc(X509Certificate2 certificate, string pem)
        {
            using ECDsa ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return certificate.CopyWithPrivateKey(ec);
        }
    }

    [Fact]
    public void Pkcs8_fullchain_gives_every_bundle_property()
    {
        string certPath = _temp.Write("fullchain.pem", RsaLeaf.CertificatePem + Intermediate.CertificatePem);
        string keyPath = _temp.Write("privkey.pem", RsaLeaf.Pkcs8Pem);

        CertificateBundle bundle = CertificateLoader.FromFiles(certPath, keyPath, null);

        X509Certificate2 leaf = RsaLeaf.Certificate;
        Assert.Equal(ExpectedChain(RsaLeaf, Intermediate), bundle.CertificateChainPem);
        Assert.Equal(2, bundle.ChainLength);
        Assert.Equal("CN=www.example.com, O=Example", bundle.Subject);
        Assert.Equal("www.example.com", bundle.CommonName);
        Assert.Equal(["www.example.com", "*.api.example.com"], bundle.DnsNames);
        Assert.Equal("CN=Apig Test Intermediate CA, O=Apig Tests", bundle.Issuer);
        Assert.Equal(leaf.SerialNumber, bundle.SerialNumber);
        Assert.Equal(leaf.Thumbprint, bundle.Thumbprint);
        Assert.Equal(leaf.NotAfter.ToUniversalTime(), bundle.NotAfter);
        Assert.Equal(leaf.NotBefore.ToUniversalTime(), bundle.NotBefore);
        Assert.Equal(DateTimeKind.Utc, bundle.NotAfter.Kind);
        Assert.Equal("RSA", bundle.KeyAlgorithm);
        Assert.Equal("SHA-256withECDSA", bundle.SignatureAlgorithm); // signed by the EC intermediate
        Assert.Equal("CN=www.example.com, O=Example (" + leaf.Thumbprint + ")", bundle.ToString());
        AssertKeyBelongsTo(bundle, RsaLeaf);
    }

    [Fact]
    public void Shuffled_chain_with_key_inside_the_same_file_and_CRLF_is_reordered_leaf_first()
    {
        string bundleText = (Intermediate.CertificatePem + RsaLeaf.Pkcs8Pem + "\n" + Root.CertificatePem + RsaLeaf.CertificatePem)
            .Replace("\n", "\r\n");
        string path = _temp.Write("combined.pem", bundleText);

        CertificateBundle bundle = CertificateLoader.FromFiles(path, path, null);

        Assert.Equal(ExpectedChain(RsaLeaf, Intermediate, Root), bundle.CertificateChainPem);
        Assert.Equal(3, bundle.ChainLength);
        Assert.Equal(RsaLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Fact]
    public void Bom_mixed_line_endings_and_surrounding_whitespace_are_accepted()
    {
        string certText = "\uFEFF  \n\n" + EcLeaf.CertificatePem.Replace("\n", "\r\n") + "\r" + Intermediate.CertificatePem + "\n\n  \t";
        string keyText = "\uFEFF\r\n" + EcLeaf.Pkcs8Pem + "   \r\n";
        string certPath = _temp.Write("bom.pem", certText);
        string keyPath = _temp.Write("bom.key", keyText);

        CertificateBundle fromFiles = CertificateLoader.FromFiles(certPath, keyPath, null);
        CertificateBundle fromStrings = CertificateLoader.FromPem(certText, keyText, null);

        Assert.Equal(ExpectedChain(EcLeaf, Intermediate), fromFiles.CertificateChainPem);
        Assert.Equal(fromFiles.CertificateChainPem, fromStrings.CertificateChainPem);
        Assert.Equal("EC", fromFiles.KeyAlgorithm);
    }

    [Fact]
    public void Utf16_file_written_by_Windows_PowerShell_is_accepted()
    {
        string certPath = _temp.Write("utf16.pem", [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes(EcLeaf.CertificatePem)]);
        string keyPath = _temp.Write("utf16.key", [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes(EcLeaf.Pkcs8Pem)]);

        Assert.Equal(EcLeaf.Certificate.Thumbprint, CertificateLoader.FromFiles(certPath, keyPath, null).Thumbprint);
    }

    [Fact]
    public void Pem_with_literal_backslash_n_escapes_as_in_the_APIG_request_example_is_accepted()
    {
        string certJsonStyle = "'" + EcLeaf.CertificatePem.Replace("\n", "\\n") + "'";
        string keyJsonStyle = "'" + EcLeaf.Pkcs8Pem.Replace("\n", "\\n") + "'";

        Assert.Equal(EcLeaf.Certificate.Thumbprint, CertificateLoader.FromPem(certJsonStyle, keyJsonStyle, null).Thumbprint);
    }

    [Fact]
    public void Encrypted_pkcs8_key_is_decrypted_with_the_password()
    {
        string encrypted = Remember(RsaLeaf.Key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        string certPath = _temp.Write("cert.pem", RsaLeaf.CertificatePem);
        string keyPath = _temp.Write("key.pem", encrypted);

        CertificateBundle bundle = CertificateLoader.FromFiles(certPath, keyPath, Secure(KeyPassword));

        Assert.Equal(RsaLeaf.Certificate.Thumbprint, bundle.Thumbprint);
        AssertKeyBelongsTo(bundle, RsaLeaf);
    }

    [Fact]
    public void Encrypted_pkcs8_with_pkcs12_triple_des_is_decrypted()
    {
        string encrypted = Remember(EcLeaf.Key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.TripleDes3KeyPkcs12, HashAlgorithmName.SHA1, 2048)));

        CertificateBundle bundle = CertificateLoader.FromPem(EcLeaf.CertificatePem, encrypted, Secure(KeyPassword));

        AssertKeyBelongsTo(bundle, EcLeaf);
    }

    [Fact]
    public void Pkcs1_rsa_private_key_is_accepted()
    {
        string pkcs1 = Remember(((RSA)RsaLeaf.Key).ExportRSAPrivateKeyPem());
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pkcs1);

        CertificateBundle bundle = CertificateLoader.FromPem(RsaLeaf.CertificatePem + Intermediate.CertificatePem, pkcs1, null);

        AssertKeyBelongsTo(bundle, RsaLeaf);
        Assert.Equal("RSA", bundle.KeyAlgorithm);
    }

    [Fact]
    public void Legacy_openssl_encrypted_rsa_key_is_decrypted()
    {
        string legacy = LegacyEncryptedRsaPem((RSA)RsaLeaf.Key, KeyPassword);
        Remember(legacy);

        CertificateBundle bundle = CertificateLoader.FromPem(RsaLeaf.CertificatePem, legacy, Secure(KeyPassword));

        AssertKeyBelongsTo(bundle, RsaLeaf);
    }

    [Fact]
    public void Sec1_ec_private_key_is_accepted_for_P256_and_P384()
    {
        string sec1 = Remember(((ECDsa)EcLeaf.Key).ExportECPrivateKeyPem());
        string sec1Of384 = Remember(((ECDsa)Ec384Leaf.Key).ExportECPrivateKeyPem());

        CertificateBundle p256 = CertificateLoader.FromPem(EcLeaf.CertificatePem, sec1, null);
        CertificateBundle p384 = CertificateLoader.FromPem(Ec384Leaf.CertificatePem + Intermediate.CertificatePem, sec1Of384, null);

        AssertKeyBelongsTo(p256, EcLeaf);
        AssertKeyBelongsTo(p384, Ec384Leaf);
        Assert.Equal("EC", p384.KeyAlgorithm);
        Assert.Equal(ExpectedChain(Ec384Leaf, Intermediate), p384.CertificateChainPem);
    }

    [Fact]
    public void Sec1_key_after_an_EC_PARAMETERS_block_takes_its_curve_from_that_block()
    {
        string withParameters = EcParametersPem("1.2.840.10045.3.1.7")
            + Remember(PemEncoding.WriteString("EC PRIVATE KEY", Sec1WithoutCurve((ECDsa)EcLeaf.Key))) + "\n";
        string withEmbeddedCurve = EcParametersPem("1.2.840.10045.3.1.7") + Remember(((ECDsa)EcLeaf.Key).ExportECPrivateKeyPem());

        AssertKeyBelongsTo(CertificateLoader.FromPem(EcLeaf.CertificatePem, withParameters, null), EcLeaf);
        AssertKeyBelongsTo(CertificateLoader.FromPem(EcLeaf.CertificatePem, withEmbeddedCurve, null), EcLeaf);
    }

    [Fact]
    public void Der_certificate_and_der_pkcs8_key_files_are_accepted()
    {
        byte[] keyDer = RsaLeaf.Key.ExportPkcs8PrivateKey();
        Remember(PemEncoding.WriteString("PRIVATE KEY", keyDer));
        string certPath = _temp.Write("leaf.cer", RsaLeaf.Certificate.RawData);
        string keyPath = _temp.Write("leaf.key.der", keyDer);

        CertificateBundle bundle = CertificateLoader.FromFiles(certPath, keyPath, null);

        Assert.Equal(ExpectedChain(RsaLeaf), bundle.CertificateChainPem);
        AssertKeyBelongsTo(bundle, RsaLeaf);
    }

    [Fact]
    public void Duplicate_certificates_in_the_chain_are_sent_once()
    {
        CertificateBundle bundle = CertificateLoader.FromPem(
            EcLeaf.CertificatePem + Intermediate.CertificatePem + EcLeaf.CertificatePem + Intermediate.CertificatePem, EcLeaf.Pkcs8Pem, null);

        Assert.Equal(ExpectedChain(EcLeaf, Intermediate), bundle.CertificateChainPem);
    }

    [Fact]
    public void Serial_number_is_the_positive_integer_in_upper_hex_without_sign_byte()
    {
        IssuedCertificate leaf = IssueEcLeaf("serial.example.com", [], Now.AddDays(-1), Now.AddDays(5), serial: [0x00, 0x9F, 0x0A, 0xBC]);
        Assert.Equal("009F0ABC", leaf.Certificate.SerialNumber); // .NET shows the DER bytes including the sign byte

        CertificateBundle bundle = CertificateLoader.FromPem(leaf.CertificatePem, leaf.Pkcs8Pem, null);

        Assert.Equal("9F0ABC", bundle.SerialNumber);
        Assert.Empty(bundle.DnsNames);
    }

    [Fact]
    public void Pfx_file_yields_leaf_first_chain_and_key()
    {
        var collection = new X509Certificate2Collection { Root.Certificate, RsaLeaf.WithKey, Intermediate.Certificate };
        string pfxPath = _temp.Write("site.pfx", collection.Export(X509ContentType.Pfx, PfxPassword)!);

        CertificateBundle bundle = CertificateLoader.FromPfxFile(pfxPath, Secure(PfxPassword));

        Assert.Equal(ExpectedChain(RsaLeaf, Intermediate, Root), bundle.CertificateChainPem);
        AssertKeyBelongsTo(bundle, RsaLeaf);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Pfx_without_password_opens_without_password(string? exportPassword)
    {
        string pfxPath = _temp.Write("open.pfx", EcLeaf.WithKey.Export(X509ContentType.Pfx, exportPassword));

        Assert.Equal(EcLeaf.Certificate.Thumbprint, CertificateLoader.FromPfxFile(pfxPath, null).Thumbprint);
        Assert.Equal(EcLeaf.Certificate.Thumbprint, CertificateLoader.FromPfxFile(pfxPath, Secure("")).Thumbprint);
    }

    [Fact]
    public void X509Certificate2_with_key_and_chain_collection_is_exported_and_ordered()
    {
        using X509Certificate2 fromStore = X509CertificateLoader.LoadPkcs12(
            EcLeaf.WithKey.Export(X509ContentType.Pfx, PfxPassword), PfxPassword, X509KeyStorageFlags.Exportable);
        var chain = new X509Certificate2Collection { Root.Certificate, fromStore, Intermediate.Certificate };

        CertificateBundle bundle = CertificateLoader.FromX509(fromStore, chain);

        Assert.Equal(ExpectedChain(EcLeaf, Intermediate, Root), bundle.CertificateChainPem);
        AssertKeyBelongsTo(bundle, EcLeaf);
        Assert.Equal(CertificateLoader.FromX509(fromStore, null).CertificateChainPem, ExpectedChain(EcLeaf));
    }

    [Fact]
    public void Subject_escapes_special_characters_rfc4514_style()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=shop.example.com, O=\"Smith, Jones + Co\"", key, HashAlgorithmName.SHA256);
        IssuedCertificate leaf = Issue(request, key, ["shop.example.com"], false, Now.AddDays(-1), Now.AddDays(5), Intermediate);

        CertificateBundle bundle = CertificateLoader.FromPem(leaf.CertificatePem, leaf.Pkcs8Pem, null);

        Assert.Equal("CN=shop.example.com, O=Smith\\, Jones \\+ Co", bundle.Subject);
    }
}
