using System;
using System.Collections.Generic;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Lists every certificate bag of a PFX. Pkcs12Store only exposes certificates it can reach from a key by
    /// issuer links, so a stray or gap-leaving certificate would vanish silently; reading the bags directly lets
    /// the chain check see (and report) them like it does for PEM input.
    /// </summary>
    internal static class PfxCertificateBags
    {
        /// <summary>All certificates in the PFX, or null when its layout is one this reader does not handle.</summary>
        internal static List<BcCertificate>? TryReadAll(byte[] pfxBytes, PasswordChars password)
        {
            try
            {
                Pfx pfx = Pfx.GetInstance(Asn1Object.FromByteArray(pfxBytes));
                if (!PkcsObjectIdentifiers.Data.Equals(pfx.AuthSafe.ContentType))
                {
                    return null;
                }

                byte[] authSafeBytes = Asn1OctetString.GetInstance(pfx.AuthSafe.Content).GetOctets();
                AuthenticatedSafe authSafe = AuthenticatedSafe.GetInstance(Asn1Object.FromByteArray(authSafeBytes));
                var certificates = new List<BcCertificate>();
                foreach (ContentInfo part in authSafe.GetContentInfo())
                {
                    byte[] bagsBytes;
                    if (PkcsObjectIdentifiers.Data.Equals(part.ContentType))
                    {
                        bagsBytes = Asn1OctetString.GetInstance(part.Content).GetOctets();
                    }
                    else if (PkcsObjectIdentifiers.EncryptedData.Equals(part.ContentType))
                    {
                        EncryptedData encrypted = EncryptedData.GetInstance(part.Content);
                        bagsBytes = Decrypt(encrypted.EncryptionAlgorithm, password, encrypted.Content.GetOctets());
                    }
                    else
                    {
                        return null;
                    }

                    foreach (Asn1Encodable element in Asn1Sequence.GetInstance(Asn1Object.FromByteArray(bagsBytes)))
                    {
                        SafeBag bag = SafeBag.GetInstance(element);
                        if (!PkcsObjectIdentifiers.CertBag.Equals(bag.BagID))
                        {
                            continue;
                        }

                        CertBag certBag = CertBag.GetInstance(bag.BagValue);
                        if (!PkcsObjectIdentifiers.X509Certificate.Equals(certBag.CertID))
                        {
                            continue;
                        }

                        BcCertificate? certificate = InputContents.TryParseCertificate(Asn1OctetString.GetInstance(certBag.CertValue).GetOctets());
                        if (certificate != null)
                        {
                            certificates.Add(certificate);
                        }
                    }
                }

                return certificates;
            }
            catch (Exception)
            {
                // The store has already verified the password; failing here only means an unusual layout.
                return null;
            }
        }

        private static byte[] Decrypt(Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier algorithm, PasswordChars password, byte[] data)
        {
            var cipher = (IBufferedCipher)PbeUtilities.CreateEngine(algorithm);
            cipher.Init(false, PbeUtilities.GenerateCipherParameters(algorithm, password.Copy(), false));
            return cipher.DoFinal(data);
        }
    }
}
