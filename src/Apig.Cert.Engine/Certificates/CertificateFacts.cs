using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Apig.Cert.Engine.Primitives;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// What a certificate we did not load ourselves (one a server sent) says of itself, read the same way as a local
    /// certificate (<see cref="BundleAssembler"/>), so that a served leaf and what APIG reports of a bound one are
    /// compared by the one identity rule (<see cref="CertificateIdentity"/>). Public material only.
    /// </summary>
    public sealed class CertificateFacts
    {
        private CertificateFacts(BcCertificate certificate, byte[] der)
        {
            using (SHA1 sha1 = SHA1.Create())
            {
                Thumbprint = Hex.Upper(sha1.ComputeHash(der));
            }

            Subject = DistinguishedName.Format(certificate.SubjectDN);
            CommonName = DistinguishedName.CommonName(certificate.SubjectDN);
            Issuer = DistinguishedName.Format(certificate.IssuerDN);
            IssuerParts = DistinguishedName.Parts(certificate.IssuerDN);
            SerialNumber = BundleAssembler.SerialHex(certificate.SerialNumber);
            NotBefore = BundleAssembler.AsUtc(certificate.NotBefore);
            NotAfter = BundleAssembler.AsUtc(certificate.NotAfter);
            DnsNames = BundleAssembler.DnsNamesOf(certificate);
            KeyAlgorithm = KeyAlgorithmOf(certificate);
        }

        /// <summary>The facts of a DER certificate; null when the bytes are not one.</summary>
        public static CertificateFacts? FromDer(byte[]? der)
        {
            BcCertificate? certificate = InputContents.TryParseCertificate(der);
            return certificate is null ? null : new CertificateFacts(certificate, der!);
        }

        /// <summary>SHA-1 of the DER, upper-case hex (what Windows and X509Certificate2 call the thumbprint).</summary>
        public string Thumbprint { get; }

        public string Subject { get; }

        public string CommonName { get; }

        public string Issuer { get; }

        /// <summary>The issuer's attributes as "CN=value" parts, as APIG lists issuer[].</summary>
        public IReadOnlyList<string> IssuerParts { get; }

        /// <summary>Upper-case hex, whole bytes.</summary>
        public string SerialNumber { get; }

        public DateTime NotBefore { get; }

        public DateTime NotAfter { get; }

        public IReadOnlyList<string> DnsNames { get; }

        /// <summary>RSA or ECC as APIG names the algorithms (SM2 keys are EC keys too and show as ECC), or the key's own name.</summary>
        public string KeyAlgorithm { get; }

        /// <summary>The host-name rule of TLS clients (RFC 6125): the SAN DNS names, wildcards one label, the CN only without SANs.</summary>
        public bool Covers(string hostName) => CertificateRules.Covers(DnsNames, CommonName, hostName);

        /// <summary>
        /// Whether what APIG reports of a bound certificate describes this one: serial as a number, issuer exactly,
        /// NotAfter to the second (the API gives no thumbprint). SANs are left out: APIG may list them in another form.
        /// </summary>
        public bool IsDescribedBy(string? apiSerialNumber, IReadOnlyList<string>? apiIssuer, DateTimeOffset? apiNotAfter) =>
            CertificateIdentity.IsSame(apiSerialNumber, apiIssuer, apiNotAfter, null, SerialNumber, IssuerParts, NotAfter, DnsNames);

        // From the key's algorithm identifier alone: decoding an RSA key makes BouncyCastle test its modulus for
        // primality, tens of milliseconds per served certificate, for a name.
        private static string KeyAlgorithmOf(BcCertificate certificate)
        {
            string oid = certificate.CertificateStructure.SubjectPublicKeyInfo.Algorithm.Algorithm.Id;
            switch (oid)
            {
                case "1.2.840.113549.1.1.1":
                case "1.2.840.113549.1.1.10":
                    return "RSA";
                case "1.2.840.10045.2.1":
                    return "ECC";
                default:
                    return oid;
            }
        }
    }
}
