using System;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Stores a certificate (chain + private key) in APIG's certificate store, once: a certificate already stored in that scope is returned unchanged.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "ApigCertificate", DefaultParameterSetName = CertificateInputParameters.FilesSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.NewApigCertificate)]
    [OutputType(typeof(ApigCertificate))]
    public sealed class NewApigCertificateCommand : StoreCertificateInputCmdlet
    {
        /// <summary>Default: derived from the certificate, as Set-ApigDomainCertificate derives it.</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        [ValidateSet("Global", "Instance", IgnoreCase = true)]
        public string Type { get; set; } = "Global";

        [Parameter]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter]
        public string? TrustedRootCaPath { get; set; }

        [Parameter]
        public string? TrustedRootCaPem { get; set; }

        /// <summary>Create even when the store already holds this certificate in that scope.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private protected override string SuccessWord => "created";

        private protected override string WouldChangeWord => "would be created";

        private protected override string ItemNoun => "certificate(s)";

        private protected override string ProgressActivity => "Storing certificates";

        protected override void ProcessRecord() => ProcessInput(() => Name ?? "the certificate", () =>
        {
            CertificateBundle bundle = Inputs.Load(out string inputName);
            TrustedRootCa? ca = Inputs.LoadTrustedRootCa(TrustedRootCaPath, TrustedRootCaPem, out string caInputName);
            bool global = string.Equals(Type, "Global", StringComparison.OrdinalIgnoreCase);
            PreparedCreate prepared = CertificateCreator.Prepare(bundle, inputName, Name, global, InstanceId, ca, caInputName, DateTime.UtcNow);
            bool force = Force.IsPresent;
            StoredCertificates store = Store;
            StartChange(
                prepared.Name,
                async ct => await CertificateCreator.ReadStateAsync(store, prepared, force, ct).ConfigureAwait(false),
                state => Decide(store, prepared, state));
        });

        // On the pipeline thread, once the store was read: -WhatIf and -Confirm see only real changes.
        private ItemStep Decide(StoredCertificates store, PreparedCreate prepared, CreateState state)
        {
            if (state.Existing != null)
            {
                return AlreadyCurrent(
                    "Already stored: certificate " + prepared.Description + " is in the store as " + state.Existing.CertificateId + "; nothing would be sent.",
                    state.Existing);
            }

            string action = "store certificate " + prepared.Description;
            if (!ShouldProcess("Would " + action + ".", Capitalized(action) + "?", MyInvocation.MyCommand.Name))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct => ItemResult.Succeeded(Shown(await CertificateCreator.CreateAsync(store, prepared, state, ct).ConfigureAwait(false))));
        }
    }
}
