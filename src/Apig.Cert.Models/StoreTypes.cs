using System;
using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>
    /// A certificate in APIG's certificate store ("SSL certificate management"): one certificate that many domains can
    /// be bound to, and whose content can be replaced in place. The API never returns its PEM, key or CA content.
    /// </summary>
    public sealed class ApigCertificate : IApigContextBound
    {
        public string CertificateId { get; set; } = string.Empty;

        public string? Name { get; set; }

        /// <summary>Global (every instance of the project) or Instance (one instance).</summary>
        public string? Type { get; set; }

        /// <summary>The instance of an Instance certificate; null for a Global one (APIG reports "common").</summary>
        public string? InstanceId { get; set; }

        public string ProjectId { get; set; } = string.Empty;

        public string? CommonName { get; set; }

        private IReadOnlyList<string> _subjectAlternativeNames = JoinedList<string>.Empty;

        public IReadOnlyList<string> SubjectAlternativeNames
        {
            get => _subjectAlternativeNames;
            set => _subjectAlternativeNames = JoinedList<string>.From(value);
        }

        public DateTime? NotBefore { get; set; }

        public DateTime? NotAfter { get; set; }

        /// <summary>Whole days until NotAfter when the object was made; negative once expired.</summary>
        public int? DaysRemaining { get; set; }

        /// <summary>As APIG reports it (decimal or hex: the API does not fix the format).</summary>
        public string? SerialNumber { get; set; }

        public string? Issuer { get; set; }

        public string? SignatureAlgorithm { get; set; }

        /// <summary>RSA, ECC or SM2.</summary>
        public string? AlgorithmType { get; set; }

        /// <summary>True when the certificate carries CA certificates for client-certificate verification (mutual TLS).</summary>
        public bool HasTrustedRootCa { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        /// <summary>From New- and Set-ApigCertificate: false when the store already held this certificate and nothing was sent; null from a listing.</summary>
        public bool? Changed { get; set; }

        public string? RequestId { get; set; }

        public override string ToString() => (Name ?? CertificateId) + " (" + CertificateId + ")";

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }

    /// <summary>A stored certificate bound to one custom domain (one object per domain name, whatever its ingress ports).</summary>
    public sealed class ApigCertificateBinding : IApigContextBound
    {
        public string CertificateId { get; set; } = string.Empty;

        public string? CertificateName { get; set; }

        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string GroupId { get; set; } = string.Empty;

        public string? GroupName { get; set; }

        public string DomainId { get; set; } = string.Empty;

        public string DomainName { get; set; } = string.Empty;

        /// <summary>Whether the domain asks clients for a certificate and checks it against the certificate's trusted root CA.</summary>
        public bool VerifyClientCertificate { get; set; }

        public string? MinSslVersion { get; set; }

        public bool? RedirectToHttps { get; set; }

        public int? HttpsPort { get; set; }

        /// <summary>From Add- and Remove-ApigCertificateBinding: false when nothing had to be sent; null from a listing.</summary>
        public bool? Changed { get; set; }

        public override string ToString() => DomainName + " -> " + (CertificateName ?? CertificateId);

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }
}
