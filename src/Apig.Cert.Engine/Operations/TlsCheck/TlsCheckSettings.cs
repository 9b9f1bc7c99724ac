using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Probing;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// How Test-ApigDomainCertificate connects, checked before anything is sent, and the one TLS client of the command:
    /// shared by the checks of every context, so its count of open connections is the command's.
    /// </summary>
    public sealed class TlsCheckSettings
    {
        private TlsCheckSettings(TimeSpan connectTimeout, X509Certificate2? clientCertificate, IReadOnlyList<X509Certificate2> trustedRoots, TimeSpan pollInterval,
            IApigLog? log)
        {
            ConnectTimeout = connectTimeout;
            ClientCertificate = clientCertificate;
            TrustedRoots = trustedRoots;
            PollInterval = pollInterval;
            Prober = new TlsProber(new TlsProbeOptions
            {
                ConnectTimeout = connectTimeout,
                HandshakeTimeout = connectTimeout,
                ClientCertificate = clientCertificate,
                TrustedRoots = trustedRoots,
            }, log);
        }

        internal TlsProber Prober { get; }

        /// <summary>The most TLS connections open at once so far.</summary>
        public int PeakConnections => Prober.PeakConnections;

        /// <summary>How many TLS connections were opened so far.</summary>
        public int ConnectionsOpened => Prober.ConnectionsOpened;

        /// <summary>Both the TCP connect and the TLS handshake get this long each.</summary>
        public TimeSpan ConnectTimeout { get; }

        public X509Certificate2? ClientCertificate { get; }

        public IReadOnlyList<X509Certificate2> TrustedRoots { get; }

        /// <summary>How long -WaitUntilMatches waits between two checks of one domain.</summary>
        public TimeSpan PollInterval { get; }

        /// <summary>
        /// The checked settings: a client certificate must have its private key (a server that asks for one would refuse
        /// it anyway, after a connection that proves nothing), and the trusted roots must be readable certificates.
        /// </summary>
        public static TlsCheckSettings Create(TimeSpan connectTimeout, X509Certificate2? clientCertificate, IEnumerable<string>? trustedRootPaths, TimeSpan pollInterval,
            IApigLog? log = null)
        {
            if (connectTimeout <= TimeSpan.Zero)
            {
                throw new ApigInputException("ConnectTimeoutInvalid", "ConnectTimeoutSec", "-ConnectTimeoutSec must be more than 0 seconds.");
            }

            if (clientCertificate != null && !clientCertificate.HasPrivateKey)
            {
                throw new ApigInputException("ClientCertificateWithoutKey", "ClientCertificate",
                    "The -ClientCertificate '" + clientCertificate.Subject + "' (thumbprint " + clientCertificate.Thumbprint +
                    ") has no private key, so it cannot prove anything to a server. Give the certificate with its key, for example " +
                    "Get-PfxCertificate -FilePath client.pfx, or [Security.Cryptography.X509Certificates.X509Certificate2]::new('client.pfx', $password).");
            }

            IReadOnlyList<X509Certificate2> roots = TrustedRootFiles.Load(trustedRootPaths ?? Enumerable.Empty<string>(), "TrustedRootPath")
                .Select(der => new X509Certificate2(der))
                .ToList();
            return new TlsCheckSettings(connectTimeout, clientCertificate, roots, pollInterval <= TimeSpan.Zero ? TimeSpan.FromSeconds(2) : pollInterval, log);
        }
    }

    /// <summary>Where to connect instead of the domain name itself: host[:port] (an IP, the group's subdomain), the domain still sent as SNI.</summary>
    public sealed class TlsEndpoint
    {
        public const int DefaultHttpsPort = 443;

        private TlsEndpoint(string host, int? port)
        {
            Host = host;
            Port = port;
        }

        public string Host { get; }

        /// <summary>Null when not given: the domain's own HTTPS port is used.</summary>
        public int? Port { get; }

        /// <summary>"203.0.113.10", "gw.example.com:8443", "[2001:db8::1]:443" or a bare IPv6 address.</summary>
        public static TlsEndpoint Parse(string? value, string inputName)
        {
            string text = (value ?? string.Empty).Trim();
            if (text.Length == 0 || text.IndexOf("://", StringComparison.Ordinal) >= 0 || text.IndexOf('/') >= 0 || text.Any(char.IsWhiteSpace))
            {
                throw Invalid(text, inputName);
            }

            string host = text;
            string? portText = null;
            if (text.StartsWith("[", StringComparison.Ordinal))
            {
                int close = text.IndexOf(']');
                if (close < 2) throw Invalid(text, inputName);
                host = text.Substring(1, close - 1);
                string rest = text.Substring(close + 1);
                if (rest.Length > 0)
                {
                    if (!rest.StartsWith(":", StringComparison.Ordinal)) throw Invalid(text, inputName);
                    portText = rest.Substring(1);
                }
            }
            else if (text.Count(c => c == ':') == 1)
            {
                int colon = text.IndexOf(':');
                host = text.Substring(0, colon);
                portText = text.Substring(colon + 1);
            }

            int? port = null;
            if (portText != null)
            {
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed < 1 || parsed > 65535)
                {
                    throw Invalid(text, inputName);
                }

                port = parsed;
            }

            if (host.Length == 0) throw Invalid(text, inputName);
            return new TlsEndpoint(host, port);
        }

        public override string ToString() => Port.HasValue ? TlsProber.FormatEndpoint(Host, Port.Value) : Host;

        private static ApigInputException Invalid(string text, string inputName) =>
            new ApigInputException("EndpointInvalid", inputName,
                "-" + inputName + " '" + text + "' is not host[:port]. Give an address or name with an optional port and no scheme or path, for example 203.0.113.10, gw.example.com:8443 or [2001:db8::1]:443.");
    }
}
