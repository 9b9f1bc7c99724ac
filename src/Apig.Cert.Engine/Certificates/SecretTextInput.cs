using System;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Text that holds a private key (a base64 PKCS#12 or a PEM with its key), as the caller gave it: a SecureString
    /// (Get-AzKeyVaultSecret's SecretValue), or a string (an Azure DevOps secret variable arrives as one). Read into a
    /// char array only at the moment of parsing; the loader clears that array.
    /// </summary>
    public sealed class SecretTextInput
    {
        private readonly string? _plain;
        private readonly SecureString? _secure;

        private SecretTextInput(string? plain, SecureString? secure)
        {
            _plain = plain;
            _secure = secure;
        }

        public static SecretTextInput FromString(string value) => new SecretTextInput(value ?? throw new ArgumentNullException(nameof(value)), null);

        public static SecretTextInput FromSecureString(SecureString value) => new SecretTextInput(null, value ?? throw new ArgumentNullException(nameof(value)));

        /// <summary>Characters the caller clears after use. A string given by the caller stays the caller's string: it cannot be cleared.</summary>
        internal char[] Reveal() => _secure != null ? SecretText.ToChars(_secure) : _plain!.ToCharArray();

        /// <summary>
        /// Which input this is, for the parse cache, never its content: a SecureString by its object (one secret object
        /// parsed once per command); a string by a hash of its text, as -CertificatePem and -PrivateKeyPem are.
        /// </summary>
        internal string Identity
        {
            get
            {
                if (_secure != null)
                {
                    return "secure:" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_secure).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                using (var sha = SHA256.Create())
                {
                    byte[] utf8 = Encoding.UTF8.GetBytes(_plain!);
                    byte[] hash = sha.ComputeHash(utf8);
                    Array.Clear(utf8, 0, utf8.Length);
                    return "text:" + Hex.Lower(hash);
                }
            }
        }
    }
}
