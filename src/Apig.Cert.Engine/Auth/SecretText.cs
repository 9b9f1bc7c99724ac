using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace Apig.Cert.Engine.Auth
{
    /// <summary>Turns SecureString secrets into usable forms only at the moment of use.</summary>
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

        /// <summary>
        /// Plain string for values that must go into a header or a JSON body anyway (tokens, passwords); the
        /// unmanaged copy is zeroed, the managed string is left to the GC like any header value.
        /// </summary>
        public static string Reveal(SecureString value)
        {
            IntPtr unmanaged = IntPtr.Zero;
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(unmanaged, value.Length);
            }
            finally
            {
                if (unmanaged != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }

        /// <summary>UTF-8 bytes for the HMAC key; the caller clears the array after use.</summary>
        public static byte[] ToUtf8(SecureString value)
        {
            IntPtr unmanaged = IntPtr.Zero;
            char[] chars = new char[value.Length];
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(value);
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                if (unmanaged != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }
    }
}
