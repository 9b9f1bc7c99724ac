using System;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Replaces a stored certificate's content in place: the id stays, and every domain bound to it serves the new certificate after one request.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ApigCertificate", DefaultParameterSetName = CertificateInputParameters.FilesSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.SetApigCertificate)]
    [OutputType(typeof(ApigCertificate))]
    public sealed class SetApigCertificateCommand : StoreCertificateInputCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        [AllowEmptyString]
        public string CertificateId { get; set; } = string.Empty;

        /// <summary>Renames the certificate too. Default: the name stays.</summary>
        [Parameter]
        public string? NewName { get; set; }

        [Parameter]
        public string? TrustedRootCaPath { get; set; }

        [Parameter]
        public string? TrustedRootCaPem { get; set; }

        /// <summary>Sends the update without the stored certificate's trusted root CA: client-certificate verification ends on its domains.</summary>
        [Parameter]
        public SwitchParameter RemoveTrustedRootCa { get; set; }

        /// <summary>Replace even when the stored certificate is already this one, or does not cover every bound domain.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private protected override string SuccessWord => "replaced";

        private protected override string WouldChangeWord => "would be replaced";

        private protected override string ItemNoun => "certificate(s)";

        private protected override string ProgressActivity => "Replacing stored certificates";

        protected override void ProcessRecord() => ProcessInput(() => CertificateId, () =>
        {
            CertificateBundle bundle = Inputs.Load(out string inputName);
            TrustedRootCa? ca = Inputs.LoadTrustedRootCa(TrustedRootCaPath, TrustedRootCaPem, out string caInputName);
            if (ca != null && RemoveTrustedRootCa.IsPresent)
            {
                throw new ApigInputException("TrustedRootCaConflict", "RemoveTrustedRootCa",
                    "-RemoveTrustedRootCa drops the trusted root CA, and -" + caInputName + " sets one: give one of them.");
            }

            TrustedRootCaChange caChange = ca != null ? TrustedRootCaChange.Replace : RemoveTrustedRootCa.IsPresent ? TrustedRootCaChange.Remove : TrustedRootCaChange.NotGiven;
            PreparedUpdate prepared = CertificateUpdater.Prepare(CertificateId, bundle, inputName, NewName, caChange, ca, caInputName, DateTime.UtcNow);
            bool force = Force.IsPresent;
            StoredCertificates store = Store;
            StartChange(
                prepared.CertificateId,
                async ct => await CertificateUpdater.ReadStateAsync(store, prepared, force, ct).ConfigureAwait(false),
                state => Decide(store, prepared, state));
        });

        // On the pipeline thread, with the stored certificate known: -WhatIf and -Confirm see only real changes.
        private ItemStep Decide(StoredCertificates store, PreparedUpdate prepared, UpdateState state)
        {
            if (state.AlreadyCurrent && !Force.IsPresent)
            {
                return AlreadyCurrent("Already current: certificate " + state.Shown + " holds this certificate; nothing would be sent.", state.Current);
            }

            string action = "replace the content of certificate " + state.Shown + " with " + prepared.Bundle.Subject + " (thumbprint " + prepared.Bundle.Thumbprint +
                            ", expires " + prepared.Bundle.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "), served at once by " +
                            state.Bound.Count + " bound domain(s)";
            if (!ShouldProcess("Would " + action + ".", Capitalized(action) + "?", MyInvocation.MyCommand.Name))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct => ItemResult.Succeeded(Shown(await CertificateUpdater.UpdateAsync(store, prepared, state, ct).ConfigureAwait(false))));
        }
    }
}
