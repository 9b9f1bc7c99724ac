using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>A certificate with its key, plus the PEM forms the tests feed to the loader.</summary>
public sealed class IssuedCertificate
{
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The certificate with its private key attached (exportable).</summary>
    public required X509Certificate2 WithKey { get; init; }

    public required AsymmetricAlgorithm Key { get; init; }

    public string CertificatePem => PemEncoding.WriteString("CERTIFICATE", Certificate.RawData) + "\n";

    public string Pkcs8Pem => TestPki.Remember(Key.ExportPkcs8PrivateKeyPem());
}

/// <summary>
/// One small PKI made with .NET APIs for the whole test run: RSA root, EC intermediate, RSA and EC leaves,
/// an unrelated CA, and leaves outside their validity window. Built once because RSA key generation is slow.
/// </summary>
public static class TestPki
{
    public const string KeyPassword = "c0rrect-Horse-battery";
    public const string PfxPassword = "pfx-Secret-7391";
    public const string WrongPassword = "wrong-Guess-5512";

    private static readonly List<string> Secrets = [KeyPassword, PfxPassword, WrongPassword];
    private static readonly Lazy<Pki> Instance = new(() => new Pki());

    public static DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    public static IssuedCertificate Root => Instance.Value.Root;
    public static IssuedCertificate Intermediate => Instance.Value.Intermediate;
    public static IssuedCertificate RsaLeaf => Instance.Value.RsaLeaf;
    public static IssuedCertificate EcLeaf => Instance.Value.EcLeaf;
    public static IssuedCertificate Ec384Leaf => Instance.Value.Ec384Leaf;
    public static IssuedCertificate ExpiredLeaf => Instance.Value.ExpiredLeaf;
    public static IssuedCertificate FutureLeaf => Instance.Value.FutureLeaf;
    public static IssuedCertificate OtherRoot => Instance.Value.OtherRoot;
    public static IssuedCertificate OtherLeaf => Instance.Value.OtherLeaf;

    /// <summary>Adds every base64 line of a key PEM (and passwords) to the list no error message may contain.</summary>
    public static string Remember(string secretPem)
    {
        lock (Secrets)
        {
            foreach (string line in secretPem.Split('\n', '\r'))
            {
                if (line.Length >= 16 && !line.StartsWith("-----", StringComparison.Ordinal) && !line.Contains(':'))
                {
                    Secrets.Add(line);
                }
            }
        }

        return secretPem;
    }

    /// <summary>Runs the action, expects an ApigInputException with this id and input, and checks it leaks nothing.</summary>
    public static ApigInputException AssertInputError(Action action, string errorId, string inputName)
    {
        var exception = Assert.Throws<ApigInputException>(action);
        Assert.True(errorId == exception.ErrorId, $"expected {errorId}, got {exception.ErrorId}: {exception.Message}");
        Assert.Equal(inputName, exception.InputName);
        AssertNoSecrets(exception.ToString());
        return exception;
    }

