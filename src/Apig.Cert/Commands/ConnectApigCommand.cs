using System;
using System.Management.Automation;
using System.Security;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Connects this runspace to APIG with AK/SK, a token, an IAM password, or HUAWEICLOUD_SDK_* environment variables.
    /// Called again for other regions, projects or accounts, it adds a context each time (the last one the default unless
    /// -NoDefault); the same region, project, endpoint and identity again replaces the earlier context.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "Apig", DefaultParameterSetName = EnvironmentSet, HelpUri = HelpLinks.ConnectApig)]
    [OutputType(typeof(ApigContext))]
    public sealed class ConnectApigCommand : ApigCmdlet
    {
        private const string EnvironmentSet = "Environment";
        private const string AccessKeySet = "AccessKey";
        private const string TokenSet = "Token";
        private const string PasswordSet = "Password";

        /// <summary>Region id, e.g. cn-north-4. Defaults to HUAWEICLOUD_SDK_REGION.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        /// <summary>Project id of the region. Defaults to HUAWEICLOUD_SDK_PROJECT_ID.</summary>
        [Parameter(Position = 1)]
        public string? ProjectId { get; set; }

        /// <summary>APIG endpoint; default https://apig.{region}.myhuaweicloud.com. http:// only for loopback.</summary>
        [Parameter]
        public Uri? Endpoint { get; set; }

        /// <summary>IAM endpoint for -Credential; default https://iam.{region}.myhuaweicloud.com.</summary>
        [Parameter]
        public Uri? IamEndpoint { get; set; }

        /// <summary>Certificate Manager (CCM) endpoint; default https://scm.{region}.myhuaweicloud.com where CCM serves the region, else the nearest. http:// only for loopback.</summary>
        [Parameter]
        public Uri? CcmEndpoint { get; set; }

        /// <summary>The account (domain) id CCM requests are signed for (X-Domain-Id); default HUAWEICLOUD_SDK_DOMAIN_ID.</summary>
        [Parameter]
        public string? AccountId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AccessKeySet)]
        [Alias("AK")]
        public string? AccessKey { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AccessKeySet)]
        [Alias("SK")]
        public SecureString? SecretKey { get; set; }

        /// <summary>Security token that comes with temporary AK/SK.</summary>
        [Parameter(ParameterSetName = AccessKeySet)]
        public SecureString? SecurityToken { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
        public SecureString? Token { get; set; }

        /// <summary>IAM user name and password; exchanged for a token that is refreshed before it expires.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PasswordSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The account (domain) the IAM user belongs to.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PasswordSet)]
        [Alias("DomainName")]
        public string? AccountName { get; set; }

        /// <summary>Retries for throttling, server errors and dropped connections.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetries { get; set; } = 3;

        /// <summary>Timeout of one request, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 100;

        /// <summary>Proxy for this connection, e.g. http://proxy.example.com:8080; default: the system proxy and HTTPS_PROXY/NO_PROXY.</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>User name and password for the proxy's 407 challenge.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Answer the proxy with the signed-in Windows user (NTLM/Kerberos).</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>Adds the connection without making it the default: commands use it only when given -Context.</summary>
        [Parameter]
        public SwitchParameter NoDefault { get; set; }

        /// <summary>Connect without the one ListInstancesV2 call that proves the credentials work.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        protected override void EndProcessing()
        {
            var settings = new ApigConnectionSettings
            {
                Region = Region ?? string.Empty,
                ProjectId = ProjectId ?? string.Empty,
                Endpoint = Endpoint,
                IamEndpoint = IamEndpoint,
                CcmEndpoint = CcmEndpoint, AccountId = AccountId,
                MaxRetries = MaxRetries,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                Proxy = Proxy,
                ProxyUserName = ProxyCredential?.UserName,
                ProxyPassword = ProxyCredential?.Password,
                ProxyUseDefaultCredentials = ProxyUseDefaultCredentials.IsPresent,
            };

            switch (ParameterSetName)
            {
                case AccessKeySet:
                    settings.AuthType = ApigAuthType.AccessKey;
                    settings.AccessKey = AccessKey;
                    settings.SecretKey = SecretKey;
                    settings.SecurityToken = SecurityToken;
                    break;
                case TokenSet:
                    settings.AuthType = ApigAuthType.Token;
                    settings.Token = Token;
                    break;
                case PasswordSet:
                    settings.AuthType = ApigAuthType.Password;
                    settings.UserName = Credential!.UserName;
                    settings.Password = Credential.Password;
                    settings.AccountName = AccountName;
                    break;
                default:
                    settings.AuthType = ApigAuthType.AccessKey;
                    break;
            }

            ApigContextRegistry registry = SessionRegistry.ForCurrentRunspace!;
            ApigSession? previousDefault = registry.Default;
            bool validating = false;
            try
            {
                ApigSession session = Connect(settings);
                if (!SkipValidation.IsPresent)
                {
                    validating = true;
                    Await(session.ValidateAsync(Log, StopToken));
                }

                ApigSession? replaced = registry.Add(session, makeDefault: !NoDefault.IsPresent);
                if (replaced != null)
                {
                    WriteVerbose("Replaced the context " + Describe(replaced.Context) + ": this connection has the same region, project, endpoint and " +
                                 "identity, so it takes its place instead of being added next to it.");
                }

                WriteVerbose(DefaultLine(session, previousDefault, replaced));
                WriteObject(session.Context);
            }
            catch (Exception ex)
            {
                Log.Drain(this);
                Exception cause = Unwrap(ex);
                // Refused before anything was sent: the new connection never existed, so nothing changes. Once the new
                // credentials reached a server, the caller meant this connection to become the default; carrying on with the
                // old default would let the next command without -Context act on the wrong project, so no context is the
                // default any more. The others stay connected (their credentials worked), usable with -Context.
                bool sent = !(cause is ApigInputException);
                bool defaultCleared = sent && !NoDefault.IsPresent && previousDefault != null;
                if (defaultCleared)
                {
                    registry.ClearDefault();
                }

                ThrowTerminatingError(ConnectFailure(cause, validating, registry, defaultCleared ? previousDefault : null));
            }
        }

        private string DefaultLine(ApigSession session, ApigSession? previousDefault, ApigSession? replaced)
        {
            if (session.Context.IsDefault)
            {
                bool previousStays = previousDefault != null && !ReferenceEquals(previousDefault, replaced) && !ReferenceEquals(previousDefault, session);
                return "The default context is now " + Describe(session.Context) + "." +
                       (previousStays ? " The previous default (" + Describe(previousDefault!.Context) + ") stays connected: pass it with -Context." : string.Empty);
            }

            ApigSession? current = SessionRegistry.Current;
            return "Connected without becoming the default (-NoDefault): pass this context with -Context. " +
                   (current != null ? "The default context is still " + Describe(current.Context) + "." : "No context is the default.");
        }

        private static ErrorRecord ConnectFailure(Exception cause, bool validating, ApigContextRegistry registry, ApigSession? defaultCleared)
        {
            ErrorRecord record = ErrorRecords.From(cause, null);
            string message = record.ErrorDetails?.Message ?? cause.Message;
            if (validating)
            {
                message = "Connect-Apig checked the new connection with one ListInstancesV2 call, and it failed: " + message;
            }

            ApigSession? stillDefault = registry.Default;
            int others = registry.Count - (stillDefault != null ? 1 : 0);
            string state = defaultCleared != null
                ? " No default APIG context now: the previous default (" + Describe(defaultCleared.Context) + ") stays connected but is no longer the " +
                  "default, because this Connect-Apig had already sent the new credentials. Commands without -Context fail until Connect-Apig succeeds; " +
                  "pass -Context to use a connected context."
                : stillDefault != null
                    ? " The previous connection is still active: " + Describe(stillDefault.Context) + " (the default context)."
                    : registry.Count > 0
                        ? " No context is the default; " + registry.Count + " context(s) stay connected (Get-ApigContext -ListAvailable), usable with -Context."
                        : " No APIG connection is active.";
            if (defaultCleared == null && stillDefault != null && others > 0)
            {
                state += " " + others + " other context(s) stay connected.";
            }

            string? advice = record.ErrorDetails?.RecommendedAction;
            if (validating && cause is ApigApiException)
            {
                advice = (advice == null ? string.Empty : advice + " ") +
                    "If the credentials are right but may not list instances, connect with -SkipValidation.";
            }

            record.ErrorDetails = new ErrorDetails(message + state) { RecommendedAction = advice };
            return record;
        }

        private static string Describe(ApigContext context) => ApigContextRegistry.Describe(context);

        private ApigSession Connect(ApigConnectionSettings settings)
        {
            // Explicit parameters win; the environment fills what is missing, so pipelines need no code.
            if (ParameterSetName == EnvironmentSet)
            {
                EnvironmentCredentials.Apply(settings, Environment.GetEnvironmentVariable);
            }
            else
            {
                EnvironmentCredentials.ApplyLocation(settings, Environment.GetEnvironmentVariable);
            }

            return Await(ApigSession.ConnectAsync(settings, Log, StopToken));
        }
    }
}
