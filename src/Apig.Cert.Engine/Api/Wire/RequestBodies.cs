using System;
using System.Collections.Generic;
using System.Linq;

namespace Apig.Cert.Engine.Api
{
    // Shapes that exist only on the wire (list envelopes, request bodies, the associate-domain answer); the
    // public models above are what callers see. Lists may arrive as null and are normalised to empty.

    /// <summary>
    /// CertificateForm: the legacy per-domain upload sends name, content and key; the store's create and update send
    /// the whole form (update: every time, since the API replaces what it is not sent).
    /// </summary>
    internal sealed class CertFormBody
    {
        public string Name { get; set; } = string.Empty;
        public string CertContent { get; set; } = string.Empty;
        /// <summary>Always null when serialized: the key is appended from a char buffer (see SecretJsonProperty), never held as a string.</summary>
        public string? PrivateKey { get; set; }
        /// <summary>"global" or "instance"; null leaves the API's default (global) on create. Cannot change on update.</summary>
        public string? Type { get; set; }
        public string? InstanceId { get; set; }
        /// <summary>PEM CA certificates that client certificates must chain to (mutual TLS). Public material, not a secret.</summary>
        public string? TrustedRootCa { get; set; }
        public string? AlgorithmType { get; set; }
    }

    internal sealed class UrlDomainCreateBody
    {
        public string UrlDomain { get; set; } = string.Empty;
        public string? MinSslVersion { get; set; }
        public bool? IsHttpRedirectToHttps { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }
    }

    /// <summary>UpdateDomainV2's body: min_ssl_version is required on every update; what else is null is not sent (ports: unchanged).</summary>
    internal sealed class UrlDomainModifyBody
    {
        public string MinSslVersion { get; set; } = string.Empty;
        public bool? IsHttpRedirectToHttps { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }
    }

    /// <summary>BatchAssociateCertsV2 / BatchDisassociateCertsV2: the API takes exactly one id.</summary>
    internal sealed class CertificateIdsBody
    {
        public List<string> CertificateIds { get; set; } = new List<string>();
        public bool? VerifiedClientCertificateEnabled { get; set; }
    }

    /// <summary>BatchAssociateDomainsV2 / BatchDisassociateDomainsV2.</summary>
    internal sealed class DomainBatchBody
    {
        public List<DomainBatchEntry> Domains { get; set; } = new List<DomainBatchEntry>();
    }

    /// <summary>One name of a certificate-side batch; without instance ids the name is meant in every instance of the project.</summary>
    internal sealed class DomainBatchEntry
    {
        public string Domain { get; set; } = string.Empty;
        public List<string>? InstanceIds { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
    }

    internal sealed class CertificateListBody
    {
        public long? Total { get; set; }
        public List<CertificateDetails>? Certs { get; set; }
    }

    internal sealed class AttachedDomainListBody
    {
        public long? Total { get; set; }
        public List<AttachedDomainInfo>? BoundDomains { get; set; }
    }

    // "total" may be null or missing: the listing still works, only the total is unknown.
    internal sealed class InstanceListBody
    {
        public long? Total { get; set; }
        public List<InstanceInfo>? Instances { get; set; }
    }

    internal sealed class GroupListBody
    {
        public long? Total { get; set; }
        public List<GroupInfo>? Groups { get; set; }
    }

    internal sealed class AssociateDomainBody
    {
        public string? UrlDomain { get; set; }
        public string? Id { get; set; }
        public int Status { get; set; }
        public string? MinSslVersion { get; set; }
        public bool? IsHttpRedirectToHttps { get; set; }
        public bool? VerifiedClientCertificateEnabled { get; set; }
        public int? IngressHttpPort { get; set; }
        public int? IngressHttpsPort { get; set; }

        public UrlDomainInfo ToUrlDomainInfo() => new UrlDomainInfo
        {
            Id = Id,
            Domain = UrlDomain,
            CnameStatus = Status,
            MinSslVersion = MinSslVersion,
            IsHttpRedirectToHttps = IsHttpRedirectToHttps,
            VerifiedClientCertificateEnabled = VerifiedClientCertificateEnabled,
            IngressHttpPort = IngressHttpPort,
            IngressHttpsPort = IngressHttpsPort,
        };
    }

    internal static class ModelNormalizer
    {
        public static IReadOnlyList<T> OrEmpty<T>(IReadOnlyList<T>? list) where T : class =>
            list == null ? Array.Empty<T>() : list.Where(item => item != null).ToArray();

        public static CertificateDetails Normalize(CertificateDetails details)
        {
            details.San = OrEmpty(details.San);
            details.Organization = OrEmpty(details.Organization);
            details.OrganizationalUnit = OrEmpty(details.OrganizationalUnit);
            details.Locality = OrEmpty(details.Locality);
            details.State = OrEmpty(details.State);
            details.Country = OrEmpty(details.Country);
            details.Issuer = OrEmpty(details.Issuer);
            return details;
        }

        public static GroupInfo Normalize(GroupInfo group)
        {
            group.SlDomains = OrEmpty(group.SlDomains);
            group.UrlDomains = OrEmpty(group.UrlDomains);
            foreach (var domain in group.UrlDomains) Normalize(domain);
            return group;
        }

        public static UrlDomainInfo Normalize(UrlDomainInfo domain)
        {
            domain.SslInfos = OrEmpty(domain.SslInfos);
            return domain;
        }
    }
}
