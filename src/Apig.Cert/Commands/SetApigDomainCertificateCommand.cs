using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
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
    public sealed class SetApigDomainCertificateCommand : DomainBatchCmdlet
    {
        private const string FilesSet = "Files";
        private const string PfxSet = "Pfx";
        private const string X509Set = "X509";
        private const string PemSet = "Pem";

        private readonly CertificateSourceCache _certificates = new CertificateSourceCache();
        private readonly Dictionary<string, string> _rootedPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        private bool _warnedPlainTextKey;
        private Task? _earlyParse;

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
            // Only a value given on the command line is known here; piped values bind later, record by record.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(PrivateKeyPem)) && !(Unwrapped(PrivateKeyPem) is SecureString))
            {
                WarnPlainTextKey();
            }

            StartEarlyParse();
        }

        /// <summary>
        /// A certificate given on the command line is the same for every domain of the command: parsed now, on a worker
        /// thread, it overlaps the first domain's lookup (and, in a pipeline, Get-ApigDomain's listing) instead of
        /// following it. The cache still parses it once, and a failure is still reported by each domain that needs it.
        /// </summary>
        private void StartEarlyParse()
        {
            IDictionary<string, object> bound = MyInvocation.BoundParameters;
            bool fromCommandLine = ParameterSetName == FilesSet
                ? bound.ContainsKey(nameof(CertificatePath)) && bound.ContainsKey(nameof(PrivateKeyPath))
                : ParameterSetName == PfxSet && bound.ContainsKey(nameof(PfxPath)) && bound.ContainsKey(nameof(PfxPassword));
            if (!fromCommandLine)
            {
                return;
            }

            CertificateSource input;
            try
            {
                input = BuildInput(out _);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // The first domain builds the input again and reports this failure as its own.
                return;
            }

            _earlyParse = Task.Run(() =>
            {
                try
                {
                    _certificates.Get(input);
                }
                catch (Exception)
                {
                    // Remembered by the cache: every domain that needs the certificate gets it as its error.
                }
            });
        }

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            CertificateSource input = BuildInput(out string inputName);
            CertificateBundle bundle = _certificates.Get(input);
            PreparedBinding prepared = DomainCertificateBinder.Prepare(domain, DomainName, bundle, Name, inputName, DateTime.UtcNow);

            bool force = Force.IsPresent;
            string projectId = Session.Context.ProjectId;
            ApigDomain? piped = PipedListing(domain);
            StartChange(
                target,
                async ct => await DomainCertificateBinder.ReadStateAsync(Client, Groups, projectId, prepared, force, piped, ct).ConfigureAwait(false),
                state => Decide(prepared, state, projectId));
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
        private ItemStep Decide(PreparedBinding prepared, BindingState state, string projectId)
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

            return ItemStep.Send(async ct => Counted(await DomainCertificateBinder.BindAsync(Client, projectId, prepared, state, ct).ConfigureAwait(false)));
        }

        private static ItemResult Counted(DomainCertificateBinding binding) =>
            binding.Changed ? ItemResult.Succeeded(binding) : ItemResult.Unchanged(binding);

        private protected override string SummaryDetail() =>
            "; certificate input parsed " + _certificates.ParseCount + " time(s)";

        // The parsed key lives in buffers this command owns: clear them when it ends, however it ends (after the batch
        // itself is disposed, so no request still being built reads a half-cleared key).
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                // A parse still running would otherwise finish after the keys were cleared, and keep its copy.
                _earlyParse?.GetAwaiter().GetResult();
                _certificates.Dispose();
            }
        }

        private CertificateSource BuildInput(out string inputName)
        {
            switch (ParameterSetName)
            {
                case PfxSet:
                    inputName = nameof(PfxPath);
                    return CertificateSource.FromPfxFile(ResolvePath(PfxPath, nameof(PfxPath)), PfxPassword);
                case X509Set:
                    inputName = nameof(Certificate);
                    return CertificateSource.FromX509(Certificate!);
                case PemSet:
                    inputName = nameof(CertificatePem);
                    return CertificateSource.FromPem(CertificatePem, ReadPrivateKeyPem(), PrivateKeyPassword);
                default:
                    inputName = nameof(CertificatePath);
                    return CertificateSource.FromFiles(
                        ResolvePath(CertificatePath, nameof(CertificatePath)),
                        ResolvePath(PrivateKeyPath, nameof(PrivateKeyPath)),
                        PrivateKeyPassword);
            }
        }

        private static object? Unwrapped(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        // A key given as a plain string shows in Trace-Command ParameterBinding and in transcripts of the command line.
        private void WarnPlainTextKey()
        {
            if (_warnedPlainTextKey)
            {
                return;
            }

            _warnedPlainTextKey = true;
            WriteWarning("-PrivateKeyPem was given as a plain string, which PowerShell can show in Trace-Command ParameterBinding output and in transcripts. " +
                         "Pass a SecureString instead, for example -PrivateKeyPem (Get-Content key.pem -Raw | ConvertTo-SecureString -AsPlainText -Force), or use -PrivateKeyPath.");
        }

        private string ReadPrivateKeyPem()
        {
            object? value = Unwrapped(PrivateKeyPem);
            switch (value)
            {
                case SecureString secure:
                    return CertificateSource.ReadSecureString(secure);
                case string text:
                    WarnPlainTextKey();
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

            // A rooted path resolves the same for every domain of the command, and resolving it costs the pipeline thread
            // about half a millisecond per call (PowerShell checks the drive each time), twice per domain. A relative one
            // depends on the current location, which may change between records, so it is resolved each time.
            if (_rootedPaths.TryGetValue(path, out string? known))
            {
                return known;
            }

            // Unresolved: a missing file must reach the loader, which names it in a clear FileNotFound error.
            string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (IsRooted(path))
            {
                _rootedPaths[path] = resolved;
            }

            return resolved;
        }

        private static bool IsRooted(string path)
        {
            try
            {
                return System.IO.Path.IsPathRooted(path);
            }
            catch (ArgumentException)
            {
                // .NET Framework refuses some characters outright; such a path is simply resolved every time.
                return false;
            }
        }
    }
}
