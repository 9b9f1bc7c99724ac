using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes custom domains from their API groups (the domain's HTTPS clients lose its certificates); asks first unless -Force.</para>
    /// </summary>
    /// <remarks>
    /// Asks like a ConfirmImpact High cmdlet, through <see cref="BatchCmdlet.ConfirmedHighImpact"/>; declared Medium, as
    /// Remove-ApigDomainCertificate is, because a declared High makes ShouldProcess itself prompt, which -Force cannot skip.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "ApigDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.RemoveApigDomain)]
    [OutputType(typeof(void))]
    public sealed class RemoveApigDomainCommand : DomainBatchCmdlet
    {
        /// <summary>Remove without asking (runbooks, pipelines). -WhatIf still applies.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private protected override string SuccessWord => "removed";

        private protected override string WouldChangeWord => "would be removed";

        private protected override string NothingToDoWord => "were already gone";

        private protected override string ProgressActivity => "Removing custom domains";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            string? domainName = DomainName;
            GroupLookup groups = Groups;
            DomainRemover remover = Connection.Get(c => new DomainRemover(c.Client, groups, c.Log));
            StartChange(target, async ct => await remover.PlanAsync(domain, domainName, ct).ConfigureAwait(false), plan => Decide(remover, plan));
        }

        private ItemStep Decide(DomainRemover remover, DomainRemovalPlan plan)
        {
            if (plan.Gone)
            {
                return ItemStep.Done(ItemResult.NothingToDo());
            }

            if (!ConfirmedHighImpact(plan.DomainName, plan.Action, Force.IsPresent))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct =>
            {
                await remover.RemoveAsync(plan, ct).ConfigureAwait(false);
                return ItemResult.Succeeded();
            });
        }
    }
}
