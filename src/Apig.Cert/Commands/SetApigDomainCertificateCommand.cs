using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Binds a certificate (chain + private key) to APIG custom domains. Domains come from the pipeline by property
    /// name; the certificate is parsed and checked once, locally, before anything is sent.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ApigDomainCertificate", DefaultParameterSetName = FilesSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DomainCertificateBinding))]
    public sealed class SetApigDomainCertificateCommand : ApigCmdlet
    {
        private const string FilesSet = "Files";
        private const string PfxSet = "Pfx";
        private const string X509Set = "X509";
        private const string PemSet = "Pem";

        private object? _state;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(Completers.InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(Completers.GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        public string DomainId { get; set; } = string.Empty;

        /// <summary>The custom domain's name; when known, the certificate must cover it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        public string? DomainName { get; set; }

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

        protected override void BeginProcessing()
        {
            ApigSession session = RequireSession();
            _state = CreateState(session, Log);
        }

        protected override void ProcessRecord()
        {
            string target = string.IsNullOrWhiteSpace(DomainName) ? DomainId : DomainName!;
            try
            {
                ProcessDomain();
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                CountFailure();
                WriteFailure(ex, target);
            }
        }

        protected override void EndProcessing()
        {
            if (_state != null)
            {
                WriteVerbose(Summary());
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void CountFailure() => ((BindState)_state!).Failed++;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private string Summary()
        {
            var state = (BindState)_state!;
            return string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                "{0} domain(s): {1} bound, {2} unchanged, {3} failed; certificate input parsed {4} time(s).",
                state.Bound + state.Unchanged + state.Failed + state.Skipped, state.Bound, state.Unchanged, state.Failed, state.Certificates.ParseCount);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static object CreateState(ApigSession session, PipelineLog log) => new BindState(session, log);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ProcessDomain()
        {
            var state = (BindState)_state!;

            // Ids first: a bad id must stop the item before any file is even read.
            ApigIds.EnsureValid(InstanceId, nameof(InstanceId));
            ApigIds.EnsureValid(GroupId, nameof(GroupId));
            ApigIds.EnsureValid(DomainId, nameof(DomainId));

            CertificateInput input = BuildInput(out string inputName);
            Engine.Certificates.CertificateBundle bundle = state.Certificates.Get(input);
            PreparedBinding prepared = DomainCertificateBinder.Prepare(
                InstanceId, GroupId, DomainId, DomainName, bundle, Name, inputName, DateTime.UtcNow);

            if (!ShouldProcess(prepared.Target, prepared.Action))
            {
                state.Skipped++;
                return;
            }

            DomainCertificateBinding result = Await(
                DomainCertificateBinder.BindAsync(state.Client, state.Session.Context.ProjectId, prepared, StopToken));
            if (result.Changed)
            {
                state.Bound++;
            }
            else
            {
                state.Unchanged++;
            }

            WriteObject(result);
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

        /// <summary>What one invocation keeps across piped items: the API client and the parsed certificates.</summary>
        private sealed class BindState
        {
            public BindState(ApigSession session, PipelineLog log)
            {
                Session = session;
                Client = session.CreateClient(log);
            }

            public ApigSession Session { get; }

            public ApigClient Client { get; }

            public CertificateInputCache Certificates { get; } = new CertificateInputCache();

            public int Bound { get; set; }

            public int Unchanged { get; set; }

            public int Failed { get; set; }

            public int Skipped { get; set; }
        }
    }
}
