using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Attaches a stored certificate to custom domains: piped domains one by one, or -DomainName names in a few certificate-side requests.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "ApigCertificateBinding", DefaultParameterSetName = NamesSet, SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.AddApigCertificateBinding)]
    [OutputType(typeof(ApigCertificateBinding))]
    public sealed class AddApigCertificateBindingCommand : CertificateBindingCmdlet
    {
        /// <summary>
        /// The stored certificate. Only from the command line: a piped domain's own CertificateId (what it holds now) must
        /// never become the certificate to attach.
        /// </summary>
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        public string CertificateId { get; set; } = string.Empty;

        /// <summary>Switches client-certificate verification (mutual TLS) on for the domain; without it, off.</summary>
        [Parameter]
        public SwitchParameter VerifyClientCertificate { get; set; }

        /// <summary>The piped object: a Get-ApigDomain domain spares reading its group; anything else binds by property name only.</summary>
        [Parameter(ValueFromPipeline = true, ParameterSetName = DomainSet)]
        public object? InputObject { get; set; }

        private protected override string SuccessWord => "attached";

        private protected override string WouldChangeWord => "would be attached";

        private protected override string ProgressActivity => "Attaching a stored certificate";

        private protected override string SummaryDetail() =>
            NameBatchRequests > 0 ? "; " + NameBatchRequests + " certificate-side request(s)" : string.Empty;

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            string certificateId = ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            bool verify = VerifyClientCertificate.IsPresent;
            ApigDomain? piped = ListingOf(InputObject, domain);
            CertificateBindings bindings = Bindings;
            StartChange(
                target,
                ct => bindings.PlanAttachAsync(certificateId, domain, piped, verify, ct),
                plan => Decide(bindings, plan));
        }

        private ItemStep Decide(CertificateBindings bindings, AttachPlan plan)
        {
            if (plan.Unchanged != null)
            {
                return ItemStep.Done(Unchanged(plan));
            }

            if (!ShouldProcess("Would " + plan.Action + ".", Capitalized(plan.Action) + "?", MyInvocation.MyCommand.Name))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct => ItemResult.Succeeded(await bindings.AttachAsync(plan, ct).ConfigureAwait(false)));
        }

        private ItemResult Unchanged(AttachPlan plan)
        {
            if (IsWhatIf)
            {
                ShouldProcess("Already current: " + plan.DomainName + " holds certificate " + plan.Certificate.Shown + "; nothing would be sent.", string.Empty, string.Empty);
                return ItemResult.Unchanged();
            }

            return ItemResult.Unchanged(plan.Unchanged);
        }

        private protected override void ProcessNames(IReadOnlyList<string> names)
        {
            string certificateId = ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            string? instanceId = string.IsNullOrEmpty(InstanceId) ? null : InstanceId;
            CertificateBindings bindings = Bindings;
            IReadOnlyList<NamedAttachPlan> plans = Await(bindings.PlanAttachByNameAsync(certificateId, names, instanceId, VerifyClientCertificate.IsPresent, StopToken));
            if (StopsOnError() && plans.FirstOrDefault(p => p.Failure != null) is { } refused)
            {
                // -ErrorAction Stop: a refused name ends the command before the batch sends anything.
                throw refused.Failure!;
            }

            DeliverNames(
                plans,
                named => named.Name,
                named => named.Failure != null ? ItemResult.Failed(named.Failure)
                    : named.Plan!.Unchanged != null ? Unchanged(named.Plan)
                    : !ShouldProcess("Would " + named.Plan.Action + ".", Capitalized(named.Plan.Action) + "?", MyInvocation.MyCommand.Name) ? NotConfirmed()
                    : null,
                confirmed => bindings.AttachByNameAsync(confirmed.Select(named => named.Plan!).ToList(), StopToken),
                outcome => outcome.Failure != null ? ItemResult.Failed(outcome.Failure) : ItemResult.Succeeded(outcome.Bindings.Cast<object>()));
        }
    }
}
