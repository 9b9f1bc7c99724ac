using System.Collections.Generic;

namespace Apig.Cert.Engine.Api
{
    /// <summary>200 body of CCM's ListCertificates (GET /v3/scm/certificates).</summary>
    internal sealed class CcmCertificateListBody
    {
        public List<CcmCertificateInfo>? Certificates { get; set; }

        public long? TotalCount { get; set; }
    }

    /// <summary>
    /// One certificate of CCM's listing. Every field is lenient (a number where a string is documented reads as its
    /// digits, anything else as null): the listing must survive fields the module barely uses changing type.
    /// </summary>
    internal sealed class CcmCertificateInfo
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public string? Domain { get; set; }

        /// <summary>The additional domains: documented as a string (names separated by commas or semicolons), read as a list too.</summary>
        public IReadOnlyList<string>? Sans { get; set; }

        public string? SignatureAlgorithm { get; set; }

        public string? Type { get; set; }

        public string? Brand { get; set; }

        /// <summary>UNCONFIRMED format: "yyyy-MM-dd HH:mm:ss.f", or epoch milliseconds as a string or a number (read here as its digits).</summary>
        public string? ExpireTime { get; set; }

        public string? DomainType { get; set; }

        public int? ValidityPeriod { get; set; }

        public string? Status { get; set; }

        public int? DomainCount { get; set; }

        public int? WildcardCount { get; set; }

        public string? Description { get; set; }

        public string? EnterpriseProjectId { get; set; }
    }
}
