using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// Remove-ApigDomainCertificate's use-case, in two steps so a prompt can sit between them: <see cref="PlanAsync"/>
    /// only reads (safe under -WhatIf) and names what would be unbound; <see cref="UnbindAsync"/> sends the unbinds.
    /// </summary>
    public sealed class DomainCertificateUnbinder
    {
        private readonly DomainCertificates _certificates;

        public DomainCertificateUnbinder(DomainCertificates certificates)
        {
            _certificates = certificates ?? throw new ArgumentNullException(nameof(certificates));
        }

        /// <summary>
        /// What would be unbound from the domain: the chosen certificates of <paramref name="algorithmType"/> (any when
        /// null), each read once so the prompt can name it; for an id typed by hand APIG also says here whether it is
        /// bound (APIG.3021) before anything is changed. With <paramref name="readDomainWhenNothingBound"/> (-PassThru) a
        /// domain with nothing to unbind is read as it is, to be written all the same.
        /// </summary>
        public async Task<UnbindPlan> PlanAsync(DomainRef domain, string? domainName, CertificateChoice choice, string? algorithmType,
            bool readDomainWhenNothingBound, CancellationToken cancellationToken)
        {
            BoundSelection selection = await _certificates.SelectAsync(domain, choice, algorithmType, cancellationToken).ConfigureAwait(false);
            var planned = new List<PlannedUnbind>(selection.Certificates.Count);
            foreach (SslInfo bound in selection.Certificates)
            {
                CertificateDetails details = await _certificates.Client.GetDomainCertificateAsync(domain, bound.SslId!, cancellationToken).ConfigureAwait(false);
                planned.Add(new PlannedUnbind(bound.SslId!, details.Name ?? bound.SslName, bound.AlgorithmType, details.NotAfter));
            }

            string shownName = DomainCertificates.Normalized(domainName) ?? selection.Listed?.Domain ?? domain.DomainId;
            if (selection.StaleId != null)
            {
                _certificates.Log?.Verbose("Certificate " + selection.StaleId + " is no longer bound to '" + shownName + "'; nothing of it to remove.");
            }

            ApigDomain? before = null;
            if (planned.Count == 0)
            {
                _certificates.Log?.Verbose("Domain '" + shownName + "' has no certificate bound" +
                                           (algorithmType is null ? string.Empty : " of type " + algorithmType) + "; nothing to remove.");
                if (readDomainWhenNothingBound) before = await CurrentDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            }

            return new UnbindPlan(domain, shownName, planned, before);
        }

        /// <summary>
        /// Unbinds every certificate of the plan, one after the other. A plan with nothing bound sends nothing. With
        /// <paramref name="readDomainAfter"/> (-PassThru) the group is read afresh, so the domain is returned as it is now.
        /// </summary>
        public async Task<UnbindResult> UnbindAsync(UnbindPlan plan, bool readDomainAfter, CancellationToken cancellationToken)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            if (plan.NothingBound)
            {
                return new UnbindResult(changed: false, plan.DomainBefore);
            }

            foreach (PlannedUnbind certificate in plan.Certificates)
            {
                await _certificates.Client.UnbindCertificateAsync(plan.Domain, certificate.CertificateId, cancellationToken).ConfigureAwait(false);
                _certificates.Log?.Verbose("Unbound certificate " + certificate.CertificateId + " from " + plan.DomainName + ".");
            }

            ApigDomain? after = readDomainAfter ? await CurrentDomainAsync(plan.Domain, cancellationToken).ConfigureAwait(false) : null;
            return new UnbindResult(changed: true, after);
        }

        // Read fresh, not through the command's group cache: the cached copy predates the unbind.
        private async Task<ApigDomain?> CurrentDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            GroupInfo group = await _certificates.Client.GetGroupAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo? current = group.DomainWithId(domain.DomainId);
            return current is null ? null : ApigMapper.ToDomain(current, group, domain.InstanceId, _certificates.ProjectId);
        }
    }

    /// <summary>What one domain's read found: the certificates to unbind, each described for the prompt.</summary>
    public sealed class UnbindPlan
    {
        internal UnbindPlan(DomainRef domain, string domainName, IReadOnlyList<PlannedUnbind> certificates, ApigDomain? domainBefore)
        {
            Domain = domain;
            DomainName = domainName;
            Certificates = certificates;
            DomainBefore = domainBefore;
        }

        public DomainRef Domain { get; }

        /// <summary>The name to show: the one given, the one listed, or the domain id.</summary>
        public string DomainName { get; }

        public IReadOnlyList<PlannedUnbind> Certificates { get; }

        public bool NothingBound => Certificates.Count == 0;

        /// <summary>With nothing bound and the domain asked for: the domain as it is; otherwise null.</summary>
        public ApigDomain? DomainBefore { get; }

        /// <summary>Every certificate's <see cref="PlannedUnbind.Description"/>, for the prompt and -WhatIf.</summary>
        public string Description => string.Join("; ", Certificates.Select(c => c.Description));
    }

    /// <summary>One certificate a plan would unbind.</summary>
    public sealed class PlannedUnbind
    {
        internal PlannedUnbind(string certificateId, string? name, string? algorithmType, DateTimeOffset? notAfter)
        {
            CertificateId = certificateId;
            Name = name;
            AlgorithmType = algorithmType;
            NotAfter = notAfter;
        }

        public string CertificateId { get; }

        public string? Name { get; }

        public string? AlgorithmType { get; }

        public DateTimeOffset? NotAfter { get; }

        /// <summary>E.g. 'site_rsa' (RSA, expires 2026-03-01, id 9f…): never key material.</summary>
        public string Description =>
            "'" + (Name ?? CertificateId) + "' (" + (AlgorithmType ?? "algorithm not listed") +
            (NotAfter.HasValue ? ", expires " + NotAfter.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty) +
            ", id " + CertificateId + ")";
    }

    /// <summary>What an unbind came to: changed, or nothing was bound; and the domain when it was asked for.</summary>
    public sealed class UnbindResult
    {
        internal UnbindResult(bool changed, ApigDomain? domain)
        {
            Changed = changed;
            Domain = domain;
        }

        public bool Changed { get; }

        public bool NothingBound => !Changed;

        /// <summary>The domain as it is now (after the unbind, or untouched when nothing was bound); null when not asked for or gone.</summary>
        public ApigDomain? Domain { get; }
    }
}
