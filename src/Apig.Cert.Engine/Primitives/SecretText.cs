using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace Apig.Cert.Engine.Primitives
{
    /// <summary>
    /// Turns SecureString secrets into usable forms only at the moment of use. Every form starts as <see cref="ToChars"/>,
    /// the one place that copies a SecureString out: the unmanaged copy is zeroed there, and each caller clears the
    /// arrays it gets.
    /// </summary>
    internal static class SecretText
    {
        public static SecureString FromString(string value)
        {
            var secure = new SecureString();
            foreach (char c in value) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        public static bool IsNullOrEmpty(SecureString? value) => value == null || value.Length == 0;

        /// <summary>The characters, in an array the caller clears after use.</summary>
        public static char[] ToChars(SecureString value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            if (value.Length == 0) return new char[0];

            IntPtr unmanaged = IntPtr.Zero;
            var chars = new char[value.Length];
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(value);
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                return chars;
            }
            catch
            {
                Array.Clear(chars, 0, chars.Length);
                throw;
            }
            finally
            {
                if (unmanaged != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }

        /// <summary>
        /// Plain string for values that must go into a header or a JSON body anyway (tokens, passwords); the copies on
        /// the way are zeroed, the managed string is left to the GC like any header value.
        /// </summary>
        public static string Reveal(SecureString value)
        {
            char[] chars = ToChars(value);
            try
            {
                return new string(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>UTF-8 bytes for the HMAC key; the caller clears the array after use.</summary>
        public static byte[] ToUtf8(SecureString value)
        {
            char[] chars = ToChars(value);
            try
            {
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }
    }
}
