using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// A certificate chain and its private key, parsed and checked once, ready to send.
    /// The private key is reachable only through <see cref="GetPrivateKeyPem"/> (a method, so no formatter,
    /// serializer or Format-List ever shows it).
    /// </summary>
    public sealed class CertificateBundle
    {
        private readonly string _privateKeyPem;

        internal CertificateBundle(
            string certificateChainPem,
            string privateKeyPem,
            string subject,
            string commonName,
            IReadOnlyList<string> dnsNames,
            string issuer,
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
        public string SignatureAlgorithm { get; internal set; } = string.Empty;

        /// <summary>Number of certificates in <see cref="CertificateChainPem"/> (leaf included).</summary>
        public int ChainLength { get; }

        /// <summary>Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), LF line endings. Call only at the moment of sending.</summary>
        public string GetPrivateKeyPem() => _privateKeyPem;

        public override string ToString() => Subject + " (" + Thumbprint + ")";
    }
}
