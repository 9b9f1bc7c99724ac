using System;
using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>
    /// What one TLS connection to a custom domain showed (Test-ApigDomainCertificate): the certificate a client is
    /// really served, whether a client would trust it, and whether it is the one APIG says is bound.
    /// </summary>
    public sealed class ApigTlsCheck : IApigContextBound
    {
        public string DomainName { get; set; } = string.Empty;

        /// <summary>Null when the domain was given by name only and is not known to APIG (or there is no connection).</summary>
        public string? DomainId { get; set; }

        public string? InstanceId { get; set; }

        public string? GroupId { get; set; }

        /// <summary>host:port actually contacted; the domain name was sent as SNI.</summary>
        public string Endpoint { get; set; } = string.Empty;

        /// <summary>The leaf certificate the server presented; null when the check failed before it presented one.</summary>
        public ApigServedCertificate? Served { get; set; }

        /// <summary>How many certificates the server sent: the leaf and its intermediates.</summary>
        public int ChainLength { get; set; }

        /// <summary>The negotiated protocol as APIG names versions: TLSv1.2, TLSv1.3.</summary>
        public string? TlsProtocol { get; set; }

        /// <summary>The domain name is covered by the served leaf (SAN DNS names, wildcards one label; the CN only without SANs).</summary>
        public bool NameMatches { get; set; }

        /// <summary>A client would trust the chain (system roots plus -TrustedRootPath); the name is judged apart, in NameMatches.</summary>
        public bool ChainTrusted { get; set; }

        /// <summary>Why the chain is not trusted (untrusted root, expired, partial chain); null when it is.</summary>
        public string? ChainStatus { get; set; }

        /// <summary>The served leaf is the certificate APIG says is bound; null when that is unknown (no connection, or the name is no domain of APIG).</summary>
        public bool? MatchesBound { get; set; }

        /// <summary>What APIG says is bound (the certificate of the served leaf's algorithm when several are); null when unknown or nothing is bound.</summary>
        public ApigBoundCertificate? Bound { get; set; }

        /// <summary>Why the check did not work (refused, timeout, handshake failure, unknown name, not matched in time); null when it worked.</summary>
        public string? Error { get; set; }

        public ApigContext? Context { get; set; }

        public override string ToString() => DomainName + " @ " + Endpoint;
    }

    /// <summary>The leaf certificate a server presented.</summary>
    public sealed class ApigServedCertificate
    {
        /// <summary>SHA-1 of the certificate, upper-case hex.</summary>
        public string Thumbprint { get; set; } = string.Empty;

        public string Subject { get; set; } = string.Empty;

        public string Issuer { get; set; } = string.Empty;

        /// <summary>Upper-case hex.</summary>
        public string SerialNumber { get; set; } = string.Empty;

        public DateTime NotBefore { get; set; }

        public DateTime NotAfter { get; set; }

        /// <summary>Whole days until NotAfter when the check ran; negative once expired.</summary>
        public int DaysRemaining { get; set; }

        private IReadOnlyList<string> _subjectAlternativeNames = JoinedList<string>.Empty;

        public IReadOnlyList<string> SubjectAlternativeNames
        {
            get => _subjectAlternativeNames;
            set => _subjectAlternativeNames = JoinedList<string>.From(value);
        }

        public override string ToString() => Subject + " (" + Thumbprint + ")";
    }

    /// <summary>What APIG reports of a certificate bound to a domain: no thumbprint, so serial, issuer and expiry identify it.</summary>
    public sealed class ApigBoundCertificate
    {
        public string CertificateId { get; set; } = string.Empty;

        public string? Name { get; set; }

        public string? AlgorithmType { get; set; }

        /// <summary>As APIG reports it (decimal or hex).</summary>
        public string? SerialNumber { get; set; }

        public string? Issuer { get; set; }

        public DateTime? NotAfter { get; set; }

        public override string ToString() => (Name ?? CertificateId) + " (" + CertificateId + ")";
    }

    /// <summary>A TLS check that did not work; <see cref="Check"/> is the object written for it, with its Error set.</summary>
    public sealed class ApigTlsCheckException : Exception
    {
        public ApigTlsCheckException(string errorId, ApigTlsCheck check)
            : base(check?.Error ?? "The TLS check failed.")
        {
            ErrorId = errorId;
            Check = check!;
        }

        /// <summary>Stable id: TlsConnectTimeout, TlsConnectionRefused, TlsNameNotResolved, TlsHandshakeFailed, TlsNotMatched, ...</summary>
        public string ErrorId { get; }

        public ApigTlsCheck Check { get; }
    }
}
