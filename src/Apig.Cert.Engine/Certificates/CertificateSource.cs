using System;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// One way the user handed us a certificate, with a key that says when two inputs are the same, so a batch of
    /// 500 piped domains parses the files once, not 500 times.
    /// </summary>
    public sealed class CertificateSource
    {
        private readonly Func<CertificateBundle> _load;

        private CertificateSource(string cacheKey, string description, Func<CertificateBundle> load)
        {
            CacheKey = cacheKey;
            Description = description;
            _load = load;
        }

        /// <summary>Identity of the input (paths, sizes, timestamps, content hashes): never secret material.</summary>
        public string CacheKey { get; }

        /// <summary>What the user gave, for messages: file names, never content.</summary>
        public string Description { get; }

        public CertificateBundle Load() => _load();

        public static CertificateSource FromFiles(string certificatePath, string privateKeyPath, SecureString? privateKeyPassword) =>
            new CertificateSource(
                "files|" + FileIdentity(certificatePath) + "|" + FileIdentity(privateKeyPath) + "|" + SecretIdentity(privateKeyPassword),
                certificatePath + " + " + privateKeyPath,
                () => CertificateLoader.FromFiles(certificatePath, privateKeyPath, privateKeyPassword));

        public static CertificateSource FromPfxFile(string pfxPath, SecureString? pfxPassword) =>
            new CertificateSource(
                "pfx|" + FileIdentity(pfxPath) + "|" + SecretIdentity(pfxPassword),
                pfxPath,
                () => CertificateLoader.FromPfxFile(pfxPath, pfxPassword));

        public static CertificateSource FromX509(X509Certificate2 certificate) =>
            new CertificateSource(
                "x509|" + certificate.Thumbprint + "|" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(certificate),
                "certificate " + certificate.Subject,
                () => CertificateLoader.FromX509(certificate, null));

        public static CertificateSource FromPem(string certificatePem, string privateKeyPem, SecureString? privateKeyPassword) =>
            new CertificateSource(
                "pem|" + Sha256Hex(certificatePem) + "|" + Sha256Hex(privateKeyPem) + "|" + SecretIdentity(privateKeyPassword),
                "-CertificatePem",
                () => CertificateLoader.FromPem(certificatePem, privateKeyPem, privateKeyPassword));

        /// <summary>A base64 PKCS#12 (-PfxBase64, or a Key Vault secret of content type application/x-pkcs12).</summary>
        public static CertificateSource FromPfxBase64(SecretTextInput base64, SecureString? pfxPassword, string inputName, string description) =>
            new CertificateSource(
                "pfx64|" + inputName + "|" + base64.Identity + "|" + SecretIdentity(pfxPassword),
                description,
                () => CertificateLoader.FromPfxBase64(base64, pfxPassword, inputName, "PfxPassword", description));

        /// <summary>One PEM text with the certificate and its key (a Key Vault secret of content type application/x-pem-file).</summary>
        public static CertificateSource FromPemSecret(SecretTextInput pem, SecureString? password, string inputName, string description) =>
            new CertificateSource(
                "pemsecret|" + inputName + "|" + pem.Identity + "|" + SecretIdentity(password),
                description,
                () => CertificateLoader.FromPemSecret(pem, password, inputName, "PfxPassword", description));

        /// <summary>
        /// A certificate fetched from a service (a CCM export): <paramref name="cacheKey"/> names the service and the
        /// certificate, so a command exports it once; <paramref name="load"/> fetches and parses it.
        /// </summary>
        public static CertificateSource Fetched(string cacheKey, string description, Func<CertificateBundle> load) =>
            new CertificateSource("fetched|" + cacheKey, description, load);

        /// <summary>Reads a SecureString at the moment of use; the caller must not keep the result longer than needed.</summary>
        public static string ReadSecureString(SecureString value) => SecretText.Reveal(value);

        // A changed file (renewed certificate written over the old one) must not be served from the cache.
        private static string FileIdentity(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? path + "@" + info.Length + ":" + info.LastWriteTimeUtc.Ticks : path + "@missing";
            }
            catch (Exception ex) when (ex is ArgumentException || ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return path + "@unreadable";
            }
        }

        // Which password object was used, not what it says: two parses with different password objects are simply parsed twice.
        private static string SecretIdentity(SecureString? secret) =>
            secret is null ? "-" : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(secret).ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Sha256Hex(string text)
        {
            using (var sha = SHA256.Create())
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                byte[] hash = sha.ComputeHash(utf8);
                Array.Clear(utf8, 0, utf8.Length);
                return Hex.Lower(hash);
            }
        }
    }
}
