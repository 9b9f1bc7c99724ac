using System.Globalization;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes a certificate from APIG's certificate store; one still bound is refused unless -Detach detaches it first.</para>
    /// </summary>
    /// <remarks>
    /// High impact, asked as Remove-ApigDomainCertificate asks (<see cref="BatchCmdlet.ConfirmedHighImpact"/>): declared
    /// Medium so that ShouldProcess itself does not prompt (it would, under the default $ConfirmPreference, even with
    /// -Force, and fail in a non-interactive session); the question comes from ShouldContinue, which -Force skips.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "ApigCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.RemoveApigCertificate)]
    [OutputType(typeof(void))]
    public sealed class RemoveApigCertificateCommand : BatchCmdlet
    {
        private bool _idTyped;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        [AllowEmptyString]
        public string CertificateId { get; set; } = string.Empty;

        /// <summary>Detach the certificate from every domain bound to it first (certificate-side batch), then delete it.</summary>
        [Parameter]
        public SwitchParameter Detach { get; set; }

        /// <summary>Delete without asking (runbooks, pipelines). -WhatIf still applies.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private protected override string SuccessWord => "deleted";

        private protected override string WouldChangeWord => "would be deleted";

        private protected override string ItemNoun => "certificate(s)";

        private protected override string NothingToDoWord => "already gone";

        private protected override string ProgressActivity => "Deleting stored certificates";

        protected override void BeginProcessing()
        {
            // Piped values bind after BeginProcessing: an id bound now was typed on the command line.
            _idTyped = MyInvocation.BoundParameters.ContainsKey(nameof(CertificateId));
            base.BeginProcessing();
        }

        protected override void ProcessRecord() => ProcessInput(() => CertificateId, () =>
        {
            string certificateId = CertificateId.Trim();
            bool detach = Detach.IsPresent;
            // A typed id that is not there is the user's mistake; a piped object that is gone was deleted by an earlier run.
            bool goneIsDone = !_idTyped;
            StoredCertificates store = Connection.Get(c => new StoredCertificates(c.Client, c.ProjectId, c.Log));
            StartChange(
                certificateId,
                async ct => await CertificateRemover.PlanAsync(store, certificateId, detach, goneIsDone, ct).ConfigureAwait(false),
                plan => Decide(store, plan));
        });

        private ItemStep Decide(StoredCertificates store, RemovePlan plan)
        {
            if (plan.AlreadyGone)
            {
                return ItemStep.Done(ItemResult.NothingToDo());
            }

            string action = "delete certificate " + plan.Shown +
                            (plan.Bound.Count == 0
                                ? string.Empty
                                : " after detaching it from " + plan.Bound.Count.ToString(CultureInfo.InvariantCulture) + " domain(s): " + plan.BoundNames);
            if (!ConfirmedHighImpact(plan.Shown, action, Force.IsPresent))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct =>
            {
                await CertificateRemover.RemoveAsync(store, plan, ct).ConfigureAwait(false);
                return ItemResult.Succeeded();
            });
        }
    }
}
