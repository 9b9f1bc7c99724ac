using System.Globalization;
using System.Text;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The one percent-encoding of the project: what SDK-HMAC-SHA256 signs is what goes on the wire, so query values are
    /// encoded exactly the way the signer encodes them.
    /// </summary>
    public static class UrlEncoding
    {
        /// <summary>Percent-encodes UTF-8 bytes, keeping only A-Z a-z 0-9 - _ . ~ (space becomes %20, never '+').</summary>
        public static string Encode(string value)
        {
            var sb = new StringBuilder(value.Length);
            foreach (byte b in Encoding.UTF8.GetBytes(value))
            {
                char c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return sb.ToString();
        }
    }
}
