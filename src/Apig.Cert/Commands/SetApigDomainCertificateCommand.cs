using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
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
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DomainCertificateBinding))]
    public sealed class SetApigDomainCertificateCommand : DomainBatchCmdlet
    {
        private const string FilesSet = "Files";
        private const string PfxSet = "Pfx";
        private const string X509Set = "X509";
        private const string PemSet = "Pem";

        private readonly CertificateInputCache _certificates = new CertificateInputCache();

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

        [Parameter(ParameterSetName = PfxSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PfxPass")]
        public SecureString? PfxPassword { get; set; }

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

        /// <summary>What the piped domain says is bound now (from Get-ApigDomain), to skip unchanged domains without a lookup.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public ApigCertificateReference[]? Certificates { get; set; }

        /// <summary>The bound certificate's id as a piped object reports it (Get-ApigDomain, an earlier result).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string? CertificateId { get; set; }

        /// <summary>The bound certificate's name as a piped object reports it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string? CertificateName { get; set; }

        private protected override string SuccessWord => "bound";

        private protected override string ProgressActivity => "Binding certificates";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            CertificateInput input = BuildInput(out string inputName);
            CertificateBundle bundle = _certificates.Get(input);
            PreparedBinding prepared = DomainCertificateBinder.Prepare(
                domain.InstanceId, domain.GroupId, domain.DomainId, DomainName, bundle, Name, inputName, DateTime.UtcNow);

            if (!ShouldProcess(prepared.Target, prepared.Action))
            {
                Skipped++;
                return;
            }

            IReadOnlyList<ApigCertificateReference>? current = CurrentFromInput();
            bool force = Force.IsPresent;
            string projectId = Session.Context.ProjectId;
            StartWork(target, async ct => await DomainCertificateBinder
                .BindUnlessUnchangedAsync(Client, Groups, projectId, prepared, current, force, ct).ConfigureAwait(false));
        }

        private protected override object? Count(object? result)
        {
            if (result is DomainCertificateBinding binding && !binding.Changed)
            {
                Unchanged++;
            }
            else
            {
                Succeeded++;
            }

            return result;
        }

        private protected override string SummaryDetail() =>
            "; certificate input parsed " + _certificates.ParseCount + " time(s)";

        // A piped Get-ApigDomain object lists every bound certificate; an earlier result names the one it bound.
        // Anything else (ids typed by hand, a CSV) leaves the lookup to the engine, once per group.
        private IReadOnlyList<ApigCertificateReference>? CurrentFromInput()
        {
            if (Certificates != null)
            {
                return Certificates.Where(c => c != null).ToList();
            }

            if (!string.IsNullOrEmpty(CertificateId) && CertificateName != null)
            {
                return new[] { new ApigCertificateReference { CertificateId = CertificateId!, Name = CertificateName } };
            }

            return null;
        }

        private CertificateInput BuildInput(out string inputName)
        {
            switch (ParameterSetName)
            {
                case PfxSet:
                    inputName = nameof(PfxPath);
                    return CertificateInput.FromPfxFile(ResolvePath(PfxPath, nameof(PfxPath)), PfxPassword);
                case X509Set:
                    inputName = nameof(Certificate);
                    return CertificateInput.FromX509(Certificate!);
                case PemSet:
                    inputName = nameof(CertificatePem);
                    return CertificateInput.FromPem(CertificatePem, ReadPrivateKeyPem(), PrivateKeyPassword);
                default:
                    inputName = nameof(CertificatePath);
                    return CertificateInput.FromFiles(
                        ResolvePath(CertificatePath, nameof(CertificatePath)),
                        ResolvePath(PrivateKeyPath, nameof(PrivateKeyPath)),
                        PrivateKeyPassword);
            }
        }

        private string ReadPrivateKeyPem()
        {
            object? value = PrivateKeyPem is PSObject wrapped ? wrapped.BaseObject : PrivateKeyPem;
            switch (value)
            {
                case SecureString secure:
                    return CertificateInput.ReadSecureString(secure);
                case string text:
                    return text;
                default:
                    throw new ApigInputException(
                        "PrivateKeyPemInvalidType",
                        nameof(PrivateKeyPem),
                        "-PrivateKeyPem takes the key as PEM text: a string or a SecureString (got " +
                        (value?.GetType().Name ?? "null") + "). To pass a key file, use -PrivateKeyPath instead.");
            }
        }

        private string ResolvePath(string path, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ApigInputException(
                    "PathEmpty",
                    parameterName,
                    "-" + parameterName + " is empty. Give the path of the file, for example -" + parameterName + " ./certificate.pem.");
            }

            // Unresolved: a missing file must reach the loader, which names it in a clear FileNotFound error.
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }
    }
}
