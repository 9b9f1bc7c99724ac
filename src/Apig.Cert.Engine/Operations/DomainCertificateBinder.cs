using System;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>A bind that passed every local check and is ready to send.</summary>
    public sealed class PreparedBinding
    {
        internal PreparedBinding(DomainRef domain, string? domainName, CertificateBundle bundle, string name)
        {
            Domain = domain;
            DomainName = domainName;
            Bundle = bundle;
            Name = name;
        }

        public DomainRef Domain { get; }

        public string? DomainName { get; }

        public CertificateBundle Bundle { get; }

        public string Name { get; }

        /// <summary>What -WhatIf and -Confirm show: the domain and the certificate, never key material.</summary>
        public string Target => (DomainName ?? "domain") + " (" + Domain + ")";

        public string Action =>
            "Bind certificate '" + Name + "' (" + Bundle.Subject + ", thumbprint " + Bundle.Thumbprint + ", expires " +
            Bundle.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ")";
    }

    /// <summary>The core operation of the module: check everything locally, then bind through AssociateCertificateV2.</summary>
    public static class DomainCertificateBinder
    {
        /// <summary>All checks that need no network. Throws <see cref="ApigInputException"/>; nothing is sent.</summary>
        public static PreparedBinding Prepare(
            string? instanceId, string? groupId, string? domainId, string? domainName,
            CertificateBundle bundle, string? explicitName, string certificateInputName, DateTime utcNow)
        {
            ApigIds.EnsureValid(instanceId, "InstanceId");
            ApigIds.EnsureValid(groupId, "GroupId");
            ApigIds.EnsureValid(domainId, "DomainId");

            CertificateRules.EnsureCurrentlyValid(bundle, utcNow, certificateInputName);

            string name;
            if (explicitName is null)
            {
                name = CertificateRules.DefaultName(bundle);
            }
            else
            {
                CertificateRules.EnsureValidName(explicitName, "Name");
                name = explicitName;
            }

            string? normalizedDomainName = string.IsNullOrWhiteSpace(domainName) ? null : domainName!.Trim();
            if (normalizedDomainName != null)
            {
                CertificateRules.EnsureCovers(bundle, normalizedDomainName, "DomainName");
            }

            return new PreparedBinding(new DomainRef(instanceId!, groupId!, domainId!), normalizedDomainName, bundle, name);
        }

        public static async Task<DomainCertificateBinding> BindAsync(
            ApigClient client, string projectId, PreparedBinding binding, CancellationToken cancellationToken)
        {
            BindCertificateResponse response = await client.BindCertificateAsync(
                binding.Domain, binding.Name, binding.Bundle.CertificateChainPem, binding.Bundle.GetPrivateKeyPem(), cancellationToken)
                .ConfigureAwait(false);

            return new DomainCertificateBinding
            {
                ProjectId = projectId,
                InstanceId = binding.Domain.InstanceId,
                GroupId = binding.Domain.GroupId,
                DomainId = string.IsNullOrEmpty(response.Id) ? binding.Domain.DomainId : response.Id!.Trim(),
                DomainName = response.UrlDomain ?? binding.DomainName,
                CnameStatus = ApigMapper.ToCnameStatus(response.Status),
                MinSslVersion = response.MinSslVersion,
                CertificateId = response.SslId,
                CertificateName = response.SslName ?? binding.Name,
                Subject = binding.Bundle.Subject,
                NotAfter = binding.Bundle.NotAfter,
                Thumbprint = binding.Bundle.Thumbprint,
                DnsNames = binding.Bundle.DnsNames,
                Changed = true,
                RequestId = response.RequestId,
            };
        }
    }
}