    public static void AssertNoSecrets(string text)
    {
        lock (Secrets)
        {
            foreach (string secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), "text leaks secret material: " + secret[..6] + "...");
            }
        }
    }

    public static System.Security.SecureString Secure(string value)
    {
        var secure = new System.Security.SecureString();
        foreach (char c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public static IssuedCertificate IssueEcLeaf(
        string? commonName, string[] dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter, IssuedCertificate? issuer = null, byte[]? serial = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string subject = commonName == null ? "O=No Common Name Ltd" : $"CN={commonName}, O=Example";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return Issue(request, key, dnsNames, false, notBefore, notAfter, issuer ?? Intermediate, serial);
    }

    /// <summary>
    /// Serial bytes start 0x01..0x7F so .NET's SerialNumber (raw bytes) and the bundle's (integer hex) agree.
    /// </summary>
    public static byte[] NewSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] = (byte)(serial[0] % 0x7F + 1);
        return serial;
    }

    internal static IssuedCertificate Issue(
        CertificateRequest request, AsymmetricAlgorithm key, string[] dnsNames, bool isCa,
        DateTimeOffset notBefore, DateTimeOffset notAfter, IssuedCertificate? issuer, byte[]? serial = null)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (string dnsName in dnsNames)
            {
                san.AddDnsName(dnsName);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        X509Certificate2 withKey;
        if (issuer == null)
        {
            withKey = request.CreateSelfSigned(notBefore, notAfter);
        }
        else
        {
            // The generator overload lets an RSA CA sign an EC leaf and vice versa.
            X509SignatureGenerator signer = issuer.Key switch
            {
                RSA rsaIssuer => X509SignatureGenerator.CreateForRSA(rsaIssuer, RSASignaturePadding.Pkcs1),
                ECDsa ecIssuer => X509SignatureGenerator.CreateForECDsa(ecIssuer),
                _ => throw new NotSupportedException(),
            };
            using X509Certificate2 created = request.Create(issuer.Certificate.SubjectName, signer, notBefore, notAfter, serial ?? NewSerial());
            withKey = key switch
            {
                RSA rsa => created.CopyWithPrivateKey(rsa),
                ECDsa ec => created.CopyWithPrivateKey(ec),
                _ => throw new NotSupportedException(),
            };
        }

        Remember(key.ExportPkcs8PrivateKeyPem());
        return new IssuedCertificate
        {
            Certificate = X509CertificateLoader.LoadCertificate(withKey.RawData),
            WithKey = withKey,
            Key = key,
        };
    }

    /// <summary>SEC1 "EC PRIVATE KEY" DER without the curve inside, as some tools write it next to an "EC PARAMETERS" block.</summary>
    public static byte[] Sec1WithoutCurve(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(true);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteOctetString(parameters.D);
        }

        return writer.Encode();
    }

    public static string EcParametersPem(string curveOid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(curveOid);
        return PemEncoding.WriteString("EC PARAMETERS", writer.Encode()) + "\n";
    }

    /// <summary>
    /// The legacy OpenSSL "Proc-Type: 4,ENCRYPTED" PEM with AES-128-CBC: key = MD5(password || first 8 IV bytes),
    /// which is OpenSSL's EVP_BytesToKey with one round (enough bytes for AES-128).
    /// </summary>
    public static string LegacyEncryptedRsaPem(RSA key, string password)
    {
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] aesKey = MD5.HashData([.. System.Text.Encoding.UTF8.GetBytes(password), .. iv[..8]]);
        using var aes = Aes.Create();
        aes.Key = aesKey;
        byte[] encrypted = aes.EncryptCbc(key.ExportRSAPrivateKey(), iv, PaddingMode.PKCS7);
        string body = PemEncoding.WriteString("RSA PRIVATE KEY", encrypted);
        string[] lines = body.Split('\n');
        return lines[0] + "\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + Convert.ToHexString(iv) + "\n\n"
            + string.Join("\n", lines[1..]) + "\n";
    }

    private sealed class Pki
    {
        public Pki()
        {
            DateTimeOffset now = Now;
            var rootKey = RSA.Create(2048);
            Root = Issue(new CertificateRequest("CN=Apig Test Root CA, O=Apig Tests", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                rootKey, [], true, now.AddYears(-10), now.AddYears(20), null);

            var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Intermediate = Issue(new CertificateRequest("CN=Apig Test Intermediate CA, O=Apig Tests", intermediateKey, HashAlgorithmName.SHA256),
                intermediateKey, [], true, now.AddYears(-5), now.AddYears(10), Root);

            var rsaLeafKey = RSA.Create(2048);
            RsaLeaf = Issue(new CertificateRequest("CN=www.example.com, O=Example", rsaLeafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                rsaLeafKey, ["www.example.com", "*.api.example.com"], false, now.AddDays(-1), now.AddDays(90), Intermediate);

            EcLeaf = IssueEcLeaf("ec.example.com", ["ec.example.com"], now.AddDays(-1), now.AddDays(90), Intermediate);

            var ec384Key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            Ec384Leaf = Issue(new CertificateRequest("CN=p384.example.com", ec384Key, HashAlgorithmName.SHA384),
                ec384Key, ["p384.example.com"], false, now.AddDays(-1), now.AddDays(90), Intermediate);

            ExpiredLeaf = IssueEcLeaf("old.example.com", ["old.example.com"], now.AddDays(-100), now.AddDays(-10), Intermediate);
            FutureLeaf = IssueEcLeaf("soon.example.com", ["soon.example.com"], now.AddDays(10), now.AddDays(100), Intermediate);

            var otherRootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            OtherRoot = Issue(new CertificateRequest("CN=Unrelated Root CA", otherRootKey, HashAlgorithmName.SHA256),
                otherRootKey, [], true, now.AddYears(-1), now.AddYears(5), null);
            OtherLeaf = IssueEcLeaf("other.example.org", ["other.example.org"], now.AddDays(-1), now.AddDays(30), OtherRoot);
        }

        public IssuedCertificate Root { get; }
        public IssuedCertificate Intermediate { get; }
        public IssuedCertificate RsaLeaf { get; }
        public IssuedCertificate EcLeaf { get; }
        public IssuedCertificate Ec384Leaf { get; }
        public IssuedCertificate ExpiredLeaf { get; }
        public IssuedCertificate FutureLeaf { get; }
        public IssuedCertificate OtherRoot { get; }
        public IssuedCertificate OtherLeaf { get; }
    }
}

/// <summary>A temporary directory for test files, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("apig-cert-tests-").FullName;
    }

    public string Path { get; }

    public string Write(string fileName, string text)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string fileName, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
