using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to custom domains over TLS (the domain as SNI) and reports the certificate a client is really served: trusted or not, the name covered or not, and whether it is the one APIG says is bound.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ApigDomainCertificate", HelpUri = HelpLinks.TestApigDomainCertificate)]
    [OutputType(typeof(ApigTlsCheck))]
    public sealed class TestApigDomainCertificateCommand : BatchCmdlet
    {
        /// <summary>Seconds between two checks of one domain under -WaitUntilMatches: quick enough for a runbook, slow enough for an edge.</summary>
        private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(2);

        private TlsCheckSettings _settings = null!;
        private DomainTlsCheck? _unconnected;
        private TlsEndpoint? _endpoint;

        /// <summary>The domain names to check; by property name from piped domains and binding results.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        [AllowEmptyString]
        [AllowNull]
        public string[]? DomainName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        [AllowNull]
        public string? InstanceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        [AllowNull]
        public string? GroupId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        [AllowNull]
        public string? DomainId { get; set; }

        /// <summary>
        /// A stored certificate (a piped Get-/Set-ApigCertificate result): every domain it is bound to is checked. With a
        /// domain in the same input (a binding result), the domain alone is checked.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        [AllowEmptyString]
        [AllowNull]
        public string? CertificateId { get; set; }

        /// <summary>The domain's HTTPS port when the piped object carries it (Get-ApigDomain, Add-ApigCertificateBinding); otherwise read from APIG, or 443.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(-1, 65535)]
        public int? HttpsPort { get; set; }

        /// <summary>Where to connect instead of the domain name itself (host[:port]); the domain is still sent as SNI.</summary>
        [Parameter]
        public string? Endpoint { get; set; }

        /// <summary>Seconds the TCP connect, and then the TLS handshake, may each take.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int ConnectTimeoutSec { get; set; } = 5;

        /// <summary>Root certificates (PEM or DER files, or folders of them) to trust besides the system's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TrustedRootPath { get; set; }

        /// <summary>A certificate with its private key, offered when the domain verifies client certificates.</summary>
        [Parameter]
        [ValidateNotNull]
        public X509Certificate2? ClientCertificate { get; set; }

        /// <summary>Check each domain again every two seconds until it serves the bound certificate (or -TimeoutSec passes).</summary>
        [Parameter]
        public SwitchParameter WaitUntilMatches { get; set; }

        /// <summary>How long -WaitUntilMatches waits per domain.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 300;

        private protected override string SuccessWord => "checked";

        private protected override string NothingToDoWord => "stored certificate(s) bound to no domain";

        private protected override string ProgressActivity => "Checking what the domains serve";

        private protected override bool ConnectionOptional => !WaitUntilMatches.IsPresent;

        private protected override string SummaryDetail() =>
            "; " + _settings.ConnectionsOpened.ToString(CultureInfo.InvariantCulture) + " TLS connection(s), at most " +
            _settings.PeakConnections.ToString(CultureInfo.InvariantCulture) + " open at once";

        protected override void BeginProcessing()
        {
            bool contextGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Context));
            if (WaitUntilMatches.IsPresent && !contextGiven && !AnyConnection)
            {
                ThrowTerminatingError(ErrorRecords.NotConnectedFor("-WaitUntilMatches", "it compares what is served with what APIG says is bound", MyInvocation.MyCommand.Name));
            }

            try
            {
                _endpoint = Endpoint is null ? null : TlsEndpoint.Parse(Endpoint, nameof(Endpoint));
                _settings = TlsCheckSettings.Create(TimeSpan.FromSeconds(ConnectTimeoutSec), ClientCertificate, TrustedRootPath, s_pollInterval, Log);
            }
            catch (ApigInputException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Endpoint));
                return;
            }

            base.BeginProcessing();
            if (!contextGiven && !AnyConnection)
            {
                WriteWarning("Not connected to APIG: each check shows what is served, and MatchesBound stays empty (unknown). " +
                             "Run Connect-Apig first to compare it with the certificate APIG says is bound.");
            }
        }

        protected override void ProcessRecord()
        {
            string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
            string? domainId = Blank(DomainId);
            string? certificateId = Blank(CertificateId);
            if (domainId != null)
            {
                string target = names.FirstOrDefault() ?? domainId;
                ProcessInput(() => target, () => CheckDomain(Checker(), RequireConnected(DomainRef.Create(InstanceId ?? string.Empty, GroupId ?? string.Empty, domainId)), names.FirstOrDefault(), target));
                return;
            }

            if (names.Length > 0)
            {
                foreach (string name in names)
                {
                    ProcessInput(() => name, () => CheckName(Checker(), name));
                }

                return;
            }

            if (certificateId != null)
            {
                ProcessInput(() => certificateId, () => CheckEveryDomainOf(Checker(), RequireConnected(ApigIds.EnsureValid(certificateId, nameof(CertificateId)))));
                return;
            }

            ProcessInput(() => string.Empty, () => throw new ApigInputException("DomainRequired", "DomainName",
                "Name the domain: -DomainName api.example.com (several names: -DomainName a.example.com, b.example.com), or pipe domains from Get-ApigDomain, " +
                "binding results from Set-ApigDomainCertificate or Add-ApigCertificateBinding, or stored certificates from Get-ApigCertificate."));
        }

        /// <summary>
        /// The use-case of the current input's connection (one per connection for the command: each region's groups and
        /// bound certificates are read once), or the one without a connection. All share the command's one TLS client.
        /// </summary>
        private DomainTlsCheck Checker()
        {
            TlsCheckSettings settings = _settings;
            return OptionalConnection is { } connection
                ? connection.Get(c => new DomainTlsCheck(c.Client, null, c.ProjectId, settings, c.Log))
                : _unconnected ??= new DomainTlsCheck(null, null, string.Empty, settings, Log);
        }

        private void CheckDomain(DomainTlsCheck check, DomainRef domain, string? name, string target)
        {
            TlsCheckRequest request = Request(name, domain);
            StartWork(target, async ct => Result(await check.CheckAsync(request, ct).ConfigureAwait(false)));
        }

        private void CheckName(DomainTlsCheck check, string name)
        {
            TlsCheckRequest byName = Request(name, null);
            string? instanceId = Blank(InstanceId);
            string? groupId = Blank(GroupId);
            PipelineLog log = Log;
            StartWork(name, async ct =>
            {
                // With a connection the name is looked up, so the check can say whether it serves the bound certificate;
                // a name APIG does not know is still checked, its MatchesBound unknown.
                DomainRef? domain = check.CanReadBound ? await check.FindByNameAsync(name, instanceId, groupId, ct).ConfigureAwait(false) : null;
                if (check.CanReadBound && domain is null)
                {
                    log.Verbose("'" + name + "' is no custom domain of this project: what it serves is checked, MatchesBound stays empty.");
                }

                return Result(await check.CheckAsync(domain is null ? byName : byName.For(domain), ct).ConfigureAwait(false));
            });
        }

        private void CheckEveryDomainOf(DomainTlsCheck check, string certificateId)
        {
            int found = 0;
            var pages = check.DomainsBoundTo(certificateId);
            while (Await(pages.NextAsync(StopToken)) is { } page)
            {
                foreach (ApigCertificateBinding binding in page)
                {
                    found++;
                    var domain = DomainRef.Create(binding.InstanceId, binding.GroupId, binding.DomainId);
                    TlsCheckRequest request = Request(binding.DomainName, domain, binding.HttpsPort);
                    StartWork(binding.DomainName, async ct => Result(await check.CheckAsync(request, ct).ConfigureAwait(false)));
                }
            }

            if (found == 0)
            {
                WriteWarning("Stored certificate " + certificateId + " is bound to no domain: nothing to check.");
                StartWork(certificateId, _ => System.Threading.Tasks.Task.FromResult(ItemResult.NothingToDo()));
            }
        }

        private TlsCheckRequest Request(string? name, DomainRef? domain, int? httpsPort = null) =>
            new TlsCheckRequest(name, domain, httpsPort ?? HttpsPort, _endpoint, WaitUntilMatches.IsPresent, TimeSpan.FromSeconds(TimeoutSec));

        private static ItemResult Result(TlsCheckOutcome outcome) =>
            outcome.ErrorId is null
                ? ItemResult.Succeeded(outcome.Check)
                : ItemResult.FailedWithOutput(outcome.Check, new ApigTlsCheckException(outcome.ErrorId, outcome.Check));

        private T RequireConnected<T>(T value)
        {
            if (OptionalConnection is null)
            {
                throw new ApigInputException("NotConnected", "DomainId",
                    "Checking a domain by its ids or a stored certificate's domains reads them from APIG, and there is no connection. " +
                    "Run Connect-Apig first, or name the domains with -DomainName.");
            }

            return value;
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
