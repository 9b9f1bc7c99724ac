using System;
using System.Collections.Generic;
using System.Net;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>
    /// One Connect-Apig: the credentials (kept as SecureString), the public context, and token refresh for
    /// password auth. Thread-safe; the HttpClient behind it is shared process-wide and holds no credentials.
    /// </summary>
    public sealed class ApigSession
    {
        public const int MaxRetriesLimit = 10;
        public const int MaxTimeoutSeconds = 600;


        private ApigSession(ApigContext context, string apigBase, ApigHttpPipeline pipeline, IRequestAuthenticator authenticator, string identity)
        {
            Context = context;
            ApigBase = apigBase;
            Pipeline = pipeline;
            Authenticator = authenticator;
            ConnectionKey = string.Join("|", context.Region, context.ProjectId, apigBase.ToLowerInvariant(), context.AuthType.ToString(), identity);
        }

        /// <summary>
        /// Region, project, endpoint and who signs: a Connect-Apig with the same key replaces the earlier connection instead
        /// of adding a second one. Holds the full access key (an identifier, not a secret) and never leaves the engine.
        /// </summary>
        internal string ConnectionKey { get; }

        public ApigContext Context { get; }

        /// <summary>scheme://authority[/prefix] of APIG, without a trailing '/'.</summary>
        internal string ApigBase { get; }

        internal ApigHttpPipeline Pipeline { get; }

        internal IRequestAuthenticator Authenticator { get; }

        public static Task<ApigSession> ConnectAsync(ApigConnectionSettings settings, IApigLog? log, CancellationToken cancellationToken) =>
            ConnectAsync(settings, log, RetryTiming.Default, cancellationToken);

        /// <summary>Validates everything before sending anything; password sign-in then fetches its first token so bad passwords fail here.</summary>
        internal static async Task<ApigSession> ConnectAsync(ApigConnectionSettings settings, IApigLog? log, RetryTiming timing,
            CancellationToken cancellationToken)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));

            if (settings.MaxRetries < 0 || settings.MaxRetries > MaxRetriesLimit)
            {
                throw new ApigInputException("InvalidMaxRetries", "MaxRetries",
                    "MaxRetries must be between 0 and " + MaxRetriesLimit + "; it is " + settings.MaxRetries + ".");
            }

            if (settings.Timeout < TimeSpan.FromSeconds(1) || settings.Timeout > TimeSpan.FromSeconds(MaxTimeoutSeconds))
            {
                throw new ApigInputException("InvalidTimeout", "TimeoutSec",
                    "The timeout must be between 1 and " + MaxTimeoutSeconds + " seconds; it is " + ApigHttpPipeline.FormatSeconds(settings.Timeout) + ".");
            }

            string region = (settings.Region ?? string.Empty).Trim().ToLowerInvariant();
            if (region.Length == 0)
            {
                throw new ApigInputException("RegionRequired", "Region",
                    "Specify the region, e.g. -Region cn-north-4 (or set HUAWEICLOUD_SDK_REGION). Known regions: " + string.Join(", ", ApigRegions.Known) + ".");
            }

            if (!IsRegionId(region))
            {
                throw new ApigInputException("InvalidRegion", "Region",
                    "The region '" + settings.Region + "' is not a region id; region ids look like cn-north-4 or ap-southeast-1.");
            }

            string projectId = (settings.ProjectId ?? string.Empty).Trim();
            if (projectId.Length == 0)
            {
                throw new ApigInputException("ProjectIdRequired", "ProjectId",
                    "Specify the project id of region " + region + " (console: My Credentials > API Credentials), or set HUAWEICLOUD_SDK_PROJECT_ID.");
            }

            ApigIds.EnsureValid(projectId, "ProjectId");

            EnsureKnownRegion(region, settings.Endpoint != null, log);
            string apigBase = ValidateEndpoint(settings.Endpoint, ApigRegions.DefaultApigEndpoint(region), "Endpoint");

            string ccmBase = ValidateEndpoint(settings.CcmEndpoint, CcmEndpoints.DefaultEndpoint(region), "CcmEndpoint");
            string? accountId = string.IsNullOrWhiteSpace(settings.AccountId) ? null : ApigIds.EnsureValid(settings.AccountId!.Trim(), "AccountId");

            ProxyChoice? proxy = ProxyChoice.From(settings.Proxy, settings.ProxyUserName, settings.ProxyPassword, settings.ProxyUseDefaultCredentials);
            RefuseProxyForPlainHttp(proxy, apigBase, "Endpoint");
            RefuseProxyForPlainHttp(proxy, ccmBase, "CcmEndpoint");

            if (proxy != null) log?.Verbose("Using proxy: " + proxy + ".");
            var pipeline = new ApigHttpPipeline(settings.MaxRetries, settings.Timeout, timing, target => SharedHttpClient.For(target, proxy));
            int timeoutSec = (int)Math.Ceiling(settings.Timeout.TotalSeconds);

            switch (settings.AuthType)
            {
                case ApigAuthType.AccessKey:
                {
                    string accessKey = (settings.AccessKey ?? string.Empty).Trim();
                    if (accessKey.Length == 0)
                    {
                        throw new ApigInputException("AccessKeyRequired", "AccessKey",
                            "Specify -AccessKey and -SecretKey, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.");
                    }

                    if (!IsAccessKey(accessKey))
                    {
                        throw new ApigInputException("InvalidAccessKey", "AccessKey",
                            "The access key contains characters an access key cannot have; copy the AK again from the credentials file.");
                    }

                    if (SecretText.IsNullOrEmpty(settings.SecretKey))
                    {
                        throw new ApigInputException("SecretKeyRequired", "SecretKey",
                            "Specify -SecretKey together with -AccessKey, or set HUAWEICLOUD_SDK_SK.");
                    }

                    SecureString? securityToken = SecretText.IsNullOrEmpty(settings.SecurityToken)
                        ? null
                        : HeaderSecrets.Normalize(settings.SecurityToken!, "SecurityToken", "security token");
                    var context = new ApigContext(region, projectId, new Uri(apigBase), null, ApigAuthType.AccessKey, MaskAccessKey(accessKey),
                        null, null, null, settings.MaxRetries, timeoutSec);
                    var authenticator = new AkSkAuthenticator(accessKey, settings.SecretKey!, projectId, securityToken);
                    DescribeProxy(context, proxy);
                    DescribeCcm(context, ccmBase, accountId);
                    return new ApigSession(context, apigBase, pipeline, authenticator, accessKey);
                }

                case ApigAuthType.Token:
                {
                    if (SecretText.IsNullOrEmpty(settings.Token))
                    {
                        throw new ApigInputException("TokenRequired", "Token", "Specify -Token with an IAM token scoped to the project.");
                    }

                    SecureString token = HeaderSecrets.Normalize(settings.Token!, "Token", "token");

                    var context = new ApigContext(region, projectId, new Uri(apigBase), null, ApigAuthType.Token, null, null, null, null,
                        settings.MaxRetries, timeoutSec);
                    DescribeProxy(context, proxy);
                    DescribeCcm(context, ccmBase, accountId);
                    // A token says nothing readable about its user: a new token for the same project is taken as a refresh.
                    return new ApigSession(context, apigBase, pipeline, new StaticTokenAuthenticator(token), string.Empty);
                }

                case ApigAuthType.Password:
                {
                    string userName = (settings.UserName ?? string.Empty).Trim();
                    string accountName = (settings.AccountName ?? string.Empty).Trim();
                    if (userName.Length == 0)
                    {
                        throw new ApigInputException("UserNameRequired", "Credential", "Specify the IAM user name and password with -Credential (Get-Credential, or [pscredential]::new(name, securePassword)).");
                    }

                    if (SecretText.IsNullOrEmpty(settings.Password))
                    {
                        throw new ApigInputException("PasswordRequired", "Credential", "Specify the IAM user's password in -Credential; it was empty.");
                    }

                    if (accountName.Length == 0)
                    {
                        throw new ApigInputException("AccountNameRequired", "AccountName",
                            "Specify -AccountName, the account (domain) name the IAM user belongs to.");
                    }

                    string iamBase = ValidateEndpoint(settings.IamEndpoint, ApigRegions.DefaultIamEndpoint(region), "IamEndpoint");
                    RefuseProxyForPlainHttp(proxy, iamBase, "IamEndpoint");
                    var context = new ApigContext(region, projectId, new Uri(apigBase), new Uri(iamBase), ApigAuthType.Password, null, userName,
                        accountName, null, settings.MaxRetries, timeoutSec);
                    DescribeProxy(context, proxy);
                    DescribeCcm(context, ccmBase, accountId);
                    var iam = new IamTokenClient(pipeline, iamBase, userName, settings.Password!, accountName, projectId);
                    var authenticator = new PasswordAuthenticator(iam, expiresAt => context.TokenExpiresAt = expiresAt);
                    await authenticator.GetValidTokenAsync(log, cancellationToken).ConfigureAwait(false);
                    return new ApigSession(context, apigBase, pipeline, authenticator, (userName + "@" + accountName).ToLowerInvariant());
                }

                default:
                    throw new ApigInputException("InvalidAuthType", "AuthType", "Unknown authentication type " + settings.AuthType + ".");
            }
        }

        public ApigClient CreateClient(IApigLog? log) => new ApigClient(ApigBase, Context.ProjectId, Pipeline, Authenticator, log);

        /// <summary>
        /// A client of Certificate Manager over this connection's pipeline and credentials: AK/SK signed for the account
        /// (X-Domain-Id, when the account id is known), a token sent as it is (whether CCM takes a project-scoped token is
        /// not documented).
        /// </summary>
        public CcmClient CreateCcmClient(IApigLog? log)
        {
            Uri ccm = Context.CcmEndpoint ?? CcmEndpoints.DefaultEndpoint(Context.Region);
            string ccmBase = (ccm.GetLeftPart(UriPartial.Authority) + ccm.AbsolutePath).TrimEnd('/');
            IRequestAuthenticator authenticator = Authenticator is AkSkAuthenticator signer ? signer.ForAccount(Context.AccountId) : Authenticator;
            return new CcmClient(ccmBase, Context.AccountId, Pipeline, authenticator, log);
        }

        private static void DescribeCcm(ApigContext context, string ccmBase, string? accountId)
        {
            context.CcmEndpoint = new Uri(ccmBase);
            context.AccountId = accountId;
        }

        /// <summary>
        /// Plain http is allowed only to this machine, and only because nothing else sees the traffic; a proxy would see
        /// credentials and private keys in clear text. Such endpoints are always reached directly, so -Proxy is refused.
        /// </summary>
        private static void RefuseProxyForPlainHttp(ProxyChoice? proxy, string endpointBase, string endpointInput)
        {
            if (proxy?.Address == null || !endpointBase.StartsWith(Uri.UriSchemeHttp + "://", StringComparison.OrdinalIgnoreCase)) return;
            throw new ApigInputException("ProxyWithPlainHttpEndpoint", "Proxy",
                "-Proxy " + proxy.Address.GetLeftPart(UriPartial.Authority) + " cannot be used with the plain-http -" + endpointInput + " " +
                new Uri(endpointBase).GetLeftPart(UriPartial.Authority) + ": requests to it carry credentials and private keys in clear text, " +
                "which the proxy would see. Plain-http endpoints on this machine are always reached directly: remove -Proxy, or use an https -" +
                endpointInput + ".");
        }

        /// <summary>
        /// One cheap authenticated read (ListInstancesV2, limit 1), so a wrong secret key, a mistyped token or a key of
        /// another project fails at Connect-Apig instead of at the first real command. Records the time on the context.
        /// </summary>
        public async Task ValidateAsync(IApigLog? log, CancellationToken cancellationToken)
        {
            log?.Verbose("Checking the connection with one ListInstancesV2 request (limit=1); -SkipValidation leaves this out.");
            await CreateClient(log).ListInstancesAsync(0, 1, cancellationToken).ConfigureAwait(false);
            Context.ValidatedAt = DateTimeOffset.UtcNow;
        }

        /// <summary>
        /// Without an endpoint the region decides the host name, so a typo (cn-nort-4) would only surface later as a
        /// DNS failure; with one, any well-formed region is fine (regions newer than this module).
        /// </summary>
        private static void EnsureKnownRegion(string region, bool endpointGiven, IApigLog? log)
        {
            if (ApigRegions.IsKnown(region)) return;
            if (endpointGiven)
            {
                log?.Verbose("Region " + region + " is not in this module's list of APIG regions; using the -Endpoint given.");
                return;
            }

            IReadOnlyList<string> nearest = ApigRegions.Nearest(region);
            string hint = nearest.Count > 0
                ? "Did you mean " + string.Join(" or ", nearest) + "?"
                : "Known regions: " + string.Join(", ", ApigRegions.Known) + ".";
            throw new ApigInputException("UnknownRegion", "Region",
                "The region '" + region + "' is not a known APIG region. " + hint + " For a region newer than this module, also give its endpoint: -Region " +
                region + " -Endpoint " + ApigRegions.DefaultApigEndpoint(region) + ".");
        }

        // Plain loops rather than regular expressions: the first Regex of a process costs its Connect-Apig a few milliseconds.

        /// <summary>Lower-case letters and digits in dash-separated words (cn-north-4).</summary>
        private static bool IsRegionId(string region)
        {
            for (int i = 0; i < region.Length; i++)
            {
                char c = region[i];
                bool dashBetweenWords = c == '-' && i > 0 && i < region.Length - 1 && region[i - 1] != '-';
                if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && !dashBetweenWords) return false;
            }

            return region.Length > 0;
        }

        /// <summary>1 to 128 ASCII letters, digits, underscores and dashes.</summary>
        private static bool IsAccessKey(string accessKey)
        {
            if (accessKey.Length == 0 || accessKey.Length > 128) return false;
            foreach (char c in accessKey)
            {
                if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
            }

            return true;
        }

        private static void DescribeProxy(ApigContext context, ProxyChoice? proxy)
        {
            if (proxy == null) return;
            context.Proxy = proxy.Address;
            context.ProxyAuthentication = proxy.AuthenticationDescription;
        }

        /// <summary>"HPUA****WXYZ": enough to tell keys apart, too little to use one. Short keys are hidden entirely.</summary>
        internal static string MaskAccessKey(string accessKey) =>
            accessKey.Length < 10 ? new string('*', accessKey.Length) : accessKey.Substring(0, 4) + "****" + accessKey.Substring(accessKey.Length - 4);

        /// <summary>
        /// https anywhere; plain http only to this machine (the emulator), because requests carry private keys and credentials.
        /// Returns the base without a trailing '/'.
        /// </summary>
        internal static string ValidateEndpoint(Uri? given, Uri fallback, string inputName)
        {
            Uri endpoint = given ?? fallback;
            if (!endpoint.IsAbsoluteUri)
            {
                throw new ApigInputException("InvalidEndpoint", inputName,
                    "The " + inputName + " '" + endpoint.OriginalString + "' is not an absolute URL; use e.g. https://apig.cn-north-4.myhuaweicloud.com.");
            }

            if (endpoint.Scheme == Uri.UriSchemeHttp)
            {
                if (!IsLoopback(endpoint))
                {
                    throw new ApigInputException("InsecureEndpoint", inputName,
                        "The " + inputName + " " + endpoint.GetLeftPart(UriPartial.Authority) + " uses plain http, which would send credentials and " +
                        "private keys in clear text. Use https; http is only accepted for 127.0.0.1, ::1 or localhost (the local emulator).");
                }
            }
            else if (endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new ApigInputException("InvalidEndpoint", inputName,
                    "The " + inputName + " '" + endpoint.GetLeftPart(UriPartial.Authority) + "' must use https (or http to this machine).");
            }

            if (endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            {
                throw new ApigInputException("InvalidEndpoint", inputName,
                    "The " + inputName + " must be a plain base URL without user name, query or fragment, e.g. " + fallback + ".");
            }

            return (endpoint.GetLeftPart(UriPartial.Authority) + endpoint.AbsolutePath).TrimEnd('/');
        }

        private static bool IsLoopback(Uri uri)
        {
            if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
            return IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address);
        }
    }
}
