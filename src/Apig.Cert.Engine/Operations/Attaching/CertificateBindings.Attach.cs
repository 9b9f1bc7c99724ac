using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>An attach of a stored certificate to one domain that passed every local rule, with what the domain holds now.</summary>
    public sealed class AttachPlan
    {
        internal AttachPlan(StoredCertificateFacts certificate, DomainRef domain, string domainName, string? groupName, UrlDomainInfo listed,
            bool verifyClientCertificate, ApigCertificateBinding? unchanged)
        {
            Certificate = certificate;
            Domain = domain;
            DomainName = domainName;
            GroupName = groupName;
            Listed = listed;
            VerifyClientCertificate = verifyClientCertificate;
            Unchanged = unchanged;
            Others = certificate.OthersOfSameAlgorithm(listed);
        }

        public StoredCertificateFacts Certificate { get; }

        public DomainRef Domain { get; }

        public string DomainName { get; }

        internal string? GroupName { get; }

        internal UrlDomainInfo Listed { get; }

        public bool VerifyClientCertificate { get; }

        /// <summary>Set when the domain already holds this certificate with this verification flag: nothing is sent.</summary>
        public ApigCertificateBinding? Unchanged { get; }

        /// <summary>Certificates of the same algorithm on the domain, which APIG either replaces or refuses to bind next to (APIG.2051).</summary>
        internal IReadOnlyList<SslInfo> Others { get; }

        /// <summary>What -WhatIf and -Confirm show, lower-case.</summary>
        public string Action =>
            "attach certificate " + Certificate.Shown + " to " + DomainName + " (" + Domain + ")" +
            (VerifyClientCertificate ? " with client-certificate verification" : string.Empty) +
            (Others.Count > 0 ? ", in place of " + string.Join(", ", Others.Select(Shown)) : string.Empty);

        internal static string Shown(SslInfo ssl) => "certificate '" + (ssl.SslName ?? ssl.SslId) + "' (id " + ssl.SslId + ")";
    }

    public sealed partial class CertificateBindings
    {
        private const string DifferentCertificateCode = "APIG.2051";

        /// <summary>
        /// Reads the certificate (once per command) and what the domain holds (its group once per command, or the piped
        /// Get-ApigDomain object), then applies every local rule: the domain already holding the certificate with this
        /// flag is the unchanged result; otherwise scope, coverage and the CA for verification are checked
        /// (<see cref="ApigInputException"/>, nothing sent). Reading only: safe under -WhatIf.
        /// </summary>
        public async Task<AttachPlan> PlanAttachAsync(string certificateId, DomainRef domain, ApigDomain? piped, bool verifyClientCertificate,
            CancellationToken cancellationToken)
        {
            if (domain == null) throw new ArgumentNullException(nameof(domain));
            StoredCertificateFacts certificate = await CertificateAsync(certificateId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo listed;
            string? groupName;
            if (piped != null)
            {
                listed = ApigMapper.FromDomain(piped);
                listed.VerifiedClientCertificateEnabled = piped.VerifiedClientCertificateEnabled;
                listed.IngressHttpsPort = piped.HttpsPort;
                groupName = piped.GroupName;
            }
            else
            {
                listed = await Groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
                groupName = (await Groups.GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false)).Name;
            }

            return Plan(certificate, domain, groupName, listed, verifyClientCertificate);
        }

        private AttachPlan Plan(StoredCertificateFacts certificate, DomainRef domain, string? groupName, UrlDomainInfo listed, bool verifyClientCertificate)
        {
            string domainName = string.IsNullOrEmpty(listed.Domain) ? domain.DomainId : listed.Domain!;
            if (certificate.IsBoundTo(listed) && (listed.VerifiedClientCertificateEnabled == true) == verifyClientCertificate)
            {
                return new AttachPlan(certificate, domain, domainName, groupName, listed, verifyClientCertificate,
                    ToBinding(certificate, domain, domainName, groupName, listed, verifyClientCertificate, changed: false));
            }

            certificate.EnsureAttachable(domainName, domain.InstanceId, verifyClientCertificate);
            return new AttachPlan(certificate, domain, domainName, groupName, listed, verifyClientCertificate, unchanged: null);
        }

        /// <summary>
        /// Attaches on the domain side (BatchAssociateCertsV2). Where APIG refuses because the domain holds another
        /// certificate of the same algorithm (APIG.2051), that one is detached first and the attach sent again; where APIG
        /// replaces it by itself, Verbose says so.
        /// </summary>
        public async Task<ApigCertificateBinding> AttachAsync(AttachPlan plan, CancellationToken cancellationToken)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            try
            {
                await Client.AttachCertificateAsync(plan.Domain, plan.Certificate.Id, plan.VerifyClientCertificate, cancellationToken).ConfigureAwait(false);
                if (plan.Others.Count > 0)
                {
                    Log?.Verbose(plan.DomainName + ": certificate " + plan.Certificate.Shown + " replaced " + string.Join(", ", plan.Others.Select(AttachPlan.Shown)) + ".");
                }
            }
            catch (ApigApiException refused) when (refused.ErrorCode == DifferentCertificateCode)
            {
                if (!await ReplaceAsync(plan, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }

            return Attached(plan);
        }

        private ApigCertificateBinding Attached(AttachPlan plan) =>
            ToBinding(plan.Certificate, plan.Domain, plan.DomainName, plan.GroupName, plan.Listed, plan.VerifyClientCertificate, changed: true);

        // After APIG.2051: the domain's other certificate of the same algorithm goes first, then the attach again.
        private async Task<bool> ReplaceAsync(AttachPlan plan, CancellationToken cancellationToken)
        {
            if (!await DetachOthersAsync(plan, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await Client.AttachCertificateAsync(plan.Domain, plan.Certificate.Id, plan.VerifyClientCertificate, cancellationToken).ConfigureAwait(false);
            return true;
        }

        // What the domain holds is read again when the plan knew of no other certificate (the listing was older than the
        // domain's state). False when there is none to detach: the refusal stands.
        private async Task<bool> DetachOthersAsync(AttachPlan plan, CancellationToken cancellationToken)
        {
            IReadOnlyList<SslInfo> others = plan.Others;
            if (others.Count == 0)
            {
                Groups.Invalidate(plan.Domain.InstanceId, plan.Domain.GroupId);
                UrlDomainInfo now = await Groups.FindDomainAsync(plan.Domain, cancellationToken).ConfigureAwait(false);
                others = plan.Certificate.OthersOfSameAlgorithm(now);
                if (others.Count == 0)
                {
                    return false;
                }
            }

            foreach (SslInfo other in others)
            {
                await DetachOtherAsync(plan.Domain, other, cancellationToken).ConfigureAwait(false);
                Log?.Verbose(plan.DomainName + ": APIG does not bind two certificates of one algorithm (APIG.2051), so " + AttachPlan.Shown(other) +
                             " was detached before attaching " + plan.Certificate.Shown + ".");
            }

            return true;
        }

        // A certificate uploaded with the legacy per-domain call may be unknown to the store's calls: the legacy unbind
        // (which also deletes it: it was that domain's own copy) is the way it goes then.
        private async Task DetachOtherAsync(DomainRef domain, SslInfo other, CancellationToken cancellationToken)
        {
            try
            {
                await Client.DetachCertificateAsync(domain, other.SslId!, cancellationToken).ConfigureAwait(false);
            }
            catch (ApigApiException gone) when (gone.ErrorCode == NotBoundCode)
            {
                // Detached meanwhile: what was wanted.
            }
            catch (ApigApiException unknown) when (unknown.StatusCode == 404)
            {
                Log?.Verbose(AttachPlan.Shown(other) + " is not in the certificate store (" + unknown.ErrorCode + "): unbinding it with the legacy call.");
                await Client.UnbindCertificateAsync(domain, other.SslId!, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
