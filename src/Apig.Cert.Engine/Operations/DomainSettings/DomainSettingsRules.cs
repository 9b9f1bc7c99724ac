using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// What AssociateDomainV2 and UpdateDomainV2 validate, checked before anything is sent (apig-api.md §3.5), so a bad
    /// value is an error that names the parameter and the fix instead of APIG's "Invalid parameter value".
    /// </summary>
    public static class DomainSettingsRules
    {
        public const int MaxDomainNameLength = 255;

        /// <summary>The documented limit of custom domains per API group (AssociateDomainV2; APIG.3108 beyond it).</summary>
        public const int MaxDomainsPerGroup = 5;

        public const int DefaultHttpPort = 80;
        public const int DefaultHttpsPort = 443;
        public const int DisabledPort = -1;
        public const int MinCustomPort = 1024;
        public const int MaxCustomPort = 49151;

        public const string Tls11 = "TLSv1.1";
        public const string Tls12 = "TLSv1.2";

        // Labels of letters, digits and inner hyphens, a top label of letters; one leading "*." for a wildcard.
        private static readonly Regex DomainNamePattern = new Regex(
            @"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
            RegexOptions.CultureInvariant);

        /// <summary>The name trimmed, or <see cref="ApigInputException"/> "InvalidDomainName" naming <paramref name="inputName"/>.</summary>
        public static string EnsureValidDomainName(string? name, string inputName)
        {
            string trimmed = (name ?? string.Empty).Trim();
            if (trimmed.Length == 0)
            {
                throw new ApigInputException("DomainNameRequired", inputName,
                    "-" + inputName + " is empty. Give the custom domain's name, for example -" + inputName + " api.example.com.");
            }

            if (trimmed.Length > MaxDomainNameLength)
            {
                throw new ApigInputException("InvalidDomainName", inputName,
                    "-" + inputName + " is " + trimmed.Length.ToString(CultureInfo.InvariantCulture) + " characters long; APIG takes at most " +
                    MaxDomainNameLength.ToString(CultureInfo.InvariantCulture) + ". Give a shorter name.");
            }

            if (!DomainNamePattern.IsMatch(trimmed))
            {
                throw new ApigInputException("InvalidDomainName", inputName,
                    "-" + inputName + " '" + Printable(trimmed) + "' is not a domain name APIG accepts: dot-separated labels of letters, digits and " +
                    "inner hyphens (each 1-63 characters), ending in a label of letters, optionally starting with '*.' for a wildcard, " +
                    "for example api.example.com or *.example.com (an internationalized name in its xn-- form, without a trailing dot).");
            }

            return trimmed;
        }

        /// <summary>"TLSv1.1" or "TLSv1.2" in APIG's spelling (any case accepted); null stays null.</summary>
        public static string? NormalizeMinSslVersion(string? value, string inputName)
        {
            if (value is null) return null;
            string trimmed = value.Trim();
            if (string.Equals(trimmed, Tls11, StringComparison.OrdinalIgnoreCase)) return Tls11;
            if (string.Equals(trimmed, Tls12, StringComparison.OrdinalIgnoreCase)) return Tls12;
            throw new ApigInputException("InvalidMinSslVersion", inputName,
                "-" + inputName + " '" + Printable(trimmed) + "' is not a TLS version APIG offers: give TLSv1.1 or TLSv1.2 (Huawei recommends TLSv1.2).");
        }

        /// <summary>
        /// The two ingress ports as APIG takes them: both or neither (the API refuses one alone). One given alone is
        /// completed with <paramref name="otherHttp"/> / <paramref name="otherHttps"/>: the domain's current port, or for
        /// a new domain the default. Each must be -1 (protocol off), its default (80, 443) or 1024-49151, and they may not
        /// both be -1 (the domain would serve nothing).
        /// </summary>
        public static (int? Http, int? Https) CompletePorts(int? http, int? https, int? otherHttp, int? otherHttps, string whereOtherComesFrom)
        {
            if (http.HasValue) EnsureValidPort(http.Value, DefaultHttpPort, "HttpPort");
            if (https.HasValue) EnsureValidPort(https.Value, DefaultHttpsPort, "HttpsPort");
            if (!http.HasValue && !https.HasValue) return (null, null);

            if (!http.HasValue)
            {
                http = otherHttp ?? throw PortMissing("HttpPort", "HttpsPort", whereOtherComesFrom);
            }
            else if (!https.HasValue)
            {
                https = otherHttps ?? throw PortMissing("HttpsPort", "HttpPort", whereOtherComesFrom);
            }

            if (http == DisabledPort && https == DisabledPort)
            {
                throw new ApigInputException("BothPortsDisabled", "HttpPort",
                    "-HttpPort and -HttpsPort would both be -1, which switches off HTTP and HTTPS: the domain would serve nothing. " +
                    "Keep at least one of them, for example -HttpPort -1 -HttpsPort 443 for HTTPS only.");
            }

            return (http, https);
        }

        private static void EnsureValidPort(int port, int defaultPort, string inputName)
        {
            if (port == DisabledPort || port == defaultPort || (port >= MinCustomPort && port <= MaxCustomPort)) return;
            throw new ApigInputException("InvalidPort", inputName,
                "-" + inputName + " " + port.ToString(CultureInfo.InvariantCulture) + " is not a port APIG accepts: give " +
                defaultPort.ToString(CultureInfo.InvariantCulture) + " (the default), a port from " +
                MinCustomPort.ToString(CultureInfo.InvariantCulture) + " to " + MaxCustomPort.ToString(CultureInfo.InvariantCulture) +
                ", or -1 to switch the protocol off.");
        }

        private static ApigInputException PortMissing(string missing, string given, string whereOtherComesFrom) =>
            new ApigInputException("PortsTogether", missing,
                "APIG takes -HttpPort and -HttpsPort together, and " + whereOtherComesFrom + " does not show the current " + missing +
                " to send with -" + given + ". Give -" + missing + " too.");

        // A name is echoed into an error message: control characters would break the line a console or log shows.
        private static string Printable(string value)
        {
            var chars = value.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (char.IsControl(chars[i])) chars[i] = '?';
            }

            string shown = new string(chars);
            return shown.Length > 80 ? shown.Substring(0, 80) + "..." : shown;
        }
    }
}
