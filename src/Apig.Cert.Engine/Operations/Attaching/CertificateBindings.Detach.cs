using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>A detach of a stored certificate from one domain, with what the domain holds now.</summary>
    public sealed class DetachPlan
    {
        internal DetachPlan(string certificateId, string? certificateName, DomainRef domain, string domainName, string? groupName, UrlDomainInfo? listed, bool bound)
        {
            CertificateId = certificateId;
            CertificateName = certificateName;
            Domain = domain;
            DomainName = domainName;
            GroupName = groupName;
            Listed = listed;
            NothingBound = !bound;
        }

        public string CertificateId { get; }

        public string? CertificateName { get; }

        public DomainRef Domain { get; }

        public string DomainName { get; }

        internal string? GroupName { get; }

        internal UrlDomainInfo? Listed { get; }

        /// <summary>The domain does not hold the certificate: nothing to send.</summary>
        public bool NothingBound { get; }

        /// <summary>What -WhatIf and the prompt show, lower-case: the certificate and the domain.</summary>
        public string Action =>
            "detach certificate '" + (CertificateName ?? CertificateId) + "' (id " + CertificateId + ") from " + DomainName + " (" + Domain +
            "); the certificate stays in the store";
    }

    public sealed partial class CertificateBindings
    {
        private const string NotBoundCode = "APIG.3097";

        /// <summary>What the domain holds now (its group read once per command). Reading only: safe under -WhatIf.</summary>
        public async Task<DetachPlan> PlanDetachAsync(string certificateId, DomainRef domain, CancellationToken cancellationToken)
        {
            if (domain == null) throw new ArgumentNullException(nameof(domain));
            string id = ApigIds.EnsureValid(certificateId, "CertificateId");
            UrlDomainInfo listed = await Groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            string? groupName = (await Groups.GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false)).Name;
            SslInfo? bound = GroupLookup.BoundCertificates(listed).FirstOrDefault(ssl => string.Equals(ssl.SslId, id, StringComparison.Ordinal));
            string domainName = string.IsNullOrEmpty(listed.Domain) ? domain.DomainId : listed.Domain!;
            return new DetachPlan(id, bound?.SslName, domain, domainName, groupName, listed, bound != null);
        }

        /// <summary>
        /// Detaches on the domain side (BatchDisassociateCertsV2); the certificate stays in the store. Not bound any more
        /// (404 APIG.3097) is done, with Changed = false.
        /// </summary>
        public async Task<ApigCertificateBinding> DetachAsync(DetachPlan plan, CancellationToken cancellationToken)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            bool changed = true;
            try
            {
                await Client.DetachCertificateAsync(plan.Domain, plan.CertificateId, cancellationToken).ConfigureAwait(false);
            }
            catch (ApigApiException gone) when (gone.ErrorCode == NotBoundCode)
            {
                changed = false;
            }

            return Detached(plan, changed);
        }

        /// <summary>The binding as it is after the detach (or was, when nothing was bound).</summary>
        public ApigCertificateBinding Detached(DetachPlan plan, bool changed) =>
            ToBinding(plan.CertificateId, plan.CertificateName, plan.Domain, plan.DomainName, plan.GroupName, plan.Listed,
                plan.Listed?.VerifiedClientCertificateEnabled == true, changed);
    }
}
