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

            ApigSession? previous = SessionRegistry.Current;
            bool validating = false;
            try
            {
                ApigSession session = Connect(settings);
                if (!SkipValidation.IsPresent)
                {
                    validating = true;
                    Await(session.ValidateAsync(Log, StopToken));
                }

                SessionRegistry.Set(session);
                WriteObject(session.Context);
            }
            catch (Exception ex)
            {
                Log.Drain(this);
                Exception cause = Unwrap(ex);
                // Refused before anything was sent: the new connection never existed, so the old one stays. Once the new
                // credentials reached a server, the caller meant to switch; carrying on with the old account would let
                // the next command act on the wrong project, so the old one is dropped too.
                bool keepPrevious = cause is ApigInputException;
                if (!keepPrevious && previous != null)
                {
                    SessionRegistry.Set(null);
                }

                ThrowTerminatingError(ConnectFailure(cause, validating, keepPrevious ? previous : null, keepPrevious ? null : previous));
            }
        }

        private static ErrorRecord ConnectFailure(Exception cause, bool validating, ApigSession? stillActive, ApigSession? dropped)
        {
            ErrorRecord record = ErrorRecords.From(cause, null);
            string message = record.ErrorDetails?.Message ?? cause.Message;
            if (validating)
            {
                message = "Connect-Apig checked the new connection with one ListInstancesV2 call, and it failed: " + message;
            }

            string state = stillActive != null
                ? " The previous connection is still active: " + Describe(stillActive.Context) + "."
                : dropped != null
                    ? " No APIG connection is active now: the previous one (" + Describe(dropped.Context) + ") was closed, because this Connect-Apig had already sent the new credentials."
                    : " No APIG connection is active.";
            string? advice = record.ErrorDetails?.RecommendedAction;
            if (validating && cause is ApigApiException)
            {
                advice = (advice == null ? string.Empty : advice + " ") +
                    "If the credentials are right but may not list instances, connect with -SkipValidation.";
            }

            record.ErrorDetails = new ErrorDetails(message + state) { RecommendedAction = advice };
            return record;
        }

        private static string Describe(ApigContext context) =>
            context.AuthType + (context.AccessKey != null ? " " + context.AccessKey : context.UserName != null ? " " + context.UserName : string.Empty) +
            ", project " + context.ProjectId + ", " + context.Endpoint.GetLeftPart(UriPartial.Authority);

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
