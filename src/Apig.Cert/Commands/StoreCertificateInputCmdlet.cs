using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of the store cmdlets that take a certificate (New-, Set-ApigCertificate): the certificate parameters of
    /// Set-ApigDomainCertificate, with the same parameter sets, read through <see cref="CertificateInputParameters"/>.
    /// </summary>
    public abstract class StoreCertificateInputCmdlet : BatchCmdlet, ICertificateInputCmdlet
    {
        private CertificateInputParameters? _inputs;

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.FilesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullChainFile")]
        [AllowEmptyString]
        public string CertificatePath { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.FilesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("KeyFile")]
        [AllowEmptyString]
        public string PrivateKeyPath { get; set; } = string.Empty;

        [Parameter(ParameterSetName = CertificateInputParameters.FilesSet)]
        [Parameter(ParameterSetName = CertificateInputParameters.PemSet)]
        public SecureString? PrivateKeyPassword { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.PfxSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PfxFullChain")]
        [AllowEmptyString]
        public string PfxPath { get; set; } = string.Empty;

        /// <summary>The password of -PfxPath, -PfxBase64 or a -CertificateSecret (Key Vault's own secrets have none).</summary>
        [Parameter(ParameterSetName = CertificateInputParameters.PfxSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = CertificateInputParameters.PfxBase64Set)]
        [Parameter(ParameterSetName = CertificateInputParameters.KeyVaultSecretSet)]
        [Alias("PfxPass")]
        public SecureString? PfxPassword { get; set; }

        /// <summary>
        /// A base64 PKCS#12, as a string (an Azure DevOps Key Vault task variable) or a SecureString. Typed object so both
        /// bind; anything else is refused with an error that names the parameter to use instead.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.PfxBase64Set)]
        [AllowNull]
        [AllowEmptyString]
        public object? PfxBase64 { get; set; }

        /// <summary>A Key Vault secret (Get-AzKeyVaultSecret): SecretValue (SecureString) and ContentType application/x-pkcs12 or application/x-pem-file.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.KeyVaultSecretSet)]
        [AllowNull]
        public object? CertificateSecret { get; set; }

        /// <summary>
        /// A certificate in Huawei Cloud Certificate Manager, exported (once per command) through the connection. Not bound
        /// by property name: piped objects are the domains (or stored certificates) to act on.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.CcmSet)]
        [ArgumentCompleter(typeof(CcmCertificateIdCompleter))]
        [AllowEmptyString]
        public string CcmCertificateId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.X509Set)]
        public X509Certificate2? Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.PemSet)]
        [AllowEmptyString]
        public string CertificatePem { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = CertificateInputParameters.PemSet)]
        public object? PrivateKeyPem { get; set; }

        private protected CertificateInputParameters Inputs => _inputs!;

        /// <summary>The current input's certificate store (per connection). Per input: capture it before building a lambda.</summary>
        private protected StoredCertificates Store => Connection.Get(c => new StoredCertificates(c.Client, c.ProjectId, c.Log));

        /// <summary>
        /// What a certificate the store already holds comes to: under -WhatIf a line that says so (nothing would be
        /// sent), otherwise the certificate as stored, Changed = $false.
        /// </summary>
        private protected ItemStep AlreadyCurrent(string whatIfLine, ApigCertificate current)
        {
            if (IsWhatIf)
            {
                ShouldProcess(whatIfLine, string.Empty, string.Empty);
                return ItemStep.Done(ItemResult.Unchanged());
            }

            return ItemStep.Done(ItemResult.Unchanged(Shown(current)));
        }

        /// <summary>A result of New- or Set-ApigCertificate, under the type name whose table shows Changed.</summary>
        private protected static PSObject Shown(ApigCertificate certificate)
        {
            PSObject shown = PSObject.AsPSObject(certificate);
            shown.TypeNames.Insert(0, "Apig.Cert.ApigCertificate#Changed");
            return shown;
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _inputs = new CertificateInputParameters(this, this, WriteWarning);
            _inputs.Begin();
        }

        CertificateSource ICertificateInputCmdlet.CcmSource(string certificateId) => CertificateInputParameters.CcmSource(Connection, certificateId, StopToken);

        void ICertificateInputCmdlet.WaitFor(Task task) => Await(task);

        private protected override string SummaryDetail() => "; certificate input parsed " + _inputs?.ParseCount + " time(s)";

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
