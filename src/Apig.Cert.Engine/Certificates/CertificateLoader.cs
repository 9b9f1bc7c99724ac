using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Turns what users hold (PEM/DER files, PFX, an X509Certificate2, PEM strings) into one checked
    /// <see cref="CertificateBundle"/>. Every failure is a <see cref="ApigInputException"/>.
    /// </summary>
    public static class CertificateLoader
    {
        private const string ApigPageHint =
            " (The request example on the APIG 'bind a certificate to a domain' API page swaps cert_content and private_key in exactly this way.)";

        public static CertificateBundle FromFiles(string certificatePath, string privateKeyPath, SecureString? privateKeyPassword)
        {
            using (RawInput certificateInput = RawInput.FromFile(certificatePath, "CertificatePath"))
            using (RawInput keyInput = RawInput.FromFile(privateKeyPath, "PrivateKeyPath"))
            {
                return WithoutModulusPrimalityTest(() => FromCertificateAndKey(certificateInput, keyInput, privateKeyPassword, "PrivateKeyPassword"));
            }
        }

        public static CertificateBundle FromPem(string certificatePem, string privateKeyPem, SecureString? privateKeyPassword)
        {
            using (RawInput certificateInput = RawInput.FromString(certificatePem, "CertificatePem"))
            using (RawInput keyInput = RawInput.FromString(privateKeyPem, "PrivateKeyPem"))
            {
                return WithoutModulusPrimalityTest(() => FromCertificateAndKey(certificateInput, keyInput, privateKeyPassword, "PrivateKeyPassword"));
            }
        }

        public static CertificateBundle FromPfxFile(string pfxPath, SecureString? pfxPassword)
        {
            using (RawInput input = RawInput.FromFile(pfxPath, "PfxPath"))
            using (PasswordChars password = PasswordChars.From(pfxPassword))
            {
                return WithoutModulusPrimalityTest(() => FromPfx(input, password, "PfxPassword", new List<BcCertificate>()));
            }
        }

        /// <summary>
        /// A PKCS#12 given as base64 text (an Azure DevOps Key Vault secret variable, or a Key Vault secret of content type
        /// application/x-pkcs12). The text, the decoded bytes and the password are cleared when the parse ends.
        /// </summary>
        public static CertificateBundle FromPfxBase64(SecretTextInput base64, SecureString? pfxPassword, string inputName, string passwordInputName, string description)
        {
            if (base64 == null) throw new ArgumentNullException(nameof(base64));
            byte[] pfx = DecodeBase64(base64, inputName, description);
            try
            {
                if (!LooksLikePfx(pfx))
                {
                    throw new ApigInputException("PfxInvalid", inputName,
                        SentenceStart(description) + " is base64, but not of a PKCS#12 (PFX). Pass the value of the certificate's Key Vault secret (content type "
                        + "application/x-pkcs12), or a PFX file with -PfxPath.");
                }

                RawInput input = RawInput.FromBytes(pfx, inputName, description);
                using (PasswordChars password = PasswordChars.From(pfxPassword))
                {
                    return WithoutModulusPrimalityTest(() => FromPfx(input, password, passwordInputName, new List<BcCertificate>()));
                }
            }
            finally
            {
                Array.Clear(pfx, 0, pfx.Length);
            }
        }

        /// <summary>
        /// One PEM text holding the certificate (with any chain) and its private key, in any order: what Key Vault keeps as
        /// the secret of a PEM certificate (content type application/x-pem-file). The text is cleared when the parse ends.
        /// </summary>
        public static CertificateBundle FromPemSecret(SecretTextInput pem, SecureString? privateKeyPassword, string inputName, string passwordInputName, string description)
        {
            if (pem == null) throw new ArgumentNullException(nameof(pem));
            using (RawInput input = RawInput.FromChars(pem.Reveal(), inputName, description))
            {
                return WithoutModulusPrimalityTest(() => FromCombinedPem(input, privateKeyPassword, passwordInputName));
            }
        }

        /// <summary>
        /// A certificate (leaf and chain as PEM, no secret) and its private key as characters this call takes over and
        /// clears: what an export (Huawei Cloud CCM) answers. Checked like every other input.
        /// </summary>
        public static CertificateBundle FromExportedPem(string certificatePem, char[] privateKeyPem, string inputName, string description)
        {
            if (certificatePem == null) throw new ArgumentNullException(nameof(certificatePem));
            if (privateKeyPem == null) throw new ArgumentNullException(nameof(privateKeyPem));
            RawInput keyInput;
            try
            {
                keyInput = RawInput.FromChars(privateKeyPem, inputName, "the private key of " + description);
            }
            catch
            {
                Array.Clear(privateKeyPem, 0, privateKeyPem.Length);
                throw;
            }

            using (keyInput)
            using (RawInput certificateInput = RawInput.FromChars(certificatePem.ToCharArray(), inputName, "the certificate of " + description))
            {
                return WithoutModulusPrimalityTest(() => FromCertificateAndKey(certificateInput, keyInput, null, inputName));
            }
        }

        public static CertificateBundle FromX509(X509Certificate2 certificate, X509Certificate2Collection? chain)
        {
            if (certificate == null)
            {
                throw new ArgumentNullException(nameof(certificate));
            }

            const string inputName = "Certificate";
            if (!certificate.HasPrivateKey)
            {
                throw new ApigInputException("CertificateHasNoPrivateKey", inputName,
                    "The certificate '" + certificate.Subject + "' (thumbprint " + certificate.Thumbprint + ") given as -" + inputName
                    + " has no private key. Pass a certificate whose private key is available (in the certificate store it shows a key icon), "
                    + "or use a PFX file or PEM certificate and key files instead.");
            }

            var extraCertificates = new List<BcCertificate>();
            if (chain != null)
            {
                foreach (X509Certificate2 chainCertificate in chain)
                {
                    BcCertificate? parsed = chainCertificate == null ? null : InputContents.TryParseCertificate(chainCertificate.RawData);
                    if (parsed != null)
                    {
                        extraCertificates.Add(parsed);
                    }
                }
            }

            // The key leaves the X509Certificate2 only through PKCS#12; a one-time random password protects the
            // transient blob, which never touches the disk.
            using (PasswordChars password = PasswordChars.Take(RandomPassword()))
            using (SecureString securePassword = ToSecureString(password))
            {
                byte[] pfx;
                try
                {
                    pfx = certificate.Export(X509ContentType.Pkcs12, securePassword);
                }
                catch (CryptographicException ex)
                {
                    throw new ApigInputException("PrivateKeyNotExportable", inputName,
                        "The private key of the certificate '" + certificate.Subject + "' (thumbprint " + certificate.Thumbprint
                        + ") cannot be exported, so it cannot be uploaded to APIG. Import the certificate again with its key marked as exportable "
                        + "(Import-PfxCertificate -Exportable, or X509KeyStorageFlags.Exportable), or pass the original PFX with -PfxPath.", ex);
                }

                try
                {
                    var input = RawInput.FromBytes(pfx, inputName,
                        "the certificate '" + certificate.Subject + "' (-" + inputName + ") and the chain given with it");
                    return WithoutModulusPrimalityTest(() => FromPfx(input, password, inputName, extraCertificates));
                }
                finally
                {
                    Array.Clear(pfx, 0, pfx.Length);
                }
            }
        }

        /// <summary>
        /// BouncyCastle proves every RSA modulus it reads composite with Miller-Rabin rounds: tens of milliseconds per key,
        /// and a few hundred on a first call, before its big-integer code is compiled. Here the test proves nothing: the key
        /// proof checks p * q = n for the private key, and so for the leaf, which must have the same modulus; an issuer's key
        /// only checks a link of the chain, which whoever holds that key could make true with any modulus. The cheap checks
        /// (even modulus, small factors, size) stay.
        /// </summary>
        private static CertificateBundle WithoutModulusPrimalityTest(Func<CertificateBundle> load) =>
            Org.BouncyCastle.Utilities.Properties.WithThreadProperty("Org.BouncyCastle.Rsa.MaxMRTests", "0", load);

        private static CertificateBundle FromCertificateAndKey(
            RawInput certificateInput, RawInput keyInput, SecureString? privateKeyPassword, string passwordInputName)
        {
            using (InputContents certificateContents = InputContents.Scan(certificateInput))
            using (InputContents keyContents = InputContents.Scan(keyInput))
            {
                if (!certificateContents.HasCertificate)
                {
                    throw NoCertificate(certificateContents, keyContents);
                }

                List<BcCertificate> certificates = ParseCertificates(certificateContents);

                AsymmetricKeyParameter privateKey;
                using (PasswordChars password = PasswordChars.From(privateKeyPassword))
                {
                    privateKey = PrivateKeyReader.Read(keyContents, password, passwordInputName);
                }

                return BundleAssembler.Assemble(privateKey, certificates, certificateInput, keyInput);
            }
        }

        private static CertificateBundle FromCombinedPem(RawInput input, SecureString? privateKeyPassword, string passwordInputName)
        {
            using (InputContents contents = InputContents.Scan(input))
            {
                if (!contents.IsPem)
                {
                    throw new ApigInputException("SecretNotPem", input.InputName,
                        input.Description + " holds no PEM text (no '-----BEGIN' line). A Key Vault secret of content type application/x-pem-file holds "
                        + "the certificate and its private key as PEM; if this secret is a base64 PKCS#12 (content type application/x-pkcs12), pass it with -PfxBase64.");
                }

                if (!contents.HasCertificate)
                {
                    throw new ApigInputException("CertificateNotPem", input.InputName,
                        input.Description + " holds no certificate ('-----BEGIN CERTIFICATE-----' block). Store the certificate together with its key in the secret "
                        + "(import it into Key Vault as a certificate, whose secret holds both), or pass them apart with -CertificatePem and -PrivateKeyPem.");
                }

                if (!contents.HasKey)
                {
                    throw new ApigInputException("PrivateKeyNotPem", input.InputName,
                        input.Description + " holds certificates but no private key. APIG needs the key too: import the certificate into Key Vault with its key "
                        + "(exportable), or pass the key with -PrivateKeyPem.");
                }

                List<BcCertificate> certificates = ParseCertificates(contents);
                AsymmetricKeyParameter privateKey;
                using (PasswordChars password = PasswordChars.From(privateKeyPassword))
                {
                    privateKey = PrivateKeyReader.Read(contents, password, passwordInputName);
                }

                return BundleAssembler.Assemble(privateKey, certificates, input, input);
            }
        }

        // Base64 text into bytes without a string of it: the text is cleared here, the bytes by the caller.
        private static byte[] DecodeBase64(SecretTextInput base64, string inputName, string description)
        {
            char[] text = base64.Reveal();
            try
            {
                // 4 characters per 3 bytes: the same 1 MiB limit as every other input, counted before decoding.
                if (text.Length > RawInput.MaxInputBytes / 3 * 4 + 4096)
                {
                    throw new ApigInputException("InputTooLarge", inputName,
                        "The content of " + description + " is " + text.Length + " characters; a base64 PKCS#12 is at most " + RawInput.MaxInputBytes
                        + " bytes (1 MiB) once decoded. Check that you passed the certificate's secret and not another value.");
                }

                if (IsBlank(text))
                {
                    throw new ApigInputException("FileEmpty", inputName,
                        "The content of " + description + " is empty. Pass the base64 PKCS#12 (the value of the Key Vault secret).");
                }

                if (PemBlock.LooksLikePem(text))
                {
                    throw new ApigInputException("PfxBase64IsPem", inputName,
                        SentenceStart(description) + " is PEM text, not a base64 PKCS#12. Pass it with -CertificateSecret (content type application/x-pem-file), "
                        + "or as -CertificatePem and -PrivateKeyPem.");
                }

                try
                {
                    return Convert.FromBase64CharArray(text, 0, text.Length);
                }
                catch (FormatException)
                {
                    // The exception's own text is not passed on: it could quote the input.
                    throw new ApigInputException("PfxBase64Invalid", inputName,
                        SentenceStart(description) + " is not valid base64. Pass the secret's value exactly as Key Vault gives it (the Azure DevOps Key Vault task's "
                        + "variable, or Get-AzKeyVaultSecret's SecretValue), or a PFX file with -PfxPath.", new FormatException("The base64 text is malformed.", null));
                }
            }
            finally
            {
                Array.Clear(text, 0, text.Length);
            }
        }

        // The description ("the base64 PKCS#12 of -PfxBase64") is written to fit mid-sentence too.
        private static string SentenceStart(string description) =>
            description.Length == 0 ? description : char.ToUpperInvariant(description[0]) + description.Substring(1);

        private static bool IsBlank(char[] text)
        {
            foreach (char c in text)
            {
                if (!char.IsWhiteSpace(c)) return false;
            }

            return true;
        }

        private static ApigInputException NoCertificate(InputContents certificateContents, InputContents keyContents)
        {
            RawInput certificateInput = certificateContents.Input;
            RawInput keyInput = keyContents.Input;
            if (certificateContents.HasKey)
            {
                if (keyContents.HasCertificate && !keyContents.HasKey)
                {
                    return new ApigInputException("CertificateAndKeySwapped", certificateInput.InputName,
                        "The certificate and the private key are swapped: " + certificateInput.Description + " holds a private key and "
                        + keyInput.Description + " holds a certificate. Exchange the two values." + ApigPageHint);
                }

                return new ApigInputException("CertificateNotPem", certificateInput.InputName,
                    "Found a private key where a certificate was expected: " + certificateInput.Description
                    + " holds a private key but no certificate. Pass the certificate (or full chain) PEM file there.");
            }

            string hint;
            if (certificateContents.HasCertificateRequest)
            {
                hint = " It holds a certificate signing request (CSR); pass the certificate the CA issued for it.";
            }
            else if (!certificateContents.IsPem && LooksLikePfx(certificateInput.Bytes))
            {
                hint = " It looks like a PFX/PKCS#12 file; load it with -PfxPath instead.";
            }
            else
            {
                hint = " Expected PEM text with '-----BEGIN CERTIFICATE-----' blocks (such as fullchain.pem) or a binary DER .cer/.der file.";
            }

            return new ApigInputException("CertificateNotPem", certificateInput.InputName,
                "No certificate was found in " + certificateInput.Description + "." + hint);
        }

        private static List<BcCertificate> ParseCertificates(InputContents contents)
        {
            var certificates = new List<BcCertificate>();
            if (contents.DerCertificate != null)
            {
                certificates.Add(InputContents.TryParseCertificate(contents.DerCertificate)!);
                return certificates;
            }

            for (int i = 0; i < contents.CertificateBlocks.Count; i++)
            {
                BcCertificate? certificate = InputContents.TryParseCertificate(contents.CertificateBlocks[i].Der);
                if (certificate == null)
                {
                    throw new ApigInputException("CertificateNotPem", contents.Input.InputName,
                        "Certificate block " + (i + 1) + " of " + contents.CertificateBlocks.Count + " in " + contents.Input.Description
                        + " is damaged (not valid base64 or not a certificate). Copy the certificate text again, including the BEGIN and END lines.");
                }

                certificates.Add(certificate);
            }

            return certificates;
        }

        private static CertificateBundle FromPfx(
            RawInput input, PasswordChars password, string passwordInputName, List<BcCertificate> extraCertificates)
        {
            if (!LooksLikePfx(input.Bytes))
            {
                string hint = PemBlock.LooksLikePem(input.Text)
                    ? " It is PEM text; load it with -CertificatePath and -PrivateKeyPath instead."
                    : " Pass a .pfx or .p12 file.";
                throw new ApigInputException("PfxInvalid", input.InputName, input.Description + " is not a PFX/PKCS#12 file." + hint);
            }

            KdfCost.EnsureAffordablePfx(input.Bytes, input);
            Pkcs12Store store = new Pkcs12StoreBuilder().Build();
            try
            {
                using (var stream = new MemoryStream(input.Bytes, writable: false))
                {
                    store.Load(stream, password.Copy());
                }
            }
            catch (SecurityUtilityException ex)
            {
                throw new ApigInputException("PfxInvalid", input.InputName,
                    input.Description + " uses an encryption algorithm that is not supported. Export it again with AES-256 encryption.", ex);
            }
            catch (Exception ex) when (KdfCost.IsIterationLimit(ex))
            {
                throw KdfCost.TooExpensive(input, "over " + KdfCost.MaxIterations);
            }
            catch (Exception ex) when (password.IsEmpty)
            {
                throw new ApigInputException("PfxPasswordRequired", passwordInputName,
                    "No password was given for " + input.Description + ", and it is protected by one. Pass its password with -" + passwordInputName + ".", ex);
            }
            catch (Exception ex)
            {
                throw new ApigInputException("PfxPasswordIncorrect", passwordInputName,
                    "The password given as -" + passwordInputName + " does not open " + input.Description + ". Check the password (it is case-sensitive).", ex);
            }

            AsymmetricKeyParameter? privateKey = null;
            var certificates = new List<BcCertificate>();
            foreach (string alias in store.Aliases)
            {
                if (privateKey == null && store.IsKeyEntry(alias))
                {
                    privateKey = store.GetKey(alias).Key;
                }

                X509CertificateEntry? entry = store.GetCertificate(alias);
                if (entry != null)
                {
                    certificates.Add(entry.Certificate);
                }

                X509CertificateEntry[]? chain = store.GetCertificateChain(alias);
                if (chain != null)
                {
                    foreach (X509CertificateEntry link in chain)
                    {
                        certificates.Add(link.Certificate);
                    }
                }
            }

            if (privateKey == null)
            {
                throw new ApigInputException("PfxHasNoPrivateKey", input.InputName,
                    input.Description + " holds certificates but no private key. Export it again including the private key "
                    + "(Windows: 'Yes, export the private key'; OpenSSL: 'openssl pkcs12 -export -inkey key.pem -in fullchain.pem').");
            }

            List<BcCertificate>? allBags = PfxCertificateBags.TryReadAll(input.Bytes, password);
            if (allBags != null)
            {
                certificates.AddRange(allBags);
            }

            certificates.AddRange(extraCertificates);
            return BundleAssembler.Assemble(privateKey, certificates, input, input);
        }

        private static bool LooksLikePfx(byte[] bytes)
        {
            if (bytes.Length == 0 || bytes[0] != 0x30)
            {
                return false;
            }

            try
            {
                Pfx pfx = Pfx.GetInstance(Asn1Object.FromByteArray(bytes));
                return pfx.AuthSafe != null;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static char[] RandomPassword()
        {
            var random = new byte[24];
            var chars = new char[32];
            using (RandomNumberGenerator generator = RandomNumberGenerator.Create())
            {
                generator.GetBytes(random);
            }

            Convert.ToBase64CharArray(random, 0, random.Length, chars, 0);
            Array.Clear(random, 0, random.Length);
            return chars;
        }

        private static SecureString ToSecureString(PasswordChars password)
        {
            var secure = new SecureString();
            char[] chars = password.Copy();
            foreach (char c in chars)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
