using System;
using System.Globalization;
using System.Management.Automation;
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
            CertificateChoice choice = CurrentChoice();
            string? domainName = DomainName;
            string? algorithmType = AlgorithmType;
            bool passThru = PassThru.IsPresent;
            DomainCertificates bound = BoundCertificates;
            DomainCertificateUnbinder unbinder = Connection.Get(_ => new DomainCertificateUnbinder(bound));
            StartChange(
                target,
                async ct => await unbinder.PlanAsync(domain, domainName, choice, algorithmType, passThru, ct).ConfigureAwait(false),
                plan => Decide(unbinder, plan));
        }

        private ItemStep Decide(DomainCertificateUnbinder unbinder, UnbindPlan plan)
        {
            if (plan.NothingBound)
            {
                // With -PassThru the domain is still written.
                return ItemStep.Done(ItemResult.NothingToDo(plan.DomainBefore));
            }

            string shown = plan.DomainName + " (" + plan.Domain + ")";
            string action = "unbind " + plan.Certificates.Count.ToString(CultureInfo.InvariantCulture) + " certificate(s) from " + shown + ": " + plan.Description;
            if (!ConfirmedHighImpact(plan.DomainName, action, Force.IsPresent))
            {
                return ItemStep.Done(NotConfirmed());
            }

            bool passThru = PassThru.IsPresent;
            return ItemStep.Send(async ct =>
            {
                UnbindResult result = await unbinder.UnbindAsync(plan, passThru, ct).ConfigureAwait(false);
                return ItemResult.Succeeded(passThru ? result.Domain : null);
            });
        }
    }
}
