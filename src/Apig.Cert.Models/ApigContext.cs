using System;

namespace Apig.Cert
{
    /// <summary>Based on long so ConvertTo-Json writes the name (see <see cref="CnameStatus"/>).</summary>
    public enum ApigAuthType : long
    {
        /// <summary>AK/SK request signing (SDK-HMAC-SHA256), optionally with a security token for temporary keys.</summary>
        AccessKey,

        /// <summary>An IAM token supplied by the caller (X-Auth-Token).</summary>
        Token,

        /// <summary>IAM user name and password exchanged for a token, refreshed before it expires.</summary>
        Password,
    }

    /// <summary>What Connect-Apig established. Holds no secret: the access key is masked.</summary>
    public sealed class ApigContext
    {
        public ApigContext(string region, string projectId, Uri endpoint, Uri? iamEndpoint, ApigAuthType authType,
            string? accessKey, string? userName, string? accountName, DateTimeOffset? tokenExpiresAt, int maxRetries, int timeoutSec)
        {
            Region = region;
            ProjectId = projectId;
            Endpoint = endpoint;
            IamEndpoint = iamEndpoint;
            AuthType = authType;
            AccessKey = accessKey;
            UserName = userName;
            AccountName = accountName;
            TokenExpiresAt = tokenExpiresAt;
            MaxRetries = maxRetries;
            TimeoutSec = timeoutSec;
        }

        public string Region { get; }

        public string ProjectId { get; }

        public Uri Endpoint { get; }

        public Uri? IamEndpoint { get; }

        public ApigAuthType AuthType { get; }

        /// <summary>Masked, e.g. "HPUA****WXYZ"; null unless AuthType is AccessKey.</summary>
        public string? AccessKey { get; }

        public string? UserName { get; }

        public string? AccountName { get; }

        /// <summary>When the current IAM token expires; null for AK/SK, and for a supplied token whose expiry is unknown.</summary>
        public DateTimeOffset? TokenExpiresAt { get; internal set; }

        /// <summary>When Connect-Apig proved the credentials with one read (ListInstancesV2); null when -SkipValidation left that out.</summary>
        public DateTimeOffset? ValidatedAt { get; internal set; }

        public int MaxRetries { get; }

        public int TimeoutSec { get; }

        /// <summary>The proxy Connect-Apig was given (scheme, host and port only); null means the system or environment proxy.</summary>
        public Uri? Proxy { get; internal set; }

        /// <summary>How the proxy challenge is answered: None, DefaultCredentials, or Credential (user name). Never a password.</summary>
        public string ProxyAuthentication { get; internal set; } = "None";

        /// <summary>Where Huawei Cloud Certificate Manager (CCM) is reached: -CcmEndpoint, or the CCM endpoint nearest the region.</summary>
        public Uri? CcmEndpoint { get; internal set; }

        /// <summary>The account (domain) id CCM requests are scoped to (-AccountId or HUAWEICLOUD_SDK_DOMAIN_ID); null when not given.</summary>
        public string? AccountId { get; internal set; }

        /// <summary>
        /// The context cmdlets use when no -Context is given: the last Connect-Apig without -NoDefault. Kept current by this
        /// runspace's contexts, so an object held in a variable shows whether it is still the default.
        /// </summary>
        public bool IsDefault { get; internal set; }

        public override string ToString() => AuthType + " " + ProjectId + "@" + Endpoint;
    }
}
