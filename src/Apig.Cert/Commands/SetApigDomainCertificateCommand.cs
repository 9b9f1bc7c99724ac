using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Binds a certificate (chain + private key) to APIG custom domains. Domains come from the pipeline by property
    /// name; the certificate is parsed and checked once, locally, before anything is sent. Domains that already hold
    /// this certificate are left alone (Changed = $false) unless -Force.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ApigDomainCertificate", DefaultParameterSetName = FilesSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.SetApigDomainCertificate)]
    [OutputType(typeof(DomainCertificateBinding))]
    public sealed class SetApigDomainCertificateCommand : DomainBatchCmdlet, ICertificateInputCmdlet
    {
        private const string FilesSet = CertificateInputParameters.FilesSet;
        private const string PfxSet = CertificateInputParameters.PfxSet;
        private const string X509Set = CertificateInputParameters.X509Set;
        private const string PemSet = CertificateInputParameters.PemSet;
        private const string PfxBase64Set = CertificateInputParameters.PfxBase64Set;
        private const string KeyVaultSecretSet = CertificateInputParameters.KeyVaultSecretSet;
        private const string CcmSet = CertificateInputParameters.CcmSet;

        private CertificateInputParameters? _inputs;

        /// <summary>Certificate file (PEM full chain or DER).</summary>
        [Parameter(Mandatory = true, ParameterSetName = FilesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullChainFile")]
        [AllowEmptyString]
        public string CertificatePath { get; set; } = string.Empty;

        /// <summary>Private key file (PEM or DER; PKCS#1, PKCS#8, SEC1; encrypted PKCS#8 with -PrivateKeyPassword).</summary>
        [Parameter(Mandatory = true, ParameterSetName = FilesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("KeyFile")]
        [AllowEmptyString]
        public string PrivateKeyPath { get; set; } = string.Empty;

        [Parameter(ParameterSetName = FilesSet)]
        [Parameter(ParameterSetName = PemSet)]
        public SecureString? PrivateKeyPassword { get; set; }

        /// <summary>PKCS#12 (.pfx/.p12) file holding the certificate, its chain and the private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PfxSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PfxFullChain")]
        [AllowEmptyString]
        public string PfxPath { get; set; } = string.Empty;

        /// <summary>The password of -PfxPath, -PfxBase64 or a -CertificateSecret (Key Vault's own secrets have none).</summary>
        [Parameter(ParameterSetName = PfxSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = PfxBase64Set)]
        [Parameter(ParameterSetName = KeyVaultSecretSet)]
        [Alias("PfxPass")]
        public SecureString? PfxPassword { get; set; }

        /// <summary>
        /// A base64 PKCS#12, as a string (an Azure DevOps Key Vault task variable) or a SecureString. Typed object so both
        /// bind; anything else is refused with an error that names the parameter to use instead.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = PfxBase64Set)]
        [AllowNull]
        [AllowEmptyString]
        public object? PfxBase64 { get; set; }

        /// <summary>A Key Vault secret (Get-AzKeyVaultSecret): SecretValue (SecureString) and ContentType application/x-pkcs12 or application/x-pem-file.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeyVaultSecretSet)]
        [AllowNull]
        public object? CertificateSecret { get; set; }

        /// <summary>
        /// A certificate in Huawei Cloud Certificate Manager, exported (once per command) through the connection. Not bound
        /// by property name: piped objects are the domains (or stored certificates) to act on.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = CcmSet)]
        [ArgumentCompleter(typeof(CcmCertificateIdCompleter))]
        [AllowEmptyString]
        public string CcmCertificateId { get; set; } = string.Empty;

        /// <summary>A certificate object with an exportable private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = X509Set)]
        public X509Certificate2? Certificate { get; set; }

        /// <summary>Certificate chain as PEM text.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PemSet)]
        [AllowEmptyString]
        public string CertificatePem { get; set; } = string.Empty;

        /// <summary>Private key as PEM text: a string or a SecureString.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PemSet)]
        public object? PrivateKeyPem { get; set; }

        /// <summary>Certificate name in APIG (4-50 letters, digits, underscores; starts with a letter). Default: derived from the certificate.</summary>
        [Parameter]
        public string? Name { get; set; }

        /// <summary>Bind even when the domain already holds this certificate.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// The piped object itself. A domain from Get-ApigDomain spares reading its group again; any other object (a CSV
        /// row, an earlier result, a Posh-ACME certificate) binds by property name only. Typed as object on purpose:
        /// PowerShell would otherwise turn a CSV row into an empty ApigDomain and make its "nothing bound" look true.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        private protected override string SuccessWord => "bound";

        private protected override string ProgressActivity => "Binding certificates";

        private protected override string WouldChangeWord => "would be bound";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _inputs = new CertificateInputParameters(this, this, WriteWarning);
            _inputs.Begin();
        }

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            CertificateBundle bundle = _inputs!.Load(out string inputName);
            PreparedBinding prepared = DomainCertificateBinder.Prepare(domain, DomainName, bundle, Name, inputName, DateTime.UtcNow);

            bool force = Force.IsPresent;
            ApigClient client = Client;
            GroupLookup groups = Groups;
            string projectId = Connection.ProjectId;
            ApigDomain? piped = PipedListing(domain);
            StartChange(
                target,
                async ct => await DomainCertificateBinder.ReadStateAsync(client, groups, projectId, prepared, force, piped, ct).ConfigureAwait(false),
                state => Decide(client, prepared, state, projectId));
        }

        // Only a piped Get-ApigDomain object for this very domain counts: ids typed next to it, or another object type
        // that merely carries ids (an earlier result, a CSV row), leave the reading to the group.
        private ApigDomain? PipedListing(DomainRef domain) =>
            (InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject) is ApigDomain listed
            && string.Equals(listed.InstanceId, domain.InstanceId, StringComparison.Ordinal)
            && string.Equals(listed.GroupId, domain.GroupId, StringComparison.Ordinal)
            && string.Equals(listed.DomainId, domain.DomainId, StringComparison.Ordinal)
                ? listed
                : null;

        // On the pipeline thread, once the domain's state is known: -WhatIf and -Confirm see only real changes.
        private ItemStep Decide(ApigClient client, PreparedBinding prepared, BindingState state, string projectId)
        {
            string domainName = prepared.DomainName ?? state.ListedName ?? prepared.Domain.DomainId;
            string shown = domainName + " (" + prepared.Domain + ")";
            if (state.Unchanged != null)
            {
                if (IsWhatIf)
                {
                    ShouldProcess(
                        "Already current: " + shown + " holds certificate '" + state.Unchanged.CertificateName + "'; nothing would be sent.",
                        string.Empty,
                        string.Empty);
                    return ItemStep.Done(ItemResult.Unchanged());
                }

                return ItemStep.Done(Counted(state.Unchanged));
            }

            string what = prepared.Action.Substring(0, 1).ToLowerInvariant() + prepared.Action.Substring(1);
            if (!ShouldProcess("Would " + what + " on " + shown + ".", what.Substring(0, 1).ToUpperInvariant() + what.Substring(1) + " on " + shown + "?", "Set-ApigDomainCertificate"))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct => Counted(await DomainCertificateBinder.BindAsync(client, projectId, prepared, state, ct).ConfigureAwait(false)));
        }

        private static ItemResult Counted(DomainCertificateBinding binding) =>
            binding.Changed ? ItemResult.Succeeded(binding) : ItemResult.Unchanged(binding);

        CertificateSource ICertificateInputCmdlet.CcmSource(string certificateId) => CertificateInputParameters.CcmSource(Connection, certificateId, StopToken);

        void ICertificateInputCmdlet.WaitFor(Task task) => Await(task);

        private protected override string SummaryDetail() =>
            "; certificate input parsed " + _inputs?.ParseCount + " time(s)";

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _inputs?.Dispose();
            }
        }
    }
}
