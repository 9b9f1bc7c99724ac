using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    internal static class Hex
    {
        internal static string Upper(byte[] bytes)
        {
            var hex = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                hex.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return hex.ToString();
        }
    }
}
