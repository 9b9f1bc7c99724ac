using System;
using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>
    /// A certificate in Huawei Cloud Certificate Manager (CCM), as its listing shows it. CCM cannot push certificates to
    /// APIG; pass <see cref="CertificateId"/> as -CcmCertificateId to Set-ApigDomainCertificate, New- or Set-ApigCertificate,
    /// which export it (certificate, chain and key) and upload it.
    /// </summary>
    public sealed class ApigCcmCertificate : IApigContextBound
    {
        /// <summary>CCM's id, e.g. scs1554192131150.</summary>
        public string CertificateId { get; set; } = string.Empty;

        public string? Name { get; set; }

        /// <summary>The domain the certificate was issued for (its common name).</summary>
        public string? Domain { get; set; }

        private IReadOnlyList<string> _subjectAlternativeNames = JoinedList<string>.Empty;

        /// <summary>The additional domains CCM lists for the certificate.</summary>
        public IReadOnlyList<string> SubjectAlternativeNames
        {
            get => _subjectAlternativeNames;
            set => _subjectAlternativeNames = JoinedList<string>.From(value);
        }

        /// <summary>ISSUED, EXPIRED, UPLOAD, PAID, CHECKING, REVOKED, ... as CCM reports it.</summary>
        public string? Status { get; set; }

        /// <summary>When the certificate expires (UTC); null when CCM gave no expiry this module could read.</summary>
        public DateTime? NotAfter { get; set; }

        /// <summary>Whole days until NotAfter when the object was made; negative once expired.</summary>
        public int? DaysRemaining { get; set; }

        public string? SignatureAlgorithm { get; set; }

        /// <summary>The product type, e.g. DV_SSL_CERT, OV_SSL_CERT, EV_SSL_CERT.</summary>
        public string? Type { get; set; }

        /// <summary>The issuing brand, e.g. GEOTRUST, DIGICERT, GLOBALSIGN.</summary>
        public string? Brand { get; set; }

        /// <summary>SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD.</summary>
        public string? DomainType { get; set; }

        /// <summary>Months (or years) of validity bought, as CCM reports it.</summary>
        public int? ValidityPeriod { get; set; }

        public string? Description { get; set; }

        public ApigContext? Context { get; set; }

        public override string ToString() => (Name ?? CertificateId) + " (" + CertificateId + ")";
    }
}
