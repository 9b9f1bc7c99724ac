using System;
using System.Collections.Generic;
using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// The CA certificates a stored certificate carries for client-certificate verification (mutual TLS), parsed and
    /// checked locally: every block must be a CA certificate, so a leaf pasted by mistake is refused before it is sent
    /// (APIG would accept it and then no client could ever pass verification). Public material: no secret here.
    /// </summary>
    public sealed class TrustedRootCa
    {
        private TrustedRootCa(string pem, IReadOnlyList<string> subjects)
        {
            Pem = pem;
            Subjects = subjects;
        }

        /// <summary>The CA certificates as PEM, re-encoded: LF line endings, one block after another.</summary>
        public string Pem { get; }

        /// <summary>The subject of each CA certificate, in order, for messages.</summary>
        public IReadOnlyList<string> Subjects { get; }

        public static TrustedRootCa FromFile(string path, string inputName)
        {
            using (RawInput input = RawInput.FromFile(path, inputName))
            {
                return Parse(input, inputName);
            }
        }

        public static TrustedRootCa FromPem(string pem, string inputName)
        {
            using (RawInput input = RawInput.FromString(pem, inputName))
            {
                return Parse(input, inputName);
            }
        }

        private static TrustedRootCa Parse(RawInput input, string inputName)
        {
            List<PemBlock> blocks = PemBlock.LooksLikePem(input.Text) ? PemBlock.ParseAll(input.Text) : new List<PemBlock>();
            var pem = new StringBuilder();
            var subjects = new List<string>();
            foreach (PemBlock block in blocks)
            {
                if (!string.Equals(block.Label, "CERTIFICATE", StringComparison.Ordinal) && !string.Equals(block.Label, "X509 CERTIFICATE", StringComparison.Ordinal))
                {
                    throw new ApigInputException("TrustedRootCaInvalid", inputName,
                        Described(input) + " holds a '" + block.Label + "' block; it must hold only CA certificates (BEGIN CERTIFICATE). " +
                        "Give the PEM file of the CA that issues your client certificates.");
                }

                Org.BouncyCastle.X509.X509Certificate? certificate = InputContents.TryParseCertificate(block.Der);
                if (certificate is null)
                {
                    throw new ApigInputException("TrustedRootCaInvalid", inputName,
                        Described(input) + " holds a certificate block that cannot be read (damaged base64 or not an X.509 certificate). " +
                        "Export the CA certificate again as PEM.");
                }

                string subject = certificate.SubjectDN.ToString();
                if (certificate.GetBasicConstraints() < 0)
                {
                    throw new ApigInputException("TrustedRootCaNotCa", inputName,
                        Described(input) + " holds '" + subject + "', which is not a CA certificate (its basic constraints do not say CA). " +
                        "Give the certificate of the CA that issues the client certificates, not a client or server certificate.");
                }

                subjects.Add(subject);
                pem.Append(PemBlock.Encode("CERTIFICATE", block.Der!));
            }

            if (subjects.Count == 0)
            {
                throw new ApigInputException("TrustedRootCaInvalid", inputName,
                    Described(input) + " holds no PEM certificate. Give the CA certificate(s) as PEM text (-----BEGIN CERTIFICATE-----).");
            }

            return new TrustedRootCa(pem.ToString(), subjects);
        }

        private static string Described(RawInput input) => char.ToUpperInvariant(input.Description[0]) + input.Description.Substring(1);
    }
}
