using System;
using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>A dedicated APIG gateway instance.</summary>
    public sealed class ApigInstance : IApigContextBound
    {
        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string? Name { get; set; }

        /// <summary>e.g. Running, Creating, CreateFail.</summary>
        public string? Status { get; set; }

        /// <summary>BASIC, PROFESSIONAL, ENTERPRISE, PLATINUM, ...</summary>
        public string? Spec { get; set; }

        public string? Type { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public string? EnterpriseProjectId { get; set; }

        public string? EipAddress { get; set; }

        public override string ToString() => Name ?? InstanceId;

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }

    /// <summary>An API group of an instance; custom domains belong to groups.</summary>
    public sealed class ApigGroup : IApigContextBound
    {
        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string GroupId { get; set; } = string.Empty;

        public string? Name { get; set; }

        /// <summary>Valid (1) as APIG reports it; another number shows as that number.</summary>
        public ApigGroupStatus? Status { get; set; }

        /// <summary>The group's system subdomain.</summary>
        public string? SubDomain { get; set; }

        public int DomainCount { get; set; }

        public string? Remark { get; set; }

        public DateTimeOffset? RegisteredAt { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        public override string ToString() => Name ?? GroupId;

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }

    /// <summary>A certificate bound to a domain, as the group listing shows it (no expiry: see Get-ApigDomainCertificate).</summary>
    public sealed class ApigCertificateReference
    {
        public string CertificateId { get; set; } = string.Empty;

        public string? Name { get; set; }

        /// <summary>RSA, ECC or SM2.</summary>
        public string? AlgorithmType { get; set; }

        /// <summary>Instance (1) or Global (2).</summary>
        public string? Type { get; set; }

        public bool HasTrustedRootCa { get; set; }

        public override string ToString() => Name + " (" + CertificateId + ")";
    }

    /// <summary>A custom domain of an API group: the pipeline source for the certificate cmdlets.</summary>
    public sealed class ApigDomain : IApigContextBound
    {
        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string GroupId { get; set; } = string.Empty;

        public string? GroupName { get; set; }

        public string DomainId { get; set; } = string.Empty;

        public string DomainName { get; set; } = string.Empty;

        public CnameStatus CnameStatus { get; set; }

        public string? MinSslVersion { get; set; }

        /// <summary>The certificate APIG shows on the domain (the RSA one when several are bound); null when none.</summary>
        public string? CertificateId { get; set; }

        public string? CertificateName { get; set; }

        private IReadOnlyList<ApigCertificateReference> _certificates = JoinedList<ApigCertificateReference>.Empty;

        /// <summary>Every bound certificate (ssl_infos).</summary>
        public IReadOnlyList<ApigCertificateReference> Certificates
        {
            get => _certificates;
            set => _certificates = JoinedList<ApigCertificateReference>.From(value);
        }

        /// <summary>443 by default; -1 when HTTPS is disabled.</summary>
        public int? HttpsPort { get; set; }

        public int? HttpPort { get; set; }

        /// <summary>
        /// Whether HTTP requests are redirected to HTTPS; null when not known: the group listing (Get-ApigDomain) never
        /// returns it, only the answers of New- and Set-ApigDomain and the domains of a stored certificate do.
        /// </summary>
        public bool? RedirectToHttps { get; set; }

        public bool VerifiedClientCertificateEnabled { get; set; }

        /// <summary>From New- and Set-ApigDomain: false when the domain already had these settings and nothing was sent; null from a listing.</summary>
        public bool? Changed { get; set; }

        public override string ToString() => DomainName;

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }

    /// <summary>The details of a certificate bound to a domain, with what an expiry report needs.</summary>
    public sealed class ApigDomainCertificate : IApigContextBound
    {
        public string ProjectId { get; set; } = string.Empty;

        public string InstanceId { get; set; } = string.Empty;

        public string GroupId { get; set; } = string.Empty;

        public string DomainId { get; set; } = string.Empty;

        public string? DomainName { get; set; }

        public string CertificateId { get; set; } = string.Empty;

        public string? Name { get; set; }

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

        public string? Issuer { get; set; }

        public string? SerialNumber { get; set; }

        public string? SignatureAlgorithm { get; set; }

        public string? AlgorithmType { get; set; }

        /// <summary>instance or global.</summary>
        public string? Type { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        public override string ToString() => (DomainName ?? DomainId) + ": " + Name;

        /// <summary>The context of the connection this object was read or changed in: piped on, it acts there. Not shown in the views.</summary>
        public ApigContext? Context { get; set; }
    }
}
