using System;
using System.Globalization;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Refuses password-protected keys and PFX files whose key derivation asks for more iterations than anyone uses,
    /// before any derivation runs: a file with two billion iterations would otherwise keep the command busy for hours,
    /// and BouncyCastle's own limit shows up as a failure that reads like a wrong password.
    /// </summary>
    internal static class KdfCost
    {
        internal const int MaxIterations = 5000000;

        private static readonly BigInteger Limit = BigInteger.ValueOf(MaxIterations);

        /// <summary>Throws when an encrypted PKCS#8 key's derivation is above the limit.</summary>
        internal static void EnsureAffordable(AlgorithmIdentifier encryption, RawInput input)
        {
            BigInteger? iterations = IterationsOf(encryption);
            if (iterations != null && iterations.CompareTo(Limit) > 0)
            {
                throw TooExpensive(input, iterations.ToString());
            }
        }

        /// <summary>Throws when the PFX's MAC or any of its encrypted parts asks for more iterations than the limit.</summary>
        internal static void EnsureAffordablePfx(byte[] pfxBytes, RawInput input)
        {
            BigInteger highest = BigInteger.Zero;
            try
            {
                Pfx pfx = Pfx.GetInstance(Asn1Object.FromByteArray(pfxBytes));
                if (pfx.MacData != null)
                {
                    highest = Max(highest, pfx.MacData.IterationCount);
                }

                if (PkcsObjectIdentifiers.Data.Equals(pfx.AuthSafe.ContentType))
                {
                    byte[] authSafeBytes = Asn1OctetString.GetInstance(pfx.AuthSafe.Content).GetOctets();
                    foreach (ContentInfo part in AuthenticatedSafe.GetInstance(Asn1Object.FromByteArray(authSafeBytes)).GetContentInfo())
                    {
                        if (PkcsObjectIdentifiers.EncryptedData.Equals(part.ContentType))
                        {
                            highest = Max(highest, IterationsOf(EncryptedData.GetInstance(part.Content).EncryptionAlgorithm));
                        }
                        else if (PkcsObjectIdentifiers.Data.Equals(part.ContentType))
                        {
                            byte[] bags = Asn1OctetString.GetInstance(part.Content).GetOctets();
                            foreach (Asn1Encodable element in Asn1Sequence.GetInstance(Asn1Object.FromByteArray(bags)))
                            {
                                SafeBag bag = SafeBag.GetInstance(element);
                                if (PkcsObjectIdentifiers.Pkcs8ShroudedKeyBag.Equals(bag.BagID))
                                {
                                    highest = Max(highest, IterationsOf(EncryptedPrivateKeyInfo.GetInstance(bag.BagValue).EncryptionAlgorithm));
                                }
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidCastException || ex is System.IO.IOException || ex is InvalidOperationException)
            {
                // An unusual layout is left to the store, which reports it in its own way.
                return;
            }

            if (highest.CompareTo(Limit) > 0)
            {
                throw TooExpensive(input, highest.ToString());
            }
        }

        /// <summary>BouncyCastle's own refusal of an iteration count, recognised so it is not reported as a wrong password.</summary>
        internal static bool IsIterationLimit(Exception ex) =>
            ex.Message.IndexOf("iteration count", StringComparison.OrdinalIgnoreCase) >= 0
            && (ex.Message.IndexOf("limit", StringComparison.OrdinalIgnoreCase) >= 0
                || ex.Message.IndexOf("greater than", StringComparison.OrdinalIgnoreCase) >= 0);

        internal static ApigInputException TooExpensive(RawInput input, string iterations)
        {
            string shown = long.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out long count)
                ? count.ToString("N0", CultureInfo.InvariantCulture)
                : iterations;
            return new ApigInputException("KeyDerivationTooExpensive", input.InputName,
                input.Description + " is protected with " + shown + " key-derivation (PBKDF2) iterations, more than the "
                + MaxIterations.ToString("N0", CultureInfo.InvariantCulture) + " this module accepts. It was refused as too expensive to open, "
                + "not because of the password. Export it again with a usual iteration count (for example 'openssl pkcs12 -export -iter 600000', "
                + "or 'openssl pkcs8 -topk8 -v2 aes256 -iter 600000').");
        }

        private static BigInteger? IterationsOf(AlgorithmIdentifier algorithm)
        {
            try
            {
                if (algorithm.Parameters == null)
                {
                    return null;
                }

                Asn1Sequence parameters = Asn1Sequence.GetInstance(algorithm.Parameters);
                if (PkcsObjectIdentifiers.IdPbeS2.Equals(algorithm.Algorithm))
                {
                    AlgorithmIdentifier derivation = AlgorithmIdentifier.GetInstance(parameters[0]);
                    if (!PkcsObjectIdentifiers.IdPbkdf2.Equals(derivation.Algorithm))
                    {
                        return null;
                    }

                    return DerInteger.GetInstance(Asn1Sequence.GetInstance(derivation.Parameters)[1]).Value;
                }

                // PKCS#12 and PKCS#5 v1 schemes: SEQUENCE { salt OCTET STRING, iterations INTEGER }.
                return parameters.Count >= 2 && parameters[1] is DerInteger count ? count.Value : null;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidCastException || ex is IndexOutOfRangeException)
            {
                return null;
            }
        }

        private static BigInteger Max(BigInteger current, BigInteger? candidate) =>
            candidate != null && candidate.CompareTo(current) > 0 ? candidate : current;
    }
}
