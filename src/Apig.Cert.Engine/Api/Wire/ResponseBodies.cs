using System;
using System.Collections.Generic;

namespace Apig.Cert.Engine.Api
{
    /// <summary>201 body of AssociateCertificateV2.</summary>
    internal sealed class BindCertificateResponse
    {
        public string? UrlDomain { get; set; }
        public string? Id { get; set; }
        public int Status { get; set; }
        public string? MinSslVersion { get; set; }
        public string? SslName { get; set; }
        public string? SslId { get; set; }
        public bool? IsHttpRedirectToHttps { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }
        public string? RequestId { get; set; }

        /// <summary>
        /// True when no answer confirmed the bind but reading the domain showed the certificate bound (after a 5xx, a
        /// broken connection or a timeout); the other properties are then empty.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool AppliedWithoutAnswer { get; set; }
    }

    /// <summary>
    /// CertificateDetail: the answer of the store's create, show and update calls, an entry of its list (CertBase, a
    /// subset), and the legacy per-domain show (ShowDetailsOfDomainNameCertificateV2), which answers the same shape.
    /// </summary>
    internal sealed class CertificateDetails
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Type { get; set; }
        public string? InstanceId { get; set; }
        public string? ProjectId { get; set; }
        public string? CommonName { get; set; }
        public IReadOnlyList<string> San { get; set; } = Array.Empty<string>();
        public int? Version { get; set; }
        public IReadOnlyList<string> Organization { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> OrganizationalUnit { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Locality { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> State { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Country { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Issuer { get; set; } = Array.Empty<string>();
        public DateTimeOffset? NotBefore { get; set; }
        public DateTimeOffset? NotAfter { get; set; }
        public string? SerialNumber { get; set; }
        public string? SignatureAlgorithm { get; set; }
        public DateTimeOffset? CreateTime { get; set; }
        public DateTimeOffset? UpdateTime { get; set; }
        public bool? IsHasTrustedRootCa { get; set; }
        public string? AlgorithmType { get; set; }

        /// <summary>
        /// True when a create whose answer was lost turned out to have taken effect (see ApigClient.CreateCertificateAsync);
        /// the other properties are then empty.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool AppliedWithoutAnswer { get; set; }
    }

    /// <summary>A ListAttachedDomainsV2 entry (UrlDomainRefInfo): one per ingress port of a bound name.</summary>
    internal sealed class AttachedDomainInfo
    {
        public string? UrlDomain { get; set; }
        public string? Id { get; set; }
        public int Status { get; set; }
        public string? MinSslVersion { get; set; }
        public bool? IsHttpRedirectToHttps { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }
        public string? SslId { get; set; }
        public string? SslName { get; set; }
        public string? ApiGroupId { get; set; }
        public string? ApiGroupName { get; set; }
        public string? InstanceId { get; set; }
    }

    internal sealed class InstanceInfo
    {
        public string? Id { get; set; }
        public string? ProjectId { get; set; }
        public string? InstanceName { get; set; }
        public string? Status { get; set; }
        public int? InstanceStatus { get; set; }
        public string? Type { get; set; }
        public string? Spec { get; set; }
        [System.Text.Json.Serialization.JsonConverter(typeof(Http.ApigJson.LenientNullableInt64Converter))]
        public long? CreateTime { get; set; }
        public string? EnterpriseProjectId { get; set; }
        public string? EipAddress { get; set; }
    }

    internal sealed class SslInfo
    {
        public string? SslId { get; set; }
        public string? SslName { get; set; }
        public string? AlgorithmType { get; set; }

        /// <summary>1 instance, 2 global, null unknown: a number since 2026-02, the string "instance" or "global" before.</summary>
        [System.Text.Json.Serialization.JsonConverter(typeof(Http.ApigJson.CertificateScopeConverter))]
        public int? Type { get; set; }
        public bool? IsHasTrustedRootCa { get; set; }
    }

    internal sealed class UrlDomainInfo
    {
        public string? Id { get; set; }
        public string? Domain { get; set; }
        public int CnameStatus { get; set; }
        public string? SslId { get; set; }
        public string? SslName { get; set; }
        public string? MinSslVersion { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
        public bool? IsHasTrustedRootCa { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }
        public bool? IsHttpRedirectToHttps { get; set; }
        public IReadOnlyList<SslInfo> SslInfos { get; set; } = Array.Empty<SslInfo>();
    }

    internal sealed class GroupInfo
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public int? Status { get; set; }
        public string? SlDomain { get; set; }
        public IReadOnlyList<string> SlDomains { get; set; } = Array.Empty<string>();
        public string? Remark { get; set; }
        public DateTimeOffset? RegisterTime { get; set; }
        public DateTimeOffset? UpdateTime { get; set; }
        public IReadOnlyList<UrlDomainInfo> UrlDomains { get; set; } = Array.Empty<UrlDomainInfo>();

        /// <summary>The custom domain with this id as the group lists it, or null.</summary>
        public UrlDomainInfo? DomainWithId(string? domainId)
        {
            foreach (UrlDomainInfo domain in UrlDomains)
            {
                if (string.Equals(domain.Id, domainId, StringComparison.Ordinal)) return domain;
            }

            return null;
        }
    }
}
