using System;
using System.IO;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>Turns the key part of an input into a BouncyCastle private key, decrypting it when needed.</summary>
    internal static class PrivateKeyReader
    {
        internal static AsymmetricKeyParameter Read(InputContents contents, PasswordChars password, string passwordInputName)
        {
            RawInput input = contents.Input;
            if (contents.KeyBlocks.Count > 0)
            {
                return ReadBlock(contents.KeyBlocks[0], contents.EcParametersBlock, input, password, passwordInputName);
            }

            switch (contents.DerKey)
            {
                case DerKeyKind.Pkcs8:
                    return FromPkcs8(input.Bytes, input);
                case DerKeyKind.EncryptedPkcs8:
                    return FromEncryptedPkcs8(input.Bytes, input, password, passwordInputName);
                case DerKeyKind.Pkcs1Rsa:
                    return FromPkcs1(input.Bytes, input);
                case DerKeyKind.Sec1Ec:
                    return FromSec1(input.Bytes, null, input);
                default:
                    throw NotAKey(input, contents.HasCertificate
                        ? " It holds a certificate but no private key; pass the key file that belongs to the certificate."
                        : contents.HasCertificateRequest
                            ? " It holds a certificate signing request; pass the private key generated with that request."
                            : " Expected a PEM block such as '-----BEGIN PRIVATE KEY-----' or a DER PKCS#8 key.");
            }
        }

        private static AsymmetricKeyParameter ReadBlock(
            PemBlock block, PemBlock? ecParameters, RawInput input, PasswordChars password, string passwordInputName)
        {
            if (block.Der == null)
            {
                throw NotAKey(input, " Its '" + block.Label + "' block is not valid base64 (damaged or truncated). Copy the key again.");
            }

            switch (block.Label)
            {
                case "PRIVATE KEY":
                    return FromPkcs8(block.Der, input);
                case "ENCRYPTED PRIVATE KEY":
                    return FromEncryptedPkcs8(block.Der, input, password, passwordInputName);
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    if (block.IsLegacyEncrypted)
                    {
                        return FromLegacyEncrypted(block, input, password, passwordInputName);
                    }

                    return block.Label == "RSA PRIVATE KEY"
                        ? FromPkcs1(block.Der, input)
                        : FromSec1(block.Der, ecParameters?.Der, input);
                case "OPENSSH PRIVATE KEY":
                    throw NotAKey(input, " It is an OpenSSH key; convert it to PEM first, e.g. 'ssh-keygen -p -m PEM -f <file>'.");
                default:
                    throw NotAKey(input, " Its '" + block.Label + "' key type is not supported; APIG accepts RSA and EC keys.");
            }
        }

        private static AsymmetricKeyParameter FromPkcs8(byte[] der, RawInput input)
        {
            try
            {
                return PrivateKeyFactory.CreateKey(PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der)));
            }
            catch (Exception ex)
            {
                throw NotAKey(input, " Its PKCS#8 key could not be parsed (damaged or unsupported key type).", ex);
            }
        }

        private static AsymmetricKeyParameter FromPkcs1(byte[] der, RawInput input)
        {
            try
            {
                RsaPrivateKeyStructure rsa = RsaPrivateKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
                return new RsaPrivateCrtKeyParameters(
                    rsa.Modulus, rsa.PublicExponent, rsa.PrivateExponent, rsa.Prime1, rsa.Prime2, rsa.Exponent1, rsa.Exponent2, rsa.Coefficient);
            }
            catch (Exception ex)
            {
                throw NotAKey(input, " Its RSA (PKCS#1) key could not be parsed (damaged copy?).", ex);
            }
        }

        /// <summary>
        /// SEC1 keys name their curve inside the structure, except when written with a separate
        /// "EC PARAMETERS" block; then that block supplies it.
        /// </summary>
        private static AsymmetricKeyParameter FromSec1(byte[] der, byte[]? ecParametersDer, RawInput input)
        {
            ECPrivateKeyStructure ec;
            try
            {
                ec = ECPrivateKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
            }
            catch (Exception ex)
            {
                throw NotAKey(input, " Its EC (SEC1) key could not be parsed (damaged copy?).", ex);
            }

            Asn1Encodable? curve = ec.Parameters;
            if (curve == null && ecParametersDer != null)
            {
                try
                {
                    curve = X962Parameters.GetInstance(Asn1Object.FromByteArray(ecParametersDer));
                }
                catch (Exception ex)
                {
                    throw NotAKey(input, " Its 'EC PARAMETERS' block could not be parsed.", ex);
                }
            }

            if (curve == null)
            {
                throw NotAKey(input, " Its EC key does not name its curve. Export it again with the curve included (e.g. 'openssl pkcs8 -topk8 -nocrypt').");
            }

            try
            {
                var info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve), ec);
                return PrivateKeyFactory.CreateKey(info);
            }
            catch (Exception ex)
            {
                throw NotAKey(input, " Its EC key uses a curve that is not supported; use P-256 or P-384.", ex);
            }
        }

        private static AsymmetricKeyParameter FromEncryptedPkcs8(
            byte[] der, RawInput input, PasswordChars password, string passwordInputName)
        {
            EncryptedPrivateKeyInfo encrypted;
            try
            {
                encrypted = EncryptedPrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
            }
            catch (Exception ex)
            {
                throw NotAKey(input, " Its encrypted PKCS#8 key could not be parsed (damaged copy?).", ex);
            }

            EnsurePasswordGiven(input, password, passwordInputName);
            KdfCost.EnsureAffordable(encrypted.EncryptionAlgorithm, input);
            try
            {
                return PrivateKeyFactory.DecryptKey(password.Copy(), encrypted);
            }
            catch (SecurityUtilityException ex)
            {
                throw NotAKey(input, " It is encrypted with an algorithm that is not supported. Export it again with AES-256 (e.g. 'openssl pkcs8 -topk8 -v2 aes256').", ex);
            }
            catch (Exception ex) when (KdfCost.IsIterationLimit(ex))
            {
                throw KdfCost.TooExpensive(input, "over " + KdfCost.MaxIterations);
            }
            catch (Exception ex)
            {
                throw WrongPassword(input, passwordInputName, ex);
            }
        }

        private static AsymmetricKeyParameter FromLegacyEncrypted(
            PemBlock block, RawInput input, PasswordChars password, string passwordInputName)
        {
            EnsurePasswordGiven(input, password, passwordInputName);

            // BouncyCastle's OpenSSL reader knows the Proc-Type/DEK-Info scheme; hand it exactly this one block.
            var pem = new System.Text.StringBuilder();
            pem.Append("-----BEGIN ").Append(block.Label).Append("-----\n");
            foreach (var header in block.Headers)
            {
                pem.Append(header.Key).Append(": ").Append(header.Value).Append('\n');
            }

            pem.Append('\n');
            string body = PemBlock.Encode(block.Label, block.Der!);
            int bodyStart = body.IndexOf('\n') + 1;
            pem.Append(body.Substring(bodyStart));

            object? result;
            try
            {
                using (var reader = new StringReader(pem.ToString()))
                {
                    result = new PemReader(reader, new CopyingPasswordFinder(password)).ReadObject();
                }
            }
            catch (Exception ex) when (ex.Message.IndexOf("unknown encryption", StringComparison.OrdinalIgnoreCase) >= 0
                                       || ex.Message.IndexOf("not supported", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw NotAKey(input, " It is encrypted with an algorithm that is not supported. Convert it with 'openssl pkcs8 -topk8 -v2 aes256'.", ex);
            }
            catch (Exception ex)
            {
                throw WrongPassword(input, passwordInputName, ex);
            }

            switch (result)
            {
                case AsymmetricCipherKeyPair pair:
                    return pair.Private;
                case AsymmetricKeyParameter key when key.IsPrivate:
                    return key;
                default:
                    throw WrongPassword(input, passwordInputName, null);
            }
        }

        private static void EnsurePasswordGiven(RawInput input, PasswordChars password, string passwordInputName)
        {
            if (password.IsEmpty)
            {
                throw new ApigInputException("PrivateKeyPasswordRequired", passwordInputName,
                    "The private key in " + input.Description + " is encrypted. Pass its password with -" + passwordInputName
                    + ", or pass an unencrypted key.");
            }
        }

        private static ApigInputException WrongPassword(RawInput input, string passwordInputName, Exception? inner) =>
            new ApigInputException("PrivateKeyPasswordIncorrect", passwordInputName,
                "The password given as -" + passwordInputName + " does not decrypt the private key in " + input.Description
                + ". Check the password (it is case-sensitive) or pass the right key file.", inner);

        internal static ApigInputException NotAKey(RawInput input, string detail, Exception? inner = null) =>
            new ApigInputException("PrivateKeyNotPem", input.InputName,
                "No usable private key was found in " + input.Description + "." + detail, inner);

        /// <summary>Gives BouncyCastle its own copy, which <see cref="PasswordChars"/> zeroes afterwards.</summary>
        private sealed class CopyingPasswordFinder : IPasswordFinder
        {
            private readonly PasswordChars _password;

            internal CopyingPasswordFinder(PasswordChars password) => _password = password;

            public char[] GetPassword() => _password.Copy();
        }
    }
}
