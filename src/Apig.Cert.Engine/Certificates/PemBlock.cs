using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// One "-----BEGIN LABEL-----" ... "-----END LABEL-----" block, decoded. Not BouncyCastle's PemReader: it collects
    /// each body in a string and an uncleared buffer before decoding (a key must stay in arrays we clear), refuses the whole
    /// text when one BEGIN is left unterminated or one body is damaged instead of skipping to the next block, and
    /// does not read PEM pasted with JSON "\n" escapes.
    /// </summary>
    internal sealed class PemBlock
    {
        private const string BeginMarker = "-----BEGIN ";
        private const string EndMarker = "-----END ";
        private const string Dashes = "-----";

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

        internal static bool LooksLikePem(char[] text) => IndexOf(text, text.Length, BeginMarker, 0) >= 0;

        /// <summary>Clears the decoded bytes: a key block's DER is the private key.</summary>
        internal void Clear()
        {
            if (Der != null)
            {
                Array.Clear(Der, 0, Der.Length);
            }
        }

        /// <summary>
        /// Every block in the text, in order. Text between blocks (openssl "Bag Attributes", comments) is ignored, and so
        /// is a BEGIN line that a later BEGIN interrupts before its END. Any line ending is accepted, and so is PEM pasted
        /// from JSON with literal "\n" escapes (the APIG page's own request example is written that way).
        /// One pass from left to right: hostile input (thousands of BEGIN lines without an END) costs linear time.
        /// </summary>
        internal static List<PemBlock> ParseAll(char[] text)
        {
            char[] unescaped = UnescapeJsonNewlines(text);
            try
            {
                return Scan(unescaped);
            }
            finally
            {
                if (!ReferenceEquals(unescaped, text))
                {
                    Array.Clear(unescaped, 0, unescaped.Length);
                }
            }
        }

        private static List<PemBlock> Scan(char[] text)
        {
            var blocks = new List<PemBlock>();
            int length = text.Length;
            int position = 0;
            while (position < length)
            {
                int begin = IndexOf(text, length, BeginMarker, position);
                if (begin < 0)
                {
                    break;
                }

                int labelStart = begin + BeginMarker.Length;
                int labelEnd = LabelEnd(text, length, labelStart);
                if (labelEnd == labelStart || !StartsWith(text, length, labelEnd, Dashes))
                {
                    position = labelStart;
                    continue;
                }

                string label = new string(text, labelStart, labelEnd - labelStart);
                int bodyStart = labelEnd + Dashes.Length;
                int search = bodyStart;
                position = length;
                while (search < length)
                {
                    int marker = IndexOf(text, length, Dashes, search);
                    if (marker < 0)
                    {
                        break;
                    }

                    if (StartsWith(text, length, marker, BeginMarker))
                    {
                        // Unterminated block: resume at the interrupting BEGIN, never rescan what lies behind it.
                        position = marker;
                        break;
                    }

                    if (StartsWith(text, length, marker, EndMarker))
                    {
                        int endLabelStart = marker + EndMarker.Length;
                        int endLabelEnd = LabelEnd(text, length, endLabelStart);
                        if (endLabelEnd - endLabelStart == label.Length
                            && string.CompareOrdinal(new string(text, endLabelStart, label.Length), label) == 0
                            && StartsWith(text, length, endLabelEnd, Dashes))
                        {
                            blocks.Add(ParseBody(label, text, bodyStart, marker));
                            position = endLabelEnd + Dashes.Length;
                            break;
                        }

                        search = endLabelStart;
                        continue;
                    }

                    search = marker + 1;
                }
            }

            return blocks;
        }

        private static int LabelEnd(char[] text, int length, int start)
        {
            int i = start;
            while (i < length && ((text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9') || text[i] == ' '))
            {
                i++;
            }

            return i;
        }

        private static PemBlock ParseBody(string label, char[] text, int start, int end)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            char[] base64 = new char[end - start];
            int base64Length = 0;
            int lineStart = start;
            try
            {
                while (lineStart < end)
                {
                    int lineEnd = lineStart;
                    while (lineEnd < end && text[lineEnd] != '\r' && text[lineEnd] != '\n')
                    {
                        lineEnd++;
                    }

                    int colon = Array.IndexOf(text, ':', lineStart, lineEnd - lineStart);
                    if (colon > lineStart)
                    {
                        string line = new string(text, lineStart, lineEnd - lineStart);
                        int at = colon - lineStart;
                        string name = line.Substring(0, at).Trim();
                        if (name.Length > 0)
                        {
                            headers[name] = line.Substring(at + 1).Trim();
                        }
                    }
                    else
                    {
                        for (int i = lineStart; i < lineEnd; i++)
                        {
                            if (!char.IsWhiteSpace(text[i]))
                            {
                                base64[base64Length++] = text[i];
                            }
                        }
                    }

                    lineStart = lineEnd + 1;
                }

                byte[]? der;
                try
                {
                    der = base64Length == 0 ? null : Convert.FromBase64CharArray(base64, 0, base64Length);
                }
                catch (FormatException)
                {
                    der = null;
                }

                return new PemBlock(label, headers, der);
            }
            finally
            {
                Array.Clear(base64, 0, base64.Length);
            }
        }

        /// <summary>Normalized PEM: LF line endings, 64-character lines, trailing newline.</summary>
        internal static string Encode(string label, byte[] der)
        {
            char[] pem = EncodeChars(label, der);
            return new string(pem);
        }

        /// <summary>
        /// <see cref="Encode"/> into a char array the caller clears: the form for private keys, which must never
        /// become a string.
        /// </summary>
        internal static char[] EncodeChars(string label, byte[] der)
        {
            int base64Length = (der.Length + 2) / 3 * 4;
            char[] base64 = new char[base64Length];
            try
            {
                Convert.ToBase64CharArray(der, 0, der.Length, base64, 0);
                string begin = BeginMarker + label + Dashes + "\n";
                string endLine = EndMarker + label + Dashes + "\n";
                int lines = (base64Length + 63) / 64;
                var pem = new char[begin.Length + base64Length + lines + endLine.Length];
                int at = 0;
                begin.CopyTo(0, pem, at, begin.Length);
                at += begin.Length;
                for (int i = 0; i < base64Length; i += 64)
                {
                    int count = Math.Min(64, base64Length - i);
                    Array.Copy(base64, i, pem, at, count);
                    at += count;
                    pem[at++] = '\n';
                }

                endLine.CopyTo(0, pem, at, endLine.Length);
                return pem;
            }
            finally
            {
                Array.Clear(base64, 0, base64.Length);
            }
        }

        /// <summary>Literal "\r\n" and "\n" escapes become line feeds; the same array comes back when there are none.</summary>
        private static char[] UnescapeJsonNewlines(char[] text)
        {
            if (IndexOf(text, text.Length, "\\n", 0) < 0)
            {
                return text;
            }

            var result = new char[text.Length];
            int length = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (StartsWith(text, text.Length, i, "\\r\\n"))
                {
                    result[length++] = '\n';
                    i += 3;
                }
                else if (StartsWith(text, text.Length, i, "\\n"))
                {
                    result[length++] = '\n';
                    i += 1;
                }
                else
                {
                    result[length++] = text[i];
                }
            }

            var exact = new char[length];
            Array.Copy(result, exact, length);
            Array.Clear(result, 0, result.Length);
            return exact;
        }

        private static bool StartsWith(char[] text, int length, int at, string value)
        {
            if (at < 0 || at + value.Length > length)
            {
                return false;
            }

            for (int i = 0; i < value.Length; i++)
            {
                if (text[at + i] != value[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int IndexOf(char[] text, int length, string value, int from)
        {
            char first = value[0];
            for (int i = Math.Max(0, from); i <= length - value.Length; i++)
            {
                if (text[i] == first && StartsWith(text, length, i, value))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
