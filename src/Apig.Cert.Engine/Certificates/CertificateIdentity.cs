using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Whether what APIG reports about a bound certificate describes the very certificate we hold. APIG never returns
    /// the certificate itself or a thumbprint, so identity is: the same serial number, the same issuer, the same expiry
    /// and (when APIG lists one) the same SAN set. Everything here is strict: any doubt means "different", which costs
    /// one upload, while a wrong "same" would leave the old certificate in place and report the new one.
    /// </summary>
    public static class CertificateIdentity
    {
        private static readonly Dictionary<string, string> AttributeAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["S"] = "ST", ["2.5.4.9"] = "STREET",
            ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU", ["2.5.4.5"] = "SERIALNUMBER", ["1.2.840.113549.1.9.1"] = "E",
            ["EMAILADDRESS"] = "E", ["EMAIL"] = "E", ["0.9.2342.19200300.100.1.25"] = "DC",
        };

        /// <param name="apiSerialNumber">serial_number as APIG gives it: decimal, hex, or colon-separated hex.</param>
        /// <param name="apiIssuer">issuer[] as APIG gives it: one entry per issuer attribute.</param>
        /// <param name="apiNotAfter">not_after, or null when APIG gave none.</param>
        /// <param name="apiSan">san[]; an empty list means APIG gave none, and then it is not compared.</param>
        /// <param name="localSerialHex">The local leaf's serial as hex digits.</param>
        /// <param name="localIssuerParts">The local leaf's issuer attributes as "CN=value" parts, values unescaped.</param>
        /// <param name="localNotAfterUtc">The local leaf's NotAfter, UTC.</param>
        /// <param name="localDnsNames">The local leaf's SAN dNSNames.</param>
        public static bool IsSame(
            string? apiSerialNumber, IReadOnlyList<string>? apiIssuer, DateTimeOffset? apiNotAfter, IReadOnlyList<string>? apiSan,
            string localSerialHex, IReadOnlyList<string> localIssuerParts, DateTime localNotAfterUtc, IReadOnlyList<string> localDnsNames)
        {
            if (!TryParseHex(localSerialHex, out BigInteger localSerial) || !SerialMatches(apiSerialNumber, localSerial))
            {
                return false;
            }

            if (!IssuerMatches(apiIssuer, localIssuerParts))
            {
                return false;
            }

            // An answer without an expiry cannot prove the certificate is the same one.
            if (apiNotAfter == null || !SameSecond(apiNotAfter.Value.UtcDateTime, localNotAfterUtc))
            {
                return false;
            }

            return apiSan == null || apiSan.Count == 0 || SanMatches(apiSan, localDnsNames);
        }

        /// <summary>
        /// The API documents serial_number only as "string". Hex letters, colons, or a 0x prefix make it hex; a string of
        /// decimal digits only could be either (a Go service prints big integers in decimal, others print hex without
        /// letters by chance), so it matches when either reading equals the local serial.
        /// </summary>
        public static bool SerialMatches(string? apiSerialNumber, BigInteger localSerial)
        {
            string serial = (apiSerialNumber ?? string.Empty).Trim();
            if (serial.Length == 0)
            {
                return false;
            }

            bool explicitHex = false;
            if (serial.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                serial = serial.Substring(2);
                explicitHex = true;
            }

            if (serial.IndexOf(':') >= 0 || serial.IndexOf(' ') >= 0 || serial.IndexOf('-') > 0)
            {
                // "0A:1B:..." (and the space- or dash-separated variants): every group must be one or two hex digits.
                string[] groups = serial.Split(':', ' ', '-');
                if (groups.Any(g => g.Length == 0 || g.Length > 2 || !g.All(Uri.IsHexDigit)))
                {
                    return false;
                }

                return TryParseHex(string.Concat(groups.Select(g => g.PadLeft(2, '0'))), out BigInteger grouped) && grouped == localSerial;
            }

            bool allDecimal = serial.All(c => c >= '0' && c <= '9');
            if (!explicitHex && allDecimal
                && BigInteger.TryParse(serial, NumberStyles.None, CultureInfo.InvariantCulture, out BigInteger asDecimal)
                && asDecimal == localSerial)
            {
                return true;
            }

            return TryParseHex(serial, out BigInteger asHex) && asHex == localSerial;
        }

        /// <summary>
        /// The issuer is the same when APIG's parts are exactly the local issuer's attributes, as a multiset (order and
        /// case of the attribute names aside): either as "CN=Corp CA" parts, or as bare values ("Corp CA") should the
        /// service list values only. Never a substring test ("CN=Corp CA" is not "CN=Corp CA G2"), and an empty list
        /// proves nothing.
        /// </summary>
        public static bool IssuerMatches(IReadOnlyList<string>? apiIssuer, IReadOnlyList<string> localIssuerParts)
        {
            if (apiIssuer == null || apiIssuer.Count == 0 || localIssuerParts.Count == 0 || apiIssuer.Count != localIssuerParts.Count)
            {
                return false;
            }

            List<string> localTyped = localIssuerParts.Select(CanonicalPart).ToList();
            if (apiIssuer.All(part => part != null && TypeOf(part) != null)
                && SameMultiset(apiIssuer.Select(CanonicalPart), localTyped))
            {
                return true;
            }

            return SameMultiset(apiIssuer.Select(part => (part ?? string.Empty).Trim()), localIssuerParts.Select(ValueOf));
        }

        private static bool SanMatches(IReadOnlyList<string> apiSan, IReadOnlyList<string> localDnsNames)
        {
            var api = new HashSet<string>(apiSan.Select(NormalizeDnsName), StringComparer.Ordinal);
            var local = new HashSet<string>(localDnsNames.Select(NormalizeDnsName), StringComparer.Ordinal);
            return api.SetEquals(local);
        }

        private static string NormalizeDnsName(string name)
        {
            string trimmed = (name ?? string.Empty).Trim();
            if (trimmed.EndsWith(".", StringComparison.Ordinal))
            {
                trimmed = trimmed.Substring(0, trimmed.Length - 1);
            }

            return trimmed.ToLowerInvariant();
        }

        private static bool SameSecond(DateTime a, DateTime b)
        {
            DateTime utcA = a.Kind == DateTimeKind.Local ? a.ToUniversalTime() : a;
            DateTime utcB = b.Kind == DateTimeKind.Local ? b.ToUniversalTime() : b;
            return utcA.Ticks / TimeSpan.TicksPerSecond == utcB.Ticks / TimeSpan.TicksPerSecond;
        }

        private static bool SameMultiset(IEnumerable<string> first, IEnumerable<string> second)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string item in first)
            {
                counts.TryGetValue(item, out int count);
                counts[item] = count + 1;
            }

            foreach (string item in second)
            {
                if (!counts.TryGetValue(item, out int count) || count == 0)
                {
                    return false;
                }

                counts[item] = count - 1;
            }

            return counts.Values.All(c => c == 0);
        }

        /// <summary>"cn = Corp CA" and "2.5.4.3=Corp CA" both become "CN=Corp CA"; the value itself is compared exactly.</summary>
        private static string CanonicalPart(string part)
        {
            string? type = TypeOf(part);
            if (type == null)
            {
                return part.Trim();
            }

            string value = part.Substring(part.IndexOf('=') + 1).Trim();
            return type + "=" + value;
        }

        private static string ValueOf(string part)
        {
            int equals = part.IndexOf('=');
            return (equals < 0 ? part : part.Substring(equals + 1)).Trim();
        }

        /// <summary>The canonical attribute name when the part reads "NAME=value" with NAME a keyword or an OID; otherwise null.</summary>
        private static string? TypeOf(string part)
        {
            int equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            string name = part.Substring(0, equals).Trim();
            bool keyword = name.Length > 0 && char.IsLetter(name[0]) && name.All(c => char.IsLetterOrDigit(c) || c == '-');
            bool oid = name.Length > 0 && name.All(c => char.IsDigit(c) || c == '.') && char.IsDigit(name[0]);
            if (!keyword && !oid)
            {
                return null;
            }

            return AttributeAliases.TryGetValue(name, out string? alias) ? alias : name.ToUpperInvariant();
        }

        private static bool TryParseHex(string hex, out BigInteger value)
        {
            value = BigInteger.Zero;
            if (hex.Length == 0 || !hex.All(Uri.IsHexDigit))
            {
                return false;
            }

            // A leading 0 keeps the number positive: BigInteger reads hex as two's complement.
            return BigInteger.TryParse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
    }
}
