using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Apig.Cert.Engine.Probing
{
    /// <summary>How a <see cref="TlsProber"/> connects: its time limits, the client certificate it offers, the private roots it trusts.</summary>
    public sealed class TlsProbeOptions
    {
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

        public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Offered when the server asks for one; must have its private key.</summary>
        public X509Certificate2? ClientCertificate { get; set; }

        /// <summary>Root certificates trusted besides the system's (a private CA).</summary>
        public IReadOnlyList<X509Certificate2> TrustedRoots { get; set; } = Array.Empty<X509Certificate2>();
    }

    /// <summary>Why a probe got no certificate.</summary>
    public enum TlsProbeFailure
    {
        None,
        NameNotResolved,
        Refused,
        ConnectTimeout,
        ConnectFailed,
        HandshakeTimeout,
        HandshakeFailed,
    }

    /// <summary>What one TLS connection showed: the served leaf and how it fares, or why there was none.</summary>
    public sealed class TlsProbeResult
    {
        private TlsProbeResult(string serverName, string endpoint)
        {
            ServerName = serverName;
            Endpoint = endpoint;
        }

        public string ServerName { get; }

        /// <summary>host:port actually contacted.</summary>
        public string Endpoint { get; }

        public TlsProbeFailure Failure { get; private set; }

        /// <summary>Null when the handshake completed.</summary>
        public string? Error { get; private set; }

        public Certificates.CertificateFacts? Leaf { get; private set; }

        /// <summary>How many certificates the server sent (leaf and intermediates).</summary>
        public int ChainLength { get; private set; }

        public string? Protocol { get; private set; }

        public bool NameMatches { get; private set; }

        public bool ChainTrusted { get; private set; }

        /// <summary>Why the chain is not trusted; null when it is.</summary>
        public string? ChainProblem { get; private set; }

        internal static TlsProbeResult Failed(string serverName, string endpoint, TlsProbeFailure failure, string error) =>
            new TlsProbeResult(serverName, endpoint) { Failure = failure, Error = error };

        internal static TlsProbeResult Succeeded(string serverName, string endpoint, Certificates.CertificateFacts leaf, int chainLength, string protocol,
            bool nameMatches, bool chainTrusted, string? chainProblem) =>
            new TlsProbeResult(serverName, endpoint)
            {
                Leaf = leaf,
                ChainLength = chainLength,
                Protocol = protocol,
                NameMatches = nameMatches,
                ChainTrusted = chainTrusted,
                ChainProblem = chainProblem,
            };
    }
}
