using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>What Remove-ApigDomain would remove: the domain, its group and the certificates its HTTPS clients would lose.</summary>
    public sealed class DomainRemovalPlan
    {
        internal DomainRemovalPlan(DomainRef domain, string domainName, string? groupName, IReadOnlyList<string> certificates, bool gone)
        {
            Domain = domain;
            DomainName = domainName;
            GroupName = groupName;
            Certificates = certificates;
            Gone = gone;
        }

        public DomainRef Domain { get; }

        public string DomainName { get; }

        public string? GroupName { get; }

        /// <summary>Each bound certificate as "'name' (RSA, id ...)".</summary>
        public IReadOnlyList<string> Certificates { get; }

        /// <summary>The group no longer lists the domain: nothing to remove.</summary>
        public bool Gone { get; }

        /// <summary>For the prompt and -WhatIf, e.g. "remove custom domain 'api.example.com' (…) from group 'shop' (…); its HTTPS clients lose certificate 'site' (RSA, id …)".</summary>
        public string Action =>
            "remove custom domain '" + DomainName + "' (" + Domain.DomainId + ") from group '" + (GroupName ?? Domain.GroupId) + "' (" + Domain.GroupId + ")" +
            (Certificates.Count == 0
                ? "; it has no certificate bound"
                : "; its HTTPS clients lose " + (Certificates.Count == 1 ? "certificate " : "certificates ") + string.Join(", ", Certificates));
    }

    /// <summary>Remove-ApigDomain's use-case: <see cref="PlanAsync"/> reads (safe under -WhatIf), <see cref="RemoveAsync"/> sends DisassociateDomainV2.</summary>
    public sealed class DomainRemover
    {
        private readonly ApigClient _client;
        private readonly GroupLookup _groups;
        private readonly IApigLog? _log;

        public DomainRemover(ApigClient client, GroupLookup groups, IApigLog? log)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _groups = groups ?? throw new ArgumentNullException(nameof(groups));
            _log = log;
        }

        /// <summary>Reads the domain's group (once per command) to name the domain and its certificates; a domain the group no longer lists is <see cref="DomainRemovalPlan.Gone"/>.</summary>
        public async Task<DomainRemovalPlan> PlanAsync(DomainRef domain, string? domainName, CancellationToken cancellationToken)
        {
            if (domain is null) throw new ArgumentNullException(nameof(domain));
            GroupInfo group = await _groups.GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo? listed = group.DomainWithId(domain.DomainId);
            string name = listed?.Domain ?? (string.IsNullOrWhiteSpace(domainName) ? domain.DomainId : domainName!.Trim());
            if (listed is null)
            {
                _log?.Verbose("Group '" + (group.Name ?? domain.GroupId) + "' has no domain " + domain.DomainId + " ('" + name + "'); nothing to remove.");
                return new DomainRemovalPlan(domain, name, group.Name, Array.Empty<string>(), gone: true);
            }

            var certificates = GroupLookup.BoundCertificates(listed)
                .Select(c => "'" + (c.SslName ?? c.SslId) + "' (" + (c.AlgorithmType ?? "algorithm not listed") + ", id " + c.SslId + ")")
                .ToList();
            return new DomainRemovalPlan(domain, name, group.Name, certificates, gone: false);
        }

        /// <summary>DisassociateDomainV2. A domain gone meanwhile (404 APIG.3020) counts as removed. Returns false when nothing was sent.</summary>
        public async Task<bool> RemoveAsync(DomainRemovalPlan plan, CancellationToken cancellationToken)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            if (plan.Gone) return false;

            try
            {
                await _client.DisassociateDomainAsync(plan.Domain.InstanceId, plan.Domain.GroupId, plan.Domain.DomainId, cancellationToken).ConfigureAwait(false);
                _log?.Verbose("Removed custom domain '" + plan.DomainName + "' from group '" + (plan.GroupName ?? plan.Domain.GroupId) + "'.");
            }
            catch (ApigApiException ex) when (ex.StatusCode == 404 && ex.ErrorCode == "APIG.3020")
            {
                _log?.Verbose("Custom domain '" + plan.DomainName + "' was already gone (APIG.3020).");
            }
            finally
            {
                _groups.Invalidate(plan.Domain.InstanceId, plan.Domain.GroupId);
            }

            return true;
        }
    }
}
