using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// A certificate chain and its private key, parsed and checked once, ready to send.
    /// The private key is reachable only through <see cref="GetPrivateKeyPem"/> (a method, so no formatter,
    /// serializer or Format-List ever shows it). It is held in a char array, never a string, so
    /// <see cref="Dispose"/> can overwrite it when the command that loaded it ends.
    /// </summary>
    public sealed class CertificateBundle : IDisposable
    {
        private readonly char[] _privateKeyPem;
        private volatile bool _disposed;
        private string? _signatureAlgorithm;

        internal CertificateBundle(
            string certificateChainPem,
            char[] privateKeyPem,
            string subject,
            string commonName,
            IReadOnlyList<string> dnsNames,
            string issuer,
            IReadOnlyList<string> issuerParts,
            string serialNumber,
            DateTime notBeforeUtc,
            DateTime notAfterUtc,
            string thumbprint,
            string keyAlgorithm,
            int chainLength)
        {
            CertificateChainPem = certificateChainPem;
            _privateKeyPem = privateKeyPem;
            Subject = subject;
            CommonName = commonName;
            DnsNames = dnsNames;
            Issuer = issuer;
            IssuerParts = issuerParts;
            SerialNumber = serialNumber;
            NotBefore = notBeforeUtc;
            NotAfter = notAfterUtc;
            Thumbprint = thumbprint;
            KeyAlgorithm = keyAlgorithm;
            ChainLength = chainLength;
        }

        /// <summary>Leaf first, then the intermediates in issuing order; LF line endings; ends with a newline.</summary>
        public string CertificateChainPem { get; }

        /// <summary>Leaf subject, e.g. "CN=www.example.com, O=Example".</summary>
        public string Subject { get; }

        /// <summary>Leaf CN, or empty when the subject has none.</summary>
        public string CommonName { get; }

        /// <summary>The leaf's subjectAltName dNSName entries, in certificate order.</summary>
        public IReadOnlyList<string> DnsNames { get; }

        public string Issuer { get; }

        /// <summary>
        /// The issuer's attributes as "CN=Corp CA", "O=Corp", ... in encoding order (root-most first), values raw, not
        /// escaped: the shape APIG's issuer[] takes, for comparing with it exactly.
        /// </summary>
        public IReadOnlyList<string> IssuerParts { get; }

        /// <summary>Leaf serial number, upper-case hex without separators.</summary>
        public string SerialNumber { get; }

        /// <summary>UTC.</summary>
        public DateTime NotBefore { get; }

        /// <summary>UTC.</summary>
        public DateTime NotAfter { get; }

        /// <summary>SHA-1 of the leaf's DER encoding, upper-case hex (the Windows certificate-store thumbprint).</summary>
        public string Thumbprint { get; }

        /// <summary>"RSA" or "EC".</summary>
        public string KeyAlgorithm { get; }

        /// <summary>Leaf signature algorithm as BouncyCastle names it, e.g. "SHA-256withRSA" or "SHA-256withECDSA".</summary>
        /// <remarks>
        /// Named on first read: BouncyCastle's table of algorithm names costs a process's first bind some twenty
        /// milliseconds, and binding never needs the name.
        /// </remarks>
        public string SignatureAlgorithm => _signatureAlgorithm ??= SignatureAlgorithmSource?.Invoke() ?? string.Empty;

        internal Func<string>? SignatureAlgorithmSource { private get; set; }

        /// <summary>Number of certificates in <see cref="CertificateChainPem"/> (leaf included).</summary>
        public int ChainLength { get; }

        /// <summary>
        /// Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), LF line endings, ASCII. Call only at the moment of sending, and
        /// write it from the span without making a string of it. All zeros after <see cref="Dispose"/>.
        /// </summary>
        public ReadOnlyMemory<char> GetPrivateKeyPem()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(CertificateBundle), "The private key was cleared when the command that loaded it ended.");
            }

            return _privateKeyPem;
        }

        /// <summary>True once every character of the private key held here is zero (a hook for the tests).</summary>
        internal bool IsPrivateKeyCleared => Array.TrueForAll(_privateKeyPem, c => c == '\0');

        /// <summary>Overwrites the private key. The certificate data stays readable; the key is gone for good.</summary>
        public void Dispose()
        {
            _disposed = true;
            Array.Clear(_privateKeyPem, 0, _privateKeyPem.Length);
        }

        public override string ToString() => Subject + " (" + Thumbprint + ")";
    }
}
