using System;
using System.Collections.Generic;
using System.Globalization;
using SHA1 = System.Security.Cryptography.SHA1;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Pkcs;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Given a private key and a bag of certificates: finds the leaf that belongs to the key, orders the issuing
    /// chain behind it, rejects strays, and produces the <see cref="CertificateBundle"/>.
    /// </summary>
    internal static class BundleAssembler
    {
        internal static CertificateBundle Assemble(
            AsymmetricKeyParameter privateKey,
            IEnumerable<BcCertificate> certificates,
            RawInput certificateInput,
            RawInput keyInput)
        {
            string keyAlgorithm = KeyAlgorithmOf(privateKey, keyInput);
            List<BcCertificate> remaining = Distinct(certificates);

            var publicKeyMatcher = new PublicKeyMatcher(privateKey);
            BcCertificate? leaf = remaining.Find(c => publicKeyMatcher.Matches(c.GetPublicKey()));
            if (leaf == null)
            {
                var subjects = new List<string>();
                foreach (BcCertificate c in remaining)
                {
                    subjects.Add("'" + DistinguishedName.Format(c.SubjectDN) + "'");
                }

                throw new ApigInputException("CertificateKeyMismatch", keyInput.InputName,
                    "The private key in " + keyInput.Description + " does not belong to any certificate in "
                    + certificateInput.Description + " (found: " + string.Join(", ", subjects)
                    + "). Pass the key that was generated together with this certificate, or the certificate issued for this key.");
            }

            KeyProof.Ensure(privateKey, leaf.GetPublicKey(), keyInput);

            var chain = new List<BcCertificate> { leaf };
            remaining.Remove(leaf);
            BcCertificate current = leaf;
            while (remaining.Count > 0 && !IsSelfIssued(current))
            {
                BcCertificate? issuer = remaining.Find(candidate => Issued(candidate, current));
                if (issuer == null)
                {
                    break;
                }

                chain.Add(issuer);
                remaining.Remove(issuer);
                current = issuer;
            }

            if (remaining.Count > 0)
            {
                throw new ApigInputException("CertificateChainBroken", certificateInput.InputName,
                    "The certificate '" + DistinguishedName.Format(remaining[0].SubjectDN) + "' in " + certificateInput.Description
                    + " is not part of the issuing chain of '" + DistinguishedName.Format(leaf.SubjectDN)
                    + "' (no certificate in the chain was signed by it). Remove it, or add the missing intermediate certificate that links it.");
            }

            return CreateBundle(privateKey, keyAlgorithm, chain);
        }

        private static CertificateBundle CreateBundle(AsymmetricKeyParameter privateKey, string keyAlgorithm, List<BcCertificate> chain)
        {
            var chainPem = new StringBuilder();
            foreach (BcCertificate certificate in chain)
            {
                chainPem.Append(PemBlock.Encode("CERTIFICATE", certificate.GetEncoded()));
            }

            char[] privateKeyPem;
            byte[] keyDer = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetEncoded(Asn1Encodable.Der);
            try
            {
                privateKeyPem = PemBlock.EncodeChars("PRIVATE KEY", keyDer);
            }
            finally
            {
                Array.Clear(keyDer, 0, keyDer.Length);
            }

            BcCertificate leaf = chain[0];
            byte[] leafDer = leaf.GetEncoded();
            string thumbprint;
            using (SHA1 sha1 = SHA1.Create())
            {
                thumbprint = Hex.Upper(sha1.ComputeHash(leafDer));
            }

            return new CertificateBundle(
                chainPem.ToString(),
                privateKeyPem,
                DistinguishedName.Format(leaf.SubjectDN),
                DistinguishedName.CommonName(leaf.SubjectDN),
                DnsNamesOf(leaf),
                DistinguishedName.Format(leaf.IssuerDN),
                DistinguishedName.Parts(leaf.IssuerDN),
                SerialHex(leaf.SerialNumber),
                AsUtc(leaf.NotBefore),
                AsUtc(leaf.NotAfter),
                thumbprint,
                keyAlgorithm,
                chain.Count)
            {
                SignatureAlgorithmSource = () => SignatureAlgorithmName(leaf),
            };
        }

        private static string KeyAlgorithmOf(AsymmetricKeyParameter privateKey, RawInput keyInput)
        {
            if (privateKey is RsaKeyParameters)
            {
                return "RSA";
            }

            if (privateKey is ECPrivateKeyParameters)
            {
                return "EC";
            }

            throw new ApigInputException("PrivateKeyAlgorithmUnsupported", keyInput.InputName,
                "The private key in " + keyInput.Description + " is neither RSA nor EC; APIG accepts RSA and EC (P-256, P-384) keys. "
                + "Request a certificate with an RSA or EC key.");
        }

        private static List<BcCertificate> Distinct(IEnumerable<BcCertificate> certificates)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var distinct = new List<BcCertificate>();
            foreach (BcCertificate certificate in certificates)
            {
                if (seen.Add(Convert.ToBase64String(certificate.GetEncoded())))
                {
                    distinct.Add(certificate);
                }
            }

            return distinct;
        }

        /// <summary>Name link plus signature check: a matching name alone could be a different CA of the same name.</summary>
        private static bool Issued(BcCertificate issuer, BcCertificate subject)
        {
            if (!issuer.SubjectDN.Equivalent(subject.IssuerDN))
            {
                return false;
            }

            try
            {
                subject.Verify(issuer.GetPublicKey());
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static bool IsSelfIssued(BcCertificate certificate) => Issued(certificate, certificate);

        internal static IReadOnlyList<string> DnsNamesOf(BcCertificate certificate)
        {
            var names = new List<string>();
            Asn1OctetString? extension = certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName);
            if (extension == null)
            {
                return names;
            }

            GeneralNames generalNames = GeneralNames.GetInstance(Asn1Object.FromByteArray(extension.GetOctets()));
            foreach (GeneralName name in generalNames.GetNames())
            {
                if (name.TagNo == GeneralName.DnsName)
                {
                    names.Add(DerIA5String.GetInstance(name.Name).GetString());
                }
            }

            return names;
        }

        private static string SignatureAlgorithmName(BcCertificate certificate)
        {
            string name = certificate.SigAlgName;
            return string.IsNullOrEmpty(name) ? certificate.SigAlgOid : name;
        }

        internal static DateTime AsUtc(DateTime value) =>
            value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

        /// <summary>Compares a certificate's public key with the one the private key implies.</summary>
        private sealed class PublicKeyMatcher
        {
            private readonly RsaKeyParameters? _rsa;
            private readonly ECPoint? _ecPublicPoint;

            internal PublicKeyMatcher(AsymmetricKeyParameter privateKey)
            {
                _rsa = privateKey as RsaKeyParameters;
                if (privateKey is ECPrivateKeyParameters ec)
                {
                    _ecPublicPoint = new FixedPointCombMultiplier().Multiply(ec.Parameters.G, ec.D).Normalize();
                }
            }

            internal bool Matches(AsymmetricKeyParameter publicKey)
            {
                if (_rsa != null && publicKey is RsaKeyParameters rsaPublic)
                {
                    bool exponentMatches = !(_rsa is RsaPrivateCrtKeyParameters crt) || crt.PublicExponent.Equals(rsaPublic.Exponent);
                    return exponentMatches && _rsa.Modulus.Equals(rsaPublic.Modulus);
                }

                if (_ecPublicPoint != null && publicKey is ECPublicKeyParameters ecPublic)
                {
                    return _ecPublicPoint.Curve.Equals(ecPublic.Q.Curve)
                        && _ecPublicPoint.Equals(ecPublic.Q.Normalize());
                }

                return false;
            }
        }

        // Whole bytes of the positive integer, as Windows and X509Certificate2 show serials ("07A1...", not "7A1..."),
        // without the DER sign byte a high first bit would add.
        internal static string SerialHex(Org.BouncyCastle.Math.BigInteger serial)
        {
            byte[] bytes = serial.ToByteArrayUnsigned();
            return bytes.Length == 0 ? "00" : Hex.Upper(bytes);
        }
    }
}
