using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Unbinds certificates from a custom domain: every bound certificate (RSA, ECC), or the one -CertificateId or -AlgorithmType names.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "ApigDomainCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpLinks.RemoveApigDomainCertificate)]
    [OutputType(typeof(ApigDomain))]
    public sealed class RemoveApigDomainCertificateCommand : DomainCertificateCmdlet
    {
        private bool _yesToAll;
        private bool _noToAll;

        /// <summary>Only the certificate of this algorithm.</summary>
        [Parameter]
        [ValidateSet("RSA", "ECC", "SM2", IgnoreCase = true)]
        public string? AlgorithmType { get; set; }

        /// <summary>Unbind without asking for confirmation (for runbooks and pipelines). -WhatIf still applies.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Return the domain as it is after the unbind.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private protected override string SuccessWord => "unbound";

        private protected override string WouldChangeWord => "would be unbound";

        private protected override string ProgressActivity => "Unbinding domain certificates";

        private protected override string NothingToDoWord => "had no certificate to remove";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            CertificateRequest request = CurrentRequest();
            string? domainName = string.IsNullOrWhiteSpace(DomainName) ? null : DomainName!.Trim();
            string? algorithmType = AlgorithmType;
            bool passThru = PassThru.IsPresent;
            StartChange(
                target,
                async ct =>
                {
                    BoundSelection selection = await SelectAsync(domain, request, algorithmType, ct).ConfigureAwait(false);
                    var described = new List<(SslInfo Bound, DomainCertificateDetails Details)>();
                    foreach (SslInfo bound in selection.Certificates)
                    {
                        // The details name what the prompt and -WhatIf show; for an id typed by hand APIG also says
                        // here whether it is bound (APIG.3021) before anything is changed.
                        described.Add((bound, await Client.GetDomainCertificateAsync(domain, bound.SslId!, ct).ConfigureAwait(false)));
                    }

                    ApigDomain? before = described.Count == 0 && passThru ? await CurrentDomainAsync(domain, ct).ConfigureAwait(false) : null;
                    return new Planned(selection, described, before);
                },
                plan => Decide(domain, domainName, plan));
        }

        private ItemStep Decide(DomainRef domain, string? domainName, Planned plan)
        {
            string shownName = domainName ?? plan.Selection.Listed?.Domain ?? domain.DomainId;
            if (plan.Selection.StaleId != null)
            {
                Log.Verbose("Certificate " + plan.Selection.StaleId + " is no longer bound to '" + shownName + "'; nothing of it to remove.");
            }

            if (plan.Certificates.Count == 0)
            {
                Log.Verbose("Domain '" + shownName + "' has no certificate bound" + (AlgorithmType is null ? string.Empty : " of type " + AlgorithmType) + "; nothing to remove.");
                // With -PassThru the domain is still written.
                return ItemStep.Done(ItemResult.NothingToDo(plan.DomainBefore));
            }

            string shown = shownName + " (" + domain + ")";
            string certificates = string.Join("; ", plan.Certificates.Select(c => Describe(c.Bound, c.Details)));
            string action = "unbind " + plan.Certificates.Count.ToString(CultureInfo.InvariantCulture) + " certificate(s) from " + shown + ": " + certificates;
            if (!Confirmed(shownName, action))
            {
                return ItemStep.Done(NotConfirmed());
            }

            bool passThru = PassThru.IsPresent;
            var ids = plan.Certificates.Select(c => c.Bound.SslId!).ToList();
            return ItemStep.Send(async ct =>
            {
                foreach (string id in ids)
                {
                    await Client.UnbindCertificateAsync(domain, id, ct).ConfigureAwait(false);
                    Log.Verbose("Unbound certificate " + id + " from " + shownName + ".");
                }

                return ItemResult.Succeeded(passThru ? await CurrentDomainAsync(domain, ct).ConfigureAwait(false) : null);
            });
        }

        /// <summary>
        /// ShouldProcess always runs (so -WhatIf, given or inherited from a calling function or the session, never sends
        /// anything). -Force, -Confirm:$false and $ConfirmPreference = 'None' skip only the question; a session that cannot
        /// show it gets an error that says what to add.
        /// </summary>
        private bool Confirmed(string domainName, string action)
        {
            string caption = "Remove-ApigDomainCertificate";
            try
            {
                if (!ShouldProcess("Would " + action + ".", Capitalized(action) + "?", caption))
                {
                    return false;
                }

                if (Force.IsPresent || ConfirmationAnswered())
                {
                    return true;
                }

                return ShouldContinue(Capitalized(action) + "?", caption, ref _yesToAll, ref _noToAll);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException)
            {
                throw new PSInvalidOperationException(
                    "Remove-ApigDomainCertificate asks before unbinding, and this session is non-interactive, so it cannot ask. Nothing was unbound from " +
                    domainName + ". Add -Force to unbind without asking" +
                    (MyInvocation.BoundParameters.ContainsKey("Confirm") ? " (and leave out -Confirm)" : string.Empty) + ", or -WhatIf to see what would be unbound.",
                    ex);
            }
        }

        // True when ShouldProcess already asked (-Confirm, $ConfirmPreference Medium or Low) or the caller opted out of
        // questions (-Confirm:$false, $ConfirmPreference None).
        private bool ConfirmationAnswered()
        {
            if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            object? preference = SessionState.PSVariable.GetValue("ConfirmPreference");
            return LanguagePrimitives.TryConvertTo(preference is PSObject wrapped ? wrapped.BaseObject : preference, out ConfirmImpact impact)
                && impact != ConfirmImpact.High;
        }

        private static string Capitalized(string text) => text.Substring(0, 1).ToUpperInvariant() + text.Substring(1);

        private static string Describe(SslInfo bound, DomainCertificateDetails details) =>
            "'" + (details.Name ?? bound.SslName ?? bound.SslId) + "' (" + (bound.AlgorithmType ?? "algorithm not listed") +
            (details.NotAfter.HasValue ? ", expires " + details.NotAfter.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty) +
            ", id " + bound.SslId + ")";

        private async Task<ApigDomain?> CurrentDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            // Read the group fresh: the cached copy predates the unbind.
            GroupInfo group = await Client.GetGroupAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo? current = group.UrlDomains.FirstOrDefault(d => d.Id == domain.DomainId);
            return current is null ? null : ApigMapper.ToDomain(current, group, domain.InstanceId, Session.Context.ProjectId);
        }

        /// <summary>What one domain's read found: the certificates to unbind, described for the prompt.</summary>
        private sealed class Planned
        {
            public Planned(BoundSelection selection, List<(SslInfo Bound, DomainCertificateDetails Details)> certificates, ApigDomain? domainBefore)
            {
                Selection = selection;
                Certificates = certificates;
                DomainBefore = domainBefore;
            }

            public BoundSelection Selection { get; }

            public List<(SslInfo Bound, DomainCertificateDetails Details)> Certificates { get; }

            public ApigDomain? DomainBefore { get; }
        }
    }
}
