using System;
using System.Collections.Generic;
using System.Linq;

namespace Apig.Cert.Engine.Api
{
    // Shapes that exist only on the wire (list envelopes, request bodies, the associate-domain answer); the
    // public models above are what callers see. Lists may arrive as null and are normalised to empty.

    internal sealed class CertFormBody
    {
        public string Name { get; set; } = string.Empty;
        public string CertContent { get; set; } = string.Empty;
        /// <summary>Always null when serialized: the key is appended from a char buffer (see SecretJsonProperty), never held as a string.</summary>
        public string? PrivateKey { get; set; }
    }

    internal sealed class UrlDomainCreateBody
    {
        public string UrlDomain { get; set; } = string.Empty;
        public string? MinSslVersion { get; set; }
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

        public static DomainCertificateDetails Normalize(DomainCertificateDetails details)
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
