using System;
using System.Collections.Generic;
using System.Security;
using Apig.Cert.Engine.Primitives;

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

        internal static PasswordChars From(SecureString? secure) =>
            new PasswordChars(secure == null ? new char[0] : SecretText.ToChars(secure));

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
