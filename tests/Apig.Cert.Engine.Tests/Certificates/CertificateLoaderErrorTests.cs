using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>Every failure is an ApigInputException with a stable id and input name, and leaks no key or password.</summary>
public sealed class CertificateLoaderErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string EcKeyFile() => _temp.Write("ec.key", EcLeaf.Pkcs8Pem);

    private string EcCertFile() => _temp.Write("ec.pem", EcLeaf.CertificatePem);

    [Fact]
    public void Missing_certificate_file_is_FileNotFound_naming_the_path()
    {
        string missing = Path.Combine(_temp.Path, "nope.pem");
        var error = AssertInputError(() => CertificateLoader.FromFiles(missing, EcKeyFile(), null), "FileNotFound", "CertificatePath");
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Missing_key_file_is_FileNotFound_for_the_key()
    {
        AssertInputError(() => CertificateLoader.FromFiles(EcCertFile(), Path.Combine(_temp.Path, "nope.key"), null), "FileNotFound", "PrivateKeyPath");
    }

    [Fact]
    public void Directory_is_PathIsDirectory()
    {
        AssertInputError(() => CertificateLoader.FromFiles(_temp.Path, EcKeyFile(), null), "PathIsDirectory", "CertificatePath");
        AssertInputError(() => CertificateLoader.FromPfxFile(_temp.Path, null), "PathIsDirectory", "PfxPath");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n\t \n")]
    [InlineData("\uFEFF \n")]
    public void Empty_or_whitespace_input_is_FileEmpty(string content)
    {
        string emptyKey = _temp.Write("empty.key", content);
        AssertInputError(() => CertificateLoader.FromFiles(EcCertFile(), emptyKey, null), "FileEmpty", "PrivateKeyPath");
        AssertInputError(() => CertificateLoader.FromPem(content, EcLeaf.Pkcs8Pem, null), "FileEmpty", "CertificatePem");
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, content, null), "FileEmpty", "PrivateKeyPem");
    }

    [Fact]
    public void Input_over_one_MiB_is_InputTooLarge()
    {
        string big = EcLeaf.CertificatePem + new string('#', 1024 * 1024);
        string bigPath = _temp.Write("big.pem", big);
        AssertInputError(() => CertificateLoader.FromFiles(bigPath, EcKeyFile(), null), "InputTooLarge", "CertificatePath");
        AssertInputError(() => CertificateLoader.FromPfxFile(bigPath, null), "InputTooLarge", "PfxPath");
        AssertInputError(() => CertificateLoader.FromPem(big, EcLeaf.Pkcs8Pem, null), "InputTooLarge", "CertificatePem");

        // Exactly at the limit is still read (and then fails only on content).
        string atLimit = _temp.Write("limit.pem", new string('x', 1024 * 1024));
        AssertInputError(() => CertificateLoader.FromFiles(atLimit, EcKeyFile(), null), "CertificateNotPem", "CertificatePath");
    }

    [Fact]
    public void Text_that_is_no_certificate_is_CertificateNotPem()
    {
        string notes = _temp.Write("notes.txt", "this is my certificate, trust me\n");
        var error = AssertInputError(() => CertificateLoader.FromFiles(notes, EcKeyFile(), null), "CertificateNotPem", "CertificatePath");
        Assert.Contains("BEGIN CERTIFICATE", error.Message);

        AssertInputError(() => CertificateLoader.FromPem("MIIB garbage", EcLeaf.Pkcs8Pem, null), "CertificateNotPem", "CertificatePem");
    }

    [Fact]
    public void Damaged_certificate_block_is_CertificateNotPem()
    {
        string damaged = EcLeaf.CertificatePem.Replace("\n", "\n!!", StringComparison.Ordinal).Replace("-----END", "\n-----END");
        var truncated = EcLeaf.CertificatePem[..200] + "\n-----END CERTIFICATE-----\n";
        AssertInputError(() => CertificateLoader.FromPem(damaged, EcLeaf.Pkcs8Pem, null), "CertificateNotPem", "CertificatePem");
        var error = AssertInputError(() => CertificateLoader.FromPem(truncated + Intermediate.CertificatePem, EcLeaf.Pkcs8Pem, null),
            "CertificateNotPem", "CertificatePem");
        Assert.Contains("block 1 of 2", error.Message);
    }

    [Fact]
    public void Certificate_signing_request_is_CertificateNotPem_that_says_so()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest("CN=csr.example.com", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var error = AssertInputError(() => CertificateLoader.FromPem(csr, EcLeaf.Pkcs8Pem, null), "CertificateNotPem", "CertificatePem");
        Assert.Contains("signing request", error.Message);
    }

    [Fact]
    public void Pfx_given_as_certificate_is_CertificateNotPem_pointing_to_PfxPath()
    {
        string pfx = _temp.Write("site.pfx", EcLeaf.WithKey.Export(X509ContentType.Pfx, PfxPassword));
        var error = AssertInputError(() => CertificateLoader.FromFiles(pfx, EcKeyFile(), null), "CertificateNotPem", "CertificatePath");
        Assert.Contains("-PfxPath", error.Message);
    }

    [Fact]
    public void Key_text_that_is_no_key_is_PrivateKeyNotPem()
    {
        string notes = _temp.Write("notes.key", "password123 is not a key\n");
        AssertInputError(() => CertificateLoader.FromFiles(EcCertFile(), notes, null), "PrivateKeyNotPem", "PrivateKeyPath");

        string damaged = EcLeaf.Pkcs8Pem.Replace("\n", "\n%", StringComparison.Ordinal).Replace("%-----END", "-----END");
        Remember(damaged);
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, damaged, null), "PrivateKeyNotPem", "PrivateKeyPem");
    }

    [Fact]
    public void Certificate_given_twice_is_PrivateKeyNotPem_that_asks_for_the_key()
    {
        var error = AssertInputError(() => CertificateLoader.FromFiles(EcCertFile(), EcCertFile(), null), "PrivateKeyNotPem", "PrivateKeyPath");
        Assert.Contains("certificate but no private key", error.Message);
    }

    [Fact]
    public void Ec_key_without_curve_and_without_EC_PARAMETERS_is_PrivateKeyNotPem()
    {
        string noCurve = Remember(PemEncoding.WriteString("EC PRIVATE KEY", Sec1WithoutCurve((ECDsa)EcLeaf.Key)));
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, noCurve, null), "PrivateKeyNotPem", "PrivateKeyPem");
    }

    [Fact]
    public void OpenSSH_key_is_PrivateKeyNotPem_with_conversion_hint()
    {
        string openSsh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n";
        var error = AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, openSsh, null), "PrivateKeyNotPem", "PrivateKeyPem");
        Assert.Contains("ssh-keygen", error.Message);
    }

    [Fact]
    public void Swapped_files_are_CertificateAndKeySwapped()
    {
        string keyAsCert = _temp.Write("cert.pem", RsaLeaf.Pkcs8Pem);
        string certAsKey = _temp.Write("key.pem", RsaLeaf.CertificatePem + Intermediate.CertificatePem);

        var error = AssertInputError(() => CertificateLoader.FromFiles(keyAsCert, certAsKey, null), "CertificateAndKeySwapped", "CertificatePath");

        Assert.Contains("swapped", error.Message);
        Assert.Contains("Exchange", error.Message);
        Assert.Contains("APIG", error.Message);
        Assert.Contains(keyAsCert, error.Message);
        Assert.Contains(certAsKey, error.Message);
    }

    [Fact]
    public void Swapped_like_the_APIG_page_example_is_CertificateAndKeySwapped()
    {
        // The API page's example puts the certificate in private_key and the key in cert_content, JSON-escaped.
        string certContent = "'" + EcLeaf.Pkcs8Pem.Replace("\n", "\\n") + "'";
        string privateKey = "'" + EcLeaf.CertificatePem.Replace("\n", "\\n") + "'";
        AssertInputError(() => CertificateLoader.FromPem(certContent, privateKey, null), "CertificateAndKeySwapped", "CertificatePem");
    }

    [Fact]
    public void Key_in_both_inputs_is_CertificateNotPem_saying_a_key_was_found()
    {
        var error = AssertInputError(() => CertificateLoader.FromPem(EcLeaf.Pkcs8Pem, EcLeaf.Pkcs8Pem, null), "CertificateNotPem", "CertificatePem");
        Assert.Contains("private key where a certificate was expected", error.Message);

        var derKey = _temp.Write("key-as-cert.der", EcLeaf.Key.ExportPkcs8PrivateKey());
        AssertInputError(() => CertificateLoader.FromFiles(derKey, EcKeyFile(), null), "CertificateNotPem", "CertificatePath");
    }

    [Fact]
    public void Encrypted_key_without_password_is_PrivateKeyPasswordRequired()
    {
        string encrypted = Remember(EcLeaf.Key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)));
        string legacy = Remember(LegacyEncryptedRsaPem((RSA)RsaLeaf.Key, KeyPassword));

        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, encrypted, null), "PrivateKeyPasswordRequired", "PrivateKeyPassword");
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, encrypted, Secure("")), "PrivateKeyPasswordRequired", "PrivateKeyPassword");
        AssertInputError(() => CertificateLoader.FromPem(RsaLeaf.CertificatePem, legacy, null), "PrivateKeyPasswordRequired", "PrivateKeyPassword");

        string derEncrypted = _temp.Write("enc.der", EcLeaf.Key.ExportEncryptedPkcs8PrivateKey(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        AssertInputError(() => CertificateLoader.FromFiles(EcCertFile(), derEncrypted, null), "PrivateKeyPasswordRequired", "PrivateKeyPassword");
        Assert.Equal(EcLeaf.Certificate.Thumbprint, CertificateLoader.FromFiles(EcCertFile(), derEncrypted, Secure(KeyPassword)).Thumbprint);
    }

    [Fact]
    public void Wrong_password_is_PrivateKeyPasswordIncorrect()
    {
        string encrypted = Remember(EcLeaf.Key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        string legacy = Remember(LegacyEncryptedRsaPem((RSA)RsaLeaf.Key, KeyPassword));

        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, encrypted, Secure(WrongPassword)),
            "PrivateKeyPasswordIncorrect", "PrivateKeyPassword");
        AssertInputError(() => CertificateLoader.FromPem(RsaLeaf.CertificatePem, legacy, Secure(WrongPassword)),
            "PrivateKeyPasswordIncorrect", "PrivateKeyPassword");
    }

    [Fact]
    public void Key_of_another_certificate_is_CertificateKeyMismatch()
    {
        var error = AssertInputError(() => CertificateLoader.FromPem(RsaLeaf.CertificatePem + Intermediate.CertificatePem, EcLeaf.Pkcs8Pem, null),
            "CertificateKeyMismatch", "PrivateKeyPem");
        Assert.Contains("CN=www.example.com", error.Message);

        // Same algorithm and curve, different key.
        AssertInputError(() => CertificateLoader.FromPem(ExpiredLeaf.CertificatePem, EcLeaf.Pkcs8Pem, null), "CertificateKeyMismatch", "PrivateKeyPem");
    }

    [Fact]
    public void Unrelated_certificate_in_the_chain_is_CertificateChainBroken_naming_it()
    {
        var error = AssertInputError(() => CertificateLoader.FromPem(
                EcLeaf.CertificatePem + OtherRoot.CertificatePem + Intermediate.CertificatePem, EcLeaf.Pkcs8Pem, null),
            "CertificateChainBroken", "CertificatePem");
        Assert.Contains("CN=Unrelated Root CA", error.Message);
    }

    [Fact]
    public void Root_without_the_intermediate_is_CertificateChainBroken()
    {
        string certPath = _temp.Write("gap.pem", RsaLeaf.CertificatePem + Root.CertificatePem);
        string keyPath = _temp.Write("gap.key", RsaLeaf.Pkcs8Pem);
        var error = AssertInputError(() => CertificateLoader.FromFiles(certPath, keyPath, null), "CertificateChainBroken", "CertificatePath");
        Assert.Contains("CN=Apig Test Root CA", error.Message);
    }

    [Fact]
    public void Same_issuer_name_but_wrong_signature_does_not_link()
    {
        // A CA with the intermediate's exact name but another key: names match, the signature does not.
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        IssuedCertificate impostor = Issue(new CertificateRequest(Intermediate.Certificate.SubjectName, impostorKey, HashAlgorithmName.SHA256),
            impostorKey, [], true, Now.AddYears(-1), Now.AddYears(1), Root);
        AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem + impostor.CertificatePem, EcLeaf.Pkcs8Pem, null),
            "CertificateChainBroken", "CertificatePem");
    }

    [Fact]
    public void Pfx_errors_have_their_own_ids()
    {
        byte[] pfx = new X509Certificate2Collection { EcLeaf.WithKey, Intermediate.Certificate }.Export(X509ContentType.Pfx, PfxPassword)!;
        string pfxPath = _temp.Write("site.pfx", pfx);
        AssertInputError(() => CertificateLoader.FromPfxFile(pfxPath, Secure(WrongPassword)), "PfxPasswordIncorrect", "PfxPassword");
        var noPassword = AssertInputError(() => CertificateLoader.FromPfxFile(pfxPath, null), "PfxPasswordRequired", "PfxPassword");
        Assert.Contains("-PfxPassword", noPassword.Message);
        Assert.Contains("No password was given", noPassword.Message);
        Assert.DoesNotContain("does not open", noPassword.Message);
        AssertInputError(() => CertificateLoader.FromPfxFile(pfxPath, Secure("")), "PfxPasswordRequired", "PfxPassword");

        string certsOnly = _temp.Write("certs.pfx",
            new X509Certificate2Collection { EcLeaf.Certificate, Intermediate.Certificate }.Export(X509ContentType.Pfx, PfxPassword)!);
        AssertInputError(() => CertificateLoader.FromPfxFile(certsOnly, Secure(PfxPassword)), "PfxHasNoPrivateKey", "PfxPath");

        var pem = AssertInputError(() => CertificateLoader.FromPfxFile(EcCertFile(), Secure(PfxPassword)), "PfxInvalid", "PfxPath");
        Assert.Contains("-CertificatePath", pem.Message);
        AssertInputError(() => CertificateLoader.FromPfxFile(Path.Combine(_temp.Path, "missing.pfx"), null), "FileNotFound", "PfxPath");
    }

    [Fact]
    public void Pfx_with_an_unrelated_extra_certificate_is_CertificateChainBroken()
    {
        string pfxPath = _temp.Write("extra.pfx",
            new X509Certificate2Collection { EcLeaf.WithKey, Intermediate.Certificate, OtherRoot.Certificate }.Export(X509ContentType.Pfx, PfxPassword)!);
        AssertInputError(() => CertificateLoader.FromPfxFile(pfxPath, Secure(PfxPassword)), "CertificateChainBroken", "PfxPath");
    }

    [Fact]
    public void X509Certificate2_without_private_key_is_CertificateHasNoPrivateKey()
    {
        var error = AssertInputError(() => CertificateLoader.FromX509(EcLeaf.Certificate, null), "CertificateHasNoPrivateKey", "Certificate");
        Assert.Contains(EcLeaf.Certificate.Thumbprint, error.Message);
    }

    [Fact]
    public void X509Certificate2_with_unrelated_chain_certificate_is_CertificateChainBroken()
    {
        AssertInputError(() => CertificateLoader.FromX509(EcLeaf.WithKey, [OtherRoot.Certificate]), "CertificateChainBroken", "Certificate");
    }
}

public sealed class CertificateLoaderAlgorithmTests
{
    [Fact]
    public void Dsa_key_is_PrivateKeyAlgorithmUnsupported()
    {
        using var dsa = System.Security.Cryptography.DSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName("CN=dsa.example.com"),
            new PublicKey(dsa), HashAlgorithmName.SHA256);
        using X509Certificate2 certificate = request.Create(Intermediate.Certificate.SubjectName,
            X509SignatureGenerator.CreateForECDsa((ECDsa)Intermediate.Key), Now.AddDays(-1), Now.AddDays(5), NewSerial());
        string keyPem = Remember(dsa.ExportPkcs8PrivateKeyPem());

        var error = AssertInputError(
            () => CertificateLoader.FromPem(PemEncoding.WriteString("CERTIFICATE", certificate.RawData), keyPem, null),
            "PrivateKeyAlgorithmUnsupported", "PrivateKeyPem");
        Assert.Contains("RSA and EC", error.Message);
    }
}
