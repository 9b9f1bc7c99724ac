using System;
using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>
    /// The outcome of binding a certificate to one custom domain: what APIG now reports for the domain, plus the
    /// facts of the local certificate an admin checks (subject, expiry, thumbprint, names). Carries the ids needed to
    /// pipe onward.
    /// </summary>
    public sealed class DomainCertificateBinding : IApigContextBound
    {
        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string GroupId { get; set; } = string.Empty;

        public string DomainId { get; set; } = string.Empty;

        public string? DomainName { get; set; }

        public CnameStatus CnameStatus { get; set; }

        public string? MinSslVersion { get; set; }

        public string? CertificateId { get; set; }

        public string? CertificateName { get; set; }

        public string Subject { get; set; } = string.Empty;

        public DateTime NotAfter { get; set; }

        /// <summary>SHA-1 of the leaf certificate, upper-case hex.</summary>
        public string Thumbprint { get; set; } = string.Empty;

        private IReadOnlyList<string> _dnsNames = JoinedList<string>.Empty;

        public IReadOnlyList<string> DnsNames
        {
            get => _dnsNames;
            set => _dnsNames = JoinedList<string>.From(value);
        }

        /// <summary>False when the domain already had this certificate and nothing was sent.</summary>
        public bool Changed { get; set; } = true;

        public string? RequestId { get; set; }

        public override string ToString() => (DomainName ?? DomainId) + " -> " + CertificateName;

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }
}
