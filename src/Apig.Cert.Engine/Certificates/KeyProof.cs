using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Proves that a private key works, not only that its public half matches the certificate: a key whose private part
    /// was altered (d, a CRT prime or exponent) still matches the modulus, and APIG then answers only the generic APIG.2106.
    /// </summary>
    internal static class KeyProof
    {
        /// <summary>Signs a random challenge and verifies it with the certificate's public key; checks the RSA parts agree.</summary>
        internal static void Ensure(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter certificatePublicKey, RawInput keyInput)
        {
            bool works;
            try
            {
                works = privateKey is RsaKeyParameters rsa
                    ? RsaPartsAgree(rsa) && (PlatformRsaRoundTrip(rsa, certificatePublicKey) ?? RoundTrip("SHA-256withRSA", rsa, certificatePublicKey))
                    : RoundTrip("SHA-256withECDSA", privateKey, certificatePublicKey);
            }
            catch (Exception ex) when (ex is CryptoException || ex is ArgumentException || ex is InvalidOperationException || ex is ArithmeticException)
            {
                // The exception is dropped on purpose: a library message about a key could quote part of it.
                works = false;
            }

            if (!works)
            {
                throw new ApigInputException("PrivateKeyDamaged", keyInput.InputName,
                    "The private key in " + keyInput.Description + " matches the certificate's public key, but its private part is damaged: "
                    + "a signature made with it does not verify against the certificate. Export the key again from where it was generated "
                    + "(or from the original PFX); a key edited or corrupted in transit cannot be uploaded.");
            }
        }

        /// <summary>
        /// The signing round trip with a CRT key uses p, q, dP, dQ and qInv but never d, which the service may use; so
        /// the parts are checked against each other. With p·q = n (then p and q are n's two primes) and e·d = 1 modulo
        /// p-1 and q-1, d is a working private exponent, so a second, much slower signature with d alone proves nothing more.
        /// </summary>
        private static bool RsaPartsAgree(RsaKeyParameters rsa)
        {
            if (!(rsa is RsaPrivateCrtKeyParameters crt))
            {
                return true;
            }

            BigInteger p = crt.P, q = crt.Q, d = crt.Exponent;
            BigInteger pMinus1 = p.Subtract(BigInteger.One), qMinus1 = q.Subtract(BigInteger.One);
            return p.Multiply(q).Equals(crt.Modulus)
                && d.Mod(pMinus1).Equals(crt.DP)
                && d.Mod(qMinus1).Equals(crt.DQ)
                && crt.QInv.Multiply(q).Mod(p).Equals(BigInteger.One)
                && crt.PublicExponent.Multiply(d).Mod(pMinus1).Equals(BigInteger.One)
                && crt.PublicExponent.Multiply(d).Mod(qMinus1).Equals(BigInteger.One);
        }

        /// <summary>
        /// The same round trip with the platform's RSA, which is precompiled and native: BouncyCastle's big-integer code
        /// costs tens of milliseconds per signature, and far more on a first call while it is compiled. With the parts
        /// agreeing (checked before) the platform's CRT signature proves what BouncyCastle's would. Null when the platform
        /// will not take the key in this shape (for example primes of unequal length), so BouncyCastle decides instead.
        /// </summary>
        private static bool? PlatformRsaRoundTrip(RsaKeyParameters privateKey, AsymmetricKeyParameter certificatePublicKey)
        {
            if (!(privateKey is RsaPrivateCrtKeyParameters crt) || !(certificatePublicKey is RsaKeyParameters publicKey) || publicKey.IsPrivate)
            {
                return null;
            }

            int modulusLength = (crt.Modulus.BitLength + 7) / 8;
            int halfLength = (modulusLength + 1) / 2;
            var parameters = new RSAParameters
            {
                Modulus = crt.Modulus.ToByteArrayUnsigned(),
                Exponent = crt.PublicExponent.ToByteArrayUnsigned(),
                D = Fixed(crt.Exponent, modulusLength),
                P = Fixed(crt.P, halfLength),
                Q = Fixed(crt.Q, halfLength),
                DP = Fixed(crt.DP, halfLength),
                DQ = Fixed(crt.DQ, halfLength),
                InverseQ = Fixed(crt.QInv, halfLength),
            };
            try
            {
                if (parameters.D == null || parameters.P == null || parameters.Q == null || parameters.DP == null || parameters.DQ == null || parameters.InverseQ == null)
                {
                    return null;
                }

                byte[] challenge = new byte[32];
                using (RandomNumberGenerator random = RandomNumberGenerator.Create())
                {
                    random.GetBytes(challenge);
                }

                byte[] signature;
                using (RSA signer = RSA.Create())
                {
                    signer.ImportParameters(parameters);
                    signature = signer.SignData(challenge, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

                using (RSA verifier = RSA.Create())
                {
                    verifier.ImportParameters(new RSAParameters { Modulus = publicKey.Modulus.ToByteArrayUnsigned(), Exponent = publicKey.Exponent.ToByteArrayUnsigned() });
                    return verifier.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
            }
            catch (CryptographicException)
            {
                return null;
            }
            finally
            {
                Clear(parameters.D);
                Clear(parameters.P);
                Clear(parameters.Q);
                Clear(parameters.DP);
                Clear(parameters.DQ);
                Clear(parameters.InverseQ);
            }
        }

        /// <summary>Big-endian, left-padded to <paramref name="length"/> bytes as the platform wants; null when it does not fit.</summary>
        private static byte[]? Fixed(BigInteger value, int length)
        {
            byte[] bytes = value.ToByteArrayUnsigned();
            if (bytes.Length == length)
            {
                return bytes;
            }

            if (bytes.Length > length)
            {
                Array.Clear(bytes, 0, bytes.Length);
                return null;
            }

            var padded = new byte[length];
            Buffer.BlockCopy(bytes, 0, padded, length - bytes.Length, bytes.Length);
            Array.Clear(bytes, 0, bytes.Length);
            return padded;
        }

        private static void Clear(byte[]? secret)
        {
            if (secret != null)
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }

        private static bool RoundTrip(string algorithm, AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey)
        {
            byte[] challenge = new byte[32];
            using (RandomNumberGenerator random = RandomNumberGenerator.Create())
            {
                random.GetBytes(challenge);
            }

            ISigner signer = SignerUtilities.GetSigner(algorithm);
            signer.Init(true, privateKey);
            signer.BlockUpdate(challenge, 0, challenge.Length);
            byte[] signature = signer.GenerateSignature();

            ISigner verifier = SignerUtilities.GetSigner(algorithm);
            verifier.Init(false, publicKey);
            verifier.BlockUpdate(challenge, 0, challenge.Length);
            return verifier.VerifySignature(signature);
        }
    }
}
