using System;
using System.Collections.Generic;
using System.Linq;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>Turns the API's wire shapes into the module's output types, adding the ids needed to pipe onward.</summary>
    internal static class ApigMapper
    {
        public static ApigInstance ToInstance(InstanceInfo info, string projectId) => new ApigInstance
        {
            ProjectId = info.ProjectId ?? projectId,
            InstanceId = info.Id ?? string.Empty,
            Name = info.InstanceName,
            Status = info.Status,
            Spec = info.Spec,
            Type = info.Type,
            CreatedAt = info.CreateTime is long t && t > 0 && NormalizeUnixSeconds(t) <= 253_402_300_799L ? DateTimeOffset.FromUnixTimeSeconds(NormalizeUnixSeconds(t)) : (DateTimeOffset?)null,
            EnterpriseProjectId = info.EnterpriseProjectId,
            EipAddress = info.EipAddress,
        };

        public static ApigGroup ToGroup(GroupInfo info, string instanceId, string projectId) => new ApigGroup
        {
            ProjectId = projectId,
            InstanceId = instanceId,
            GroupId = info.Id ?? string.Empty,
            Name = info.Name,
            Status = (ApigGroupStatus?)info.Status,
            SubDomain = info.SlDomain,
            DomainCount = info.UrlDomains.Count,
            Remark = info.Remark,
            RegisteredAt = info.RegisterTime,
            UpdatedAt = info.UpdateTime,
        };

        public static IEnumerable<ApigDomain> ToDomains(GroupInfo info, string instanceId, string projectId) =>
            info.UrlDomains.Select(domain => ToDomain(domain, info, instanceId, projectId));

        public static ApigDomain ToDomain(UrlDomainInfo domain, GroupInfo group, string instanceId, string projectId) => new ApigDomain
        {
            ProjectId = projectId,
            InstanceId = instanceId,
            GroupId = group.Id ?? string.Empty,
            GroupName = group.Name,
            DomainId = domain.Id ?? string.Empty,
            DomainName = domain.Domain ?? string.Empty,
            CnameStatus = ToCnameStatus(domain.CnameStatus),
            MinSslVersion = domain.MinSslVersion,
            CertificateId = string.IsNullOrEmpty(domain.SslId) ? null : domain.SslId,
            CertificateName = string.IsNullOrEmpty(domain.SslName) ? null : domain.SslName,
            Certificates = domain.SslInfos.Where(ssl => !string.IsNullOrEmpty(ssl.SslId)).Select(ToReference).ToList(),
            HttpsPort = domain.IngressHttpsPort,
            HttpPort = domain.IngressHttpPort,
            RedirectToHttps = domain.IsHttpRedirectToHttps,
            VerifiedClientCertificateEnabled = domain.VerifiedClientCertificateEnabled == true,
        };

        /// <summary>
        /// A piped Get-ApigDomain object back in the listing's shape, so a pipeline that just listed the domain need not
        /// read its group again. Only what the object carries: ports and redirect stay unknown.
        /// </summary>
        public static UrlDomainInfo FromDomain(ApigDomain domain) => new UrlDomainInfo
        {
            Id = domain.DomainId,
            Domain = domain.DomainName,
            CnameStatus = (int)domain.CnameStatus,
            MinSslVersion = domain.MinSslVersion,
            SslId = domain.CertificateId,
            SslName = domain.CertificateName,
            SslInfos = domain.Certificates
                .Where(reference => reference != null && !string.IsNullOrEmpty(reference.CertificateId))
                .Select(FromReference)
                .ToList(),
        };

        // The one mapping between ssl_infos entries and the output's certificate references, both ways: a piped object
        // must read back exactly as the listing it came from.
        private static ApigCertificateReference ToReference(SslInfo ssl) => new ApigCertificateReference
        {
            CertificateId = ssl.SslId ?? string.Empty,
            Name = ssl.SslName,
            AlgorithmType = ssl.AlgorithmType,
            Type = ssl.Type == GlobalScope ? "Global" : ssl.Type == InstanceScope ? "Instance" : null,
            HasTrustedRootCa = ssl.IsHasTrustedRootCa == true,
        };

        private static SslInfo FromReference(ApigCertificateReference reference) => new SslInfo
        {
            SslId = reference.CertificateId,
            SslName = reference.Name,
            AlgorithmType = reference.AlgorithmType,
            Type = reference.Type == "Global" ? GlobalScope : reference.Type == "Instance" ? InstanceScope : (int?)null,
            IsHasTrustedRootCa = reference.HasTrustedRootCa,
        };

        private const int InstanceScope = 1;
        private const int GlobalScope = 2;

        // The algorithm comes from the domain's listing: the details do not carry it.
        public static ApigDomainCertificate ToDomainCertificate(
            CertificateDetails details, DomainRef domain, string? domainName, string? algorithmType, string projectId, DateTime utcNow)
        {
            DateTime? notAfter = details.NotAfter?.UtcDateTime;
            return new ApigDomainCertificate
            {
                ProjectId = details.ProjectId ?? projectId,
                InstanceId = domain.InstanceId,
                GroupId = domain.GroupId,
                DomainId = domain.DomainId,
                DomainName = domainName,
                CertificateId = details.Id ?? string.Empty,
                Name = details.Name,
                AlgorithmType = algorithmType,
                CommonName = details.CommonName,
                SubjectAlternativeNames = details.San,
                NotBefore = details.NotBefore?.UtcDateTime,
                NotAfter = notAfter,
                DaysRemaining = notAfter.HasValue ? (int)Math.Floor((notAfter.Value - utcNow).TotalDays) : (int?)null,
                Issuer = details.Issuer.Count == 0 ? null : string.Join(", ", details.Issuer),
                SerialNumber = details.SerialNumber,
                SignatureAlgorithm = details.SignatureAlgorithm,
                Type = details.Type,
                CreatedAt = details.CreateTime,
                UpdatedAt = details.UpdateTime,
            };
        }

        public static CnameStatus ToCnameStatus(int value) =>
            Enum.IsDefined(typeof(CnameStatus), (long)value) ? (CnameStatus)value : CnameStatus.Unknown;

        // APIG documents create_time as a Unix timestamp without saying seconds or milliseconds; accept both.
        private static long NormalizeUnixSeconds(long value) => value > 100_000_000_000L ? value / 1000 : value;
    }
}
