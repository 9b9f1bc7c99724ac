using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>One "-----BEGIN LABEL-----" ... "-----END LABEL-----" block, decoded.</summary>
    internal sealed class PemBlock
    {
        private static readonly Regex BlockPattern = new Regex(
            @"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----",
            RegexOptions.Singleline | RegexOptions.CultureInvariant);

        private PemBlock(string label, IReadOnlyDictionary<string, string> headers, byte[]? der)
        {
            Label = label;
            Headers = headers;
            Der = der;
        }

        internal string Label { get; }

        /// <summary>RFC 1421 headers such as Proc-Type and DEK-Info (legacy OpenSSL key encryption).</summary>
        internal IReadOnlyDictionary<string, string> Headers { get; }

        /// <summary>Null when the body is not valid base64 (a damaged copy-paste).</summary>
        internal byte[]? Der { get; }

        internal bool IsLegacyEncrypted =>
            Headers.TryGetValue("Proc-Type", out string? procType) && procType.IndexOf("ENCRYPTED", StringComparison.OrdinalIgnoreCase) >= 0;

        internal static bool LooksLikePem(string text) => text.IndexOf("-----BEGIN ", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// Every block in the text, in order. Text between blocks (openssl "Bag Attributes", comments) is ignored.
        /// Any line ending is accepted, and so is PEM pasted from JSON with literal "\n" escapes (the APIG page's
        /// own request example is written that way).
        /// </summary>
        internal static List<PemBlock> ParseAll(string text)
        {
            if (text.IndexOf("\\n", StringComparison.Ordinal) >= 0)
            {
                text = text.Replace("\\r\\n", "\n").Replace("\\n", "\n");
            }

            var blocks = new List<PemBlock>();
            foreach (Match match in BlockPattern.Matches(text))
            {
                blocks.Add(ParseBody(match.Groups[1].Value, match.Groups[2].Value));
            }

            return blocks;
        }

        private static PemBlock ParseBody(string label, string body)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var base64 = new StringBuilder(body.Length);
            foreach (string rawLine in body.Split('\r', '\n'))
            {
                string line = rawLine.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                int colon = line.IndexOf(':');
                if (colon > 0)
                {
                    headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
                    continue;
                }

                foreach (char c in line)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        base64.Append(c);
                    }
                }
            }

            byte[]? der;
            try
            {
                der = base64.Length == 0 ? null : Convert.FromBase64String(base64.ToString());
            }
            catch (FormatException)
            {
                der = null;
            }

            return new PemBlock(label, headers, der);
        }

        /// <summary>Normalized PEM: LF line endings, 64-character lines, trailing newline.</summary>
        internal static string Encode(string label, byte[] der)
        {
            string base64 = Convert.ToBase64String(der);
            var pem = new StringBuilder(base64.Length + base64.Length / 64 + 64);
            pem.Append("-----BEGIN ").Append(label).Append("-----\n");
            for (int i = 0; i < base64.Length; i += 64)
            {
                pem.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            }

            pem.Append("-----END ").Append(label).Append("-----\n");
            return pem.ToString();
        }
    }
}
