using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Detaches a stored certificate from custom domains; the certificate stays in the store.</para>
    /// </summary>
    /// <remarks>
    /// High impact, asked through <see cref="BatchCmdlet.ConfirmedHighImpact"/>: the attribute says Medium because with High
    /// ShouldProcess itself would prompt under the default $ConfirmPreference, and -Force could not skip that.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "ApigCertificateBinding", DefaultParameterSetName = NamesSet, SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.RemoveApigCertificateBinding)]
    [OutputType(typeof(ApigCertificateBinding))]
    public sealed class RemoveApigCertificateBindingCommand : CertificateBindingCmdlet
    {
        /// <summary>The stored certificate; by property name, so Get-ApigCertificateBinding | Remove-ApigCertificateBinding works.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = NamesSet)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        [AllowEmptyString]
        // A piped Get-ApigDomain domain that holds no RSA certificate has none: let it reach the cmdlet's own error.
        [AllowNull]
        public string CertificateId { get; set; } = string.Empty;

        /// <summary>Detaches without asking (runbooks, pipelines). -WhatIf still applies.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes each binding as it is afterwards, with Changed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private protected override string SuccessWord => "detached";

        private protected override string WouldChangeWord => "would be detached";

        private protected override string NothingToDoWord => "did not hold the certificate";

        private protected override string ProgressActivity => "Detaching a stored certificate";

        private protected override string SummaryDetail() =>
            NameBatchRequests > 0 ? "; " + NameBatchRequests + " certificate-side request(s)" : string.Empty;

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            if (string.IsNullOrEmpty(CertificateId))
            {
                throw new ApigInputException("CertificateIdMissing", nameof(CertificateId),
                    "No certificate id came with " + target + ", so there is nothing to detach from it (a domain from Get-ApigDomain has a CertificateId only " +
                    "while it holds an RSA certificate). Give the stored certificate with -CertificateId <id>, or pipe Get-ApigCertificateBinding -CertificateId <id>.");
            }

            string certificateId = ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            CertificateBindings bindings = Bindings;
            StartChange(
                target,
                ct => bindings.PlanDetachAsync(certificateId, domain, ct),
                plan => Decide(bindings, plan));
        }

        private ItemStep Decide(CertificateBindings bindings, DetachPlan plan)
        {
            bool passThru = PassThru.IsPresent;
            if (plan.NothingBound)
            {
                return ItemStep.Done(ItemResult.NothingToDo(passThru ? bindings.Detached(plan, changed: false) : null));
            }

            if (!ConfirmedHighImpact(plan.DomainName, plan.Action, Force.IsPresent))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct =>
            {
                ApigCertificateBinding after = await bindings.DetachAsync(plan, ct).ConfigureAwait(false);
                object? written = passThru ? after : null;
                return after.Changed == true ? ItemResult.Succeeded(written) : ItemResult.NothingToDo(written);
            });
        }

        private protected override void ProcessNames(IReadOnlyList<string> names)
        {
            string certificateId = ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            string? instanceId = string.IsNullOrEmpty(InstanceId) ? null : InstanceId;
            CertificateBindings bindings = Bindings;
            IReadOnlyList<NamedDetachPlan> plans = Await(bindings.PlanDetachByNameAsync(certificateId, names, instanceId, StopToken));
            bool passThru = PassThru.IsPresent;

            DeliverNames(
                plans,
                plan => plan.Name,
                plan => plan.NothingBound ? ItemResult.NothingToDo()
                    : !ConfirmedHighImpact(plan.Name, plan.Action, Force.IsPresent) ? NotConfirmed()
                    : null,
                confirmed => bindings.DetachByNameAsync(confirmed, StopToken),
                outcome =>
                {
                    if (outcome.Failure != null) return ItemResult.Failed(outcome.Failure);
                    IEnumerable<object> written = passThru ? outcome.Bindings.Cast<object>() : Enumerable.Empty<object>();
                    return outcome.Changed ? ItemResult.Succeeded(written) : ItemResult.NothingToDo(written.FirstOrDefault());
                });
        }
    }
}
