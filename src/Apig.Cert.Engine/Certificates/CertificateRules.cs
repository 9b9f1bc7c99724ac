using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>The rules APIG applies to a certificate, checked locally so nothing bad is ever sent.</summary>
    public static class CertificateRules
    {
        internal const int MinNameLength = 4;
        internal const int MaxNameLength = 50;
        private const string ValidNameExample = "www_example_com_2027";

        /// <summary>APIG name rule: 4-50 of [A-Za-z0-9_] and Chinese characters, starting with a letter or Chinese character.</summary>
        public static void EnsureValidName(string name, string inputName)
        {
            string? problem = NameProblem(name ?? string.Empty);
            if (problem != null)
            {
                throw new ApigInputException("CertificateNameInvalid", inputName,
                    "The certificate name '" + name + "' given as -" + inputName + " is not valid: " + problem
                    + " APIG names are 4-50 characters of English letters, Chinese characters, digits and underscores, "
                    + "starting with a letter or Chinese character, e.g. '" + ValidNameExample + "'.");
            }
        }

        internal static bool IsValidName(string name) => NameProblem(name) == null;

        private static string? NameProblem(string name)
        {
            if (name.Length < MinNameLength)
            {
                return "it is too short (" + name.Length + " characters, at least " + MinNameLength + " needed).";
            }

            if (name.Length > MaxNameLength)
            {
                return "it is too long (" + name.Length + " characters, at most " + MaxNameLength + " allowed).";
            }

            if (!IsNameStart(name[0]))
            {
                return "it must start with an English letter or a Chinese character, not " + Describe(name[0]) + ".";
            }

            for (int i = 1; i < name.Length; i++)
            {
                if (!IsNameChar(name[i]))
                {
                    return "the character " + Describe(name[i]) + " at position " + (i + 1)
                        + " is not allowed (only letters, Chinese characters, digits and '_').";
                }
            }

            return null;
        }

        private static bool IsEnglishLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private static bool IsChinese(char c) => c >= '\u4e00' && c <= '\u9fa5';

        private static bool IsNameStart(char c) => IsEnglishLetter(c) || IsChinese(c);

        private static bool IsNameChar(char c) => IsNameStart(c) || (c >= '0' && c <= '9') || c == '_';

        private static string Describe(char c) =>
            char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c)
                ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
                : "'" + c + "'";

        /// <summary>
        /// A valid, deterministic name such as "www_example_com_20270301_3F2A1B": subject name, expiry date and the
        /// start of the thumbprint, so renewals of the same domain get distinct names that sort by expiry.
        /// </summary>
        public static string DefaultName(CertificateBundle bundle)
        {
            if (bundle == null)
            {
                throw new ArgumentNullException(nameof(bundle));
            }

            string suffix = "_" + bundle.NotAfter.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
                + "_" + bundle.Thumbprint.Substring(0, Math.Min(6, bundle.Thumbprint.Length));

            string source = bundle.CommonName.Trim();
            if (source.Length == 0 && bundle.DnsNames.Count > 0)
            {
                source = bundle.DnsNames[0].Trim();
            }

            if (source.StartsWith("*.", StringComparison.Ordinal))
            {
                source = "wildcard_" + source.Substring(2);
            }

            var namePart = new StringBuilder(source.Length);
            foreach (char c in source)
            {
                namePart.Append(IsNameChar(c) ? c : '_');
            }

            if (namePart.Length == 0 || !IsNameStart(namePart[0]))
            {
                namePart.Insert(0, namePart.Length == 0 ? "cert" : "cert_");
            }

            int room = MaxNameLength - suffix.Length;
            if (namePart.Length > room)
            {
                namePart.Length = room;
            }

            return namePart + suffix;
        }

        /// <summary>
        /// RFC 6125 matching against the SAN dNSNames (or the CN when there are none): case-insensitive, one trailing
        /// dot ignored, a wildcard only as the whole left-most label and only for exactly one label.
        /// A wildcard domain (APIG allows "*.example.com") is covered only by the identical wildcard entry.
        /// </summary>
        public static bool Covers(CertificateBundle bundle, string domainName)
        {
            if (bundle == null)
            {
                throw new ArgumentNullException(nameof(bundle));
            }

            return CoversAny(PresentedNames(bundle), domainName);
        }

        /// <summary>
        /// The same rule for a certificate known only by what APIG reports of it (a stored certificate's san[] and
        /// common_name): the SAN names, or the common name when there are none.
        /// </summary>
        public static bool Covers(IReadOnlyList<string>? dnsNames, string? commonName, string domainName) =>
            CoversAny(PresentedNames(dnsNames, commonName), domainName);

        private static bool CoversAny(IReadOnlyList<string> presentedNames, string domainName)
        {
            string? domain = Normalize(domainName);
            if (domain == null)
            {
                return false;
            }

            foreach (string presented in presentedNames)
            {
                string? pattern = Normalize(presented);
                if (pattern != null && NameMatches(pattern, domain))
                {
                    return true;
                }
            }

            return false;
        }

        public static void EnsureCovers(CertificateBundle bundle, string domainName, string inputName)
        {
            if (Covers(bundle, domainName))
            {
                return;
            }

            IReadOnlyList<string> names = PresentedNames(bundle);
            string covered = names.Count == 0 ? "no domain names at all" : "only " + string.Join(", ", names);
            throw new ApigInputException("DomainNotCovered", inputName,
                TheCertificate(bundle) + " does not cover the domain '" + domainName
                + "'; it covers " + covered + ". Use a certificate issued for '" + domainName + "' (or a matching wildcard), or bind it to one of the covered domains.");
        }

        /// <summary>APIG.3148: the last second a 32-bit signed Unix time can hold; a certificate must expire before it.</summary>
        public static readonly DateTime LatestAcceptedExpiryUtc = new DateTime(2038, 1, 19, 3, 14, 7, DateTimeKind.Utc);

        /// <summary>
        /// The rules APIG applies to every certificate whatever the domain: at least one DNS subjectAltName (APIG.2109
        /// refuses a certificate that names its host only in the CN) and an expiry before 2038-01-19 03:14:07 UTC (APIG.3148).
        /// </summary>
        public static void EnsureApigAccepts(CertificateBundle bundle, string inputName)
        {
            if (bundle == null)
            {
                throw new ArgumentNullException(nameof(bundle));
            }

            if (bundle.DnsNames.Count == 0)
            {
                string cn = bundle.CommonName.Length == 0 ? string.Empty : " (it names '" + bundle.CommonName + "' only in its subject CN)";
                throw new ApigInputException("CertificateHasNoDnsName", inputName,
                    TheCertificate(bundle) + " has no DNS name in its subject alternative names"
                    + cn + "; APIG refuses such certificates (APIG.2109). Request the certificate again with the domain names as DNS SAN entries.");
            }

            if (bundle.NotAfter >= LatestAcceptedExpiryUtc)
            {
                throw new ApigInputException("CertificateExpiresTooLate", inputName,
                    TheCertificate(bundle) + " expires on " + UtcText(bundle.NotAfter)
                    + " UTC; APIG accepts only certificates that expire before 2038-01-19 03:14:07 UTC (APIG.3148). Issue it with a shorter validity.");
            }
        }

        public static void EnsureCurrentlyValid(CertificateBundle bundle, DateTime utcNow, string inputName)
        {
            if (bundle == null)
            {
                throw new ArgumentNullException(nameof(bundle));
            }

            DateTime now = utcNow.Kind == DateTimeKind.Local ? utcNow.ToUniversalTime() : utcNow;
            if (now > bundle.NotAfter)
            {
                throw new ApigInputException("CertificateExpired", inputName,
                    TheCertificate(bundle) + " expired on " + UtcText(bundle.NotAfter)
                    + " UTC. Renew it and use the new certificate.");
            }

            if (now < bundle.NotBefore)
            {
                throw new ApigInputException("CertificateNotYetValid", inputName,
                    TheCertificate(bundle) + " is not valid before " + UtcText(bundle.NotBefore)
                    + " UTC. Check that this computer's clock is right, or wait until then.");
            }
        }

        // How every message names the certificate, so the user can find it in a store or file listing.
        private static string TheCertificate(CertificateBundle bundle) =>
            "The certificate '" + bundle.Subject + "' (thumbprint " + bundle.Thumbprint + ")";

        private static string UtcText(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        private static IReadOnlyList<string> PresentedNames(CertificateBundle bundle) => PresentedNames(bundle.DnsNames, bundle.CommonName);

        /// <summary>The names a certificate presents: its SAN dNSNames, or its common name when it has none.</summary>
        public static IReadOnlyList<string> PresentedNames(IReadOnlyList<string>? dnsNames, string? commonName)
        {
            if (dnsNames != null && dnsNames.Count > 0)
            {
                return dnsNames;
            }

            return string.IsNullOrEmpty(commonName) ? new string[0] : new[] { commonName! };
        }

        /// <summary>Lower-case ASCII form without one trailing dot; internationalized names become punycode so both sides compare alike.</summary>
        private static string? Normalize(string? name)
        {
            if (name == null)
            {
                return null;
            }

            name = name.Trim();
            if (name.EndsWith(".", StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - 1);
            }

            if (name.Length == 0)
            {
                return null;
            }

            foreach (char c in name)
            {
                if (c > 0x7F)
                {
                    try
                    {
                        bool wildcard = name.StartsWith("*.", StringComparison.Ordinal);
                        string ascii = new IdnMapping().GetAscii(wildcard ? name.Substring(2) : name);
                        name = wildcard ? "*." + ascii : ascii;
                    }
                    catch (ArgumentException)
                    {
                        return null;
                    }

                    break;
                }
            }

            return name.ToLowerInvariant();
        }

        private static bool NameMatches(string pattern, string domain)
        {
            if (domain.IndexOf('*') >= 0)
            {
                // A wildcard custom domain needs the very same wildcard on the certificate.
                return domain.StartsWith("*.", StringComparison.Ordinal)
                    && domain.IndexOf('*', 1) < 0
                    && string.Equals(pattern, domain, StringComparison.Ordinal);
            }

            if (pattern.IndexOf('*') < 0)
            {
                return string.Equals(pattern, domain, StringComparison.Ordinal);
            }

            // Only "*.<at least two labels>": no partial-label wildcards, no "*.com".
            if (!pattern.StartsWith("*.", StringComparison.Ordinal) || pattern.IndexOf('*', 1) >= 0)
            {
                return false;
            }

            string parent = pattern.Substring(2);
            if (parent.IndexOf('.') < 0)
            {
                return false;
            }

            if (!domain.EndsWith("." + parent, StringComparison.Ordinal))
            {
                return false;
            }

            string leftLabel = domain.Substring(0, domain.Length - parent.Length - 1);
            return leftLabel.Length > 0 && leftLabel.IndexOf('.') < 0;
        }
    }
}
