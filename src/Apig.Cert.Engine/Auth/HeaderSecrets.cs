using System;
using System.Security;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Auth
{
    /// <summary>
    /// Secrets that travel as HTTP header values (X-Auth-Token, X-Security-Token). A token read with Get-Content -Raw
    /// ends in a line break, which would end the header early and turn the rest of the request into garbage; a CR/LF
    /// inside one would let the value add headers of its own. Surrounding whitespace is trimmed, and any control
    /// character left is refused without ever showing the value.
    /// </summary>
    internal static class HeaderSecrets
    {
        /// <summary>A trimmed read-only copy of <paramref name="value"/>; ApigInputException when it is empty or holds a control character.</summary>
        public static SecureString Normalize(SecureString value, string inputName, string description)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));

            char[] chars = SecretText.ToChars(value);
            try
            {
                int start = 0;
                int end = chars.Length;
                while (start < end && char.IsWhiteSpace(chars[start])) start++;
                while (end > start && char.IsWhiteSpace(chars[end - 1])) end--;

                if (start == end)
                {
                    throw new ApigInputException(inputName + "Required", inputName,
                        "The " + description + " (-" + inputName + ") is empty or only whitespace.");
                }

                for (int i = start; i < end; i++)
                {
                    if (char.IsControl(chars[i]))
                    {
                        // Position only, never the value: the message must not leak any part of the secret.
                        throw new ApigInputException("Invalid" + inputName, inputName,
                            "The " + description + " (-" + inputName + ") contains a control character (such as a line break) at position " +
                            (i - start + 1) + ", which a header value cannot have. Copy the value again without line breaks.");
                    }
                }

                var trimmed = new SecureString();
                for (int i = start; i < end; i++) trimmed.AppendChar(chars[i]);
                trimmed.MakeReadOnly();
                return trimmed;
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }
    }
}
