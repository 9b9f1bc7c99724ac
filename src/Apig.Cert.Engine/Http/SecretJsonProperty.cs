using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// Adds one string property holding a secret (a private key) to a serialized JSON object, writing the value from a
    /// span straight into an exactly sized byte array. No string of the secret is made, and no pooled or growing buffer
    /// ever holds it (System.Text.Json's escaping returns rented arrays uncleared), so clearing the returned array after
    /// the request is all it takes.
    /// </summary>
    internal static class SecretJsonProperty
    {
        private const string HexDigits = "0123456789ABCDEF";

        /// <summary><paramref name="jsonObject"/> with "name":"value" added as its last member.</summary>
        internal static byte[] Append(byte[] jsonObject, string propertyName, ReadOnlySpan<char> value)
        {
            int close = Array.LastIndexOf(jsonObject, (byte)'}');
            if (close < 0)
            {
                throw new ArgumentException("Not a serialized JSON object.", nameof(jsonObject));
            }

            bool hasMembers = false;
            for (int i = close - 1; i >= 0 && !hasMembers; i--)
            {
                byte b = jsonObject[i];
                if (b == (byte)'{')
                {
                    break;
                }

                hasMembers = b != (byte)' ' && b != (byte)'\n' && b != (byte)'\r' && b != (byte)'\t';
            }

            int length = close + (hasMembers ? 1 : 0) + EscapedLength(propertyName.AsSpan()) + 1 + EscapedLength(value) + 1;
            var body = new byte[length];
            Buffer.BlockCopy(jsonObject, 0, body, 0, close);
            int at = close;
            if (hasMembers)
            {
                body[at++] = (byte)',';
            }

            at = WriteString(body, at, propertyName.AsSpan());
            body[at++] = (byte)':';
            at = WriteString(body, at, value);
            body[at++] = (byte)'}';
            return body;
        }

        private static int WriteString(byte[] target, int at, ReadOnlySpan<char> value)
        {
            target[at++] = (byte)'"';
            foreach (char c in value)
            {
                string? shortForm = ShortEscape(c);
                if (shortForm != null)
                {
                    target[at++] = (byte)'\\';
                    target[at++] = (byte)shortForm[0];
                }
                else if (NeedsUnicodeEscape(c))
                {
                    target[at++] = (byte)'\\';
                    target[at++] = (byte)'u';
                    target[at++] = (byte)HexDigits[(c >> 12) & 0xF];
                    target[at++] = (byte)HexDigits[(c >> 8) & 0xF];
                    target[at++] = (byte)HexDigits[(c >> 4) & 0xF];
                    target[at++] = (byte)HexDigits[c & 0xF];
                }
                else
                {
                    target[at++] = (byte)c;
                }
            }

            target[at++] = (byte)'"';
            return at;
        }

        private static int EscapedLength(ReadOnlySpan<char> value)
        {
            int length = 2;
            foreach (char c in value)
            {
                length += ShortEscape(c) != null ? 2 : NeedsUnicodeEscape(c) ? 6 : 1;
            }

            return length;
        }

        private static string? ShortEscape(char c)
        {
            switch (c)
            {
                case '\\': return "\\";
                case '\n': return "n";
                case '\r': return "r";
                case '\t': return "t";
                case '\b': return "b";
                case '\f': return "f";
                default: return null;
            }
        }

        // The same characters System.Text.Json's default encoder escapes: controls, non-ASCII and the HTML-sensitive ones.
        private static bool NeedsUnicodeEscape(char c) =>
            c < 0x20 || c > 0x7E || c == '"' || c == '<' || c == '>' || c == '&' || c == '\'' || c == '+' || c == '`';
    }
}
