namespace Apig.Cert.Engine.Primitives
{
    /// <summary>
    /// Bytes as hex digits, two per byte. Written out rather than taken from BouncyCastle's Hex: the AK/SK signer runs
    /// on paths that parse no certificate, and must not load BouncyCastle just for this (netstandard2.0 has no
    /// Convert.ToHexString).
    /// </summary>
    internal static class Hex
    {
        private const string LowerDigits = "0123456789abcdef";
        private const string UpperDigits = "0123456789ABCDEF";

        /// <summary>Lowercase, as SDK-HMAC-SHA256 requires for its hashes and signature.</summary>
        internal static string Lower(byte[] bytes) => Encode(bytes, LowerDigits);

        /// <summary>Uppercase, as Windows shows thumbprints and serial numbers.</summary>
        internal static string Upper(byte[] bytes) => Encode(bytes, UpperDigits);

        private static string Encode(byte[] bytes, string digits)
        {
            var hex = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                hex[2 * i] = digits[bytes[i] >> 4];
                hex[(2 * i) + 1] = digits[bytes[i] & 0xF];
            }

            return new string(hex);
        }
    }
}
