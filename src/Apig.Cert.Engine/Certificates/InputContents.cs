using System;
using System.Collections.Generic;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;

namespace Apig.Cert.Engine.Certificates
{
    internal enum DerKeyKind
    {
        None,
        Pkcs8,
        EncryptedPkcs8,
        Pkcs1Rsa,
        Sec1Ec,
    }

    /// <summary>
    /// What one input holds, found without decrypting anything: certificate blocks, key blocks, or a single DER
    /// object. Looking at both inputs this way first is what lets the loader recognise swapped inputs.
    /// </summary>
    internal sealed class InputContents : IDisposable
    {
        private static readonly HashSet<string> CertificateLabels = new HashSet<string>(StringComparer.Ordinal)
        {
            "CERTIFICATE", "X509 CERTIFICATE",
        };

        private static readonly HashSet<string> KeyLabels = new HashSet<string>(StringComparer.Ordinal)
        {
            "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
            "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
        };

        private InputContents(RawInput input)
        {
            Input = input;
        }

        internal RawInput Input { get; }

        internal bool IsPem { get; private set; }

        /// <summary>CERTIFICATE blocks in file order.</summary>
        internal List<PemBlock> CertificateBlocks { get; } = new List<PemBlock>();

        /// <summary>Private-key blocks in file order.</summary>
        internal List<PemBlock> KeyBlocks { get; } = new List<PemBlock>();

        /// <summary>The last "EC PARAMETERS" block before the first key block (openssl ecparam -genkey writes one).</summary>
        internal PemBlock? EcParametersBlock { get; private set; }

        /// <summary>True when the input holds a certificate signing request instead of the issued certificate.</summary>
        internal bool HasCertificateRequest { get; private set; }

        internal byte[]? DerCertificate { get; private set; }

        internal DerKeyKind DerKey { get; private set; }

        internal bool HasCertificate => CertificateBlocks.Count > 0 || DerCertificate != null;

        internal bool HasKey => KeyBlocks.Count > 0 || DerKey != DerKeyKind.None;

        /// <summary>Clears every decoded block; the key blocks are the private key.</summary>
        public void Dispose()
        {
            foreach (PemBlock block in KeyBlocks)
            {
                block.Clear();
            }

            foreach (PemBlock block in CertificateBlocks)
            {
                block.Clear();
            }
        }

        internal static InputContents Scan(RawInput input)
        {
            var contents = new InputContents(input);
            if (PemBlock.LooksLikePem(input.Text))
            {
                contents.IsPem = true;
                foreach (PemBlock block in PemBlock.ParseAll(input.Text))
                {
                    if (CertificateLabels.Contains(block.Label))
                    {
                        contents.CertificateBlocks.Add(block);
                    }
                    else if (KeyLabels.Contains(block.Label))
                    {
                        contents.KeyBlocks.Add(block);
                    }
                    else if (block.Label == "EC PARAMETERS" && contents.KeyBlocks.Count == 0)
                    {
                        contents.EcParametersBlock = block;
                    }
                    else if (block.Label == "CERTIFICATE REQUEST" || block.Label == "NEW CERTIFICATE REQUEST")
                    {
                        contents.HasCertificateRequest = true;
                    }
                }

                return contents;
            }

            if (TryParseCertificate(input.Bytes) != null)
            {
                contents.DerCertificate = input.Bytes;
            }
            else
            {
                contents.DerKey = ClassifyDerKey(input.Bytes);
            }

            return contents;
        }

        internal static Org.BouncyCastle.X509.X509Certificate? TryParseCertificate(byte[]? der)
        {
            if (der == null || der.Length == 0 || der[0] != 0x30)
            {
                return null;
            }

            try
            {
                var structure = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
                return structure == null ? null : new Org.BouncyCastle.X509.X509Certificate(structure);
            }
            catch (Exception)
            {
                // Any parse failure simply means "not a certificate"; the caller reports it with context.
                return null;
            }
        }

        /// <summary>Which kind of DER private key the bytes are, tried from the most to the least common.</summary>
        internal static DerKeyKind ClassifyDerKey(byte[] der)
        {
            if (der.Length == 0 || der[0] != 0x30)
            {
                return DerKeyKind.None;
            }

            Asn1Object asn1;
            try
            {
                asn1 = Asn1Object.FromByteArray(der);
            }
            catch (Exception)
            {
                return DerKeyKind.None;
            }

            if (Succeeds(() => PrivateKeyFactory.CreateKey(PrivateKeyInfo.GetInstance(asn1))))
            {
                return DerKeyKind.Pkcs8;
            }

            if (Succeeds(() => EncryptedPrivateKeyInfo.GetInstance(asn1).EncryptionAlgorithm.Algorithm.ToString()))
            {
                return DerKeyKind.EncryptedPkcs8;
            }

            if (Succeeds(() => RsaPrivateKeyStructure.GetInstance(asn1).Modulus.ToString()))
            {
                return DerKeyKind.Pkcs1Rsa;
            }

            if (Succeeds(() => ECPrivateKeyStructure.GetInstance(asn1).GetKey().ToString()))
            {
                return DerKeyKind.Sec1Ec;
            }

            return DerKeyKind.None;
        }

        private static bool Succeeds(Func<object?> parse)
        {
            try
            {
                return parse() != null;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
