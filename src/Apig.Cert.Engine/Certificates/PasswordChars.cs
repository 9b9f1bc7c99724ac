using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// A password as char[] for exactly as long as a decryption needs it; every copy handed out is zeroed on Dispose,
    /// so the clear text does not linger on the managed heap.
    /// </summary>
    internal sealed class PasswordChars : IDisposable
    {
        private readonly List<char[]> _copies = new List<char[]>();
        private readonly char[] _chars;

        private PasswordChars(char[] chars)
        {
            _chars = chars;
            _copies.Add(chars);
        }

        /// <summary>True when the user supplied no password or an empty one.</summary>
        internal bool IsEmpty => _chars.Length == 0;

        internal static PasswordChars From(SecureString? secure)
        {
            if (secure == null || secure.Length == 0)
            {
                return new PasswordChars(new char[0]);
            }

            IntPtr unmanaged = IntPtr.Zero;
            var chars = new char[secure.Length];
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secure);
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
            }
            finally
            {
                if (unmanaged != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
                }
            }

            return new PasswordChars(chars);
        }

        internal static PasswordChars Take(char[] chars) => new PasswordChars(chars);

        /// <summary>A fresh copy for APIs that may keep or clear the array they are given; zeroed on Dispose too.</summary>
        internal char[] Copy()
        {
            var copy = (char[])_chars.Clone();
            _copies.Add(copy);
            return copy;
        }

        public void Dispose()
        {
            foreach (char[] copy in _copies)
            {
                Array.Clear(copy, 0, copy.Length);
            }

            _copies.Clear();
        }
    }
}
