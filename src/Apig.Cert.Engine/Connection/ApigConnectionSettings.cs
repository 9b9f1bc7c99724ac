using System;
using System.Security;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>Everything Connect-Apig collected. Secrets stay SecureString until the moment of use.</summary>
    public sealed class ApigConnectionSettings
    {
        public string Region { get; set; } = string.Empty;

        public string ProjectId { get; set; } = string.Empty;

        /// <summary>Null means https://apig.{Region}.myhuaweicloud.com.</summary>
        public Uri? Endpoint { get; set; }

        /// <summary>Null means https://iam.{Region}.myhuaweicloud.com (only used for password auth).</summary>
        public Uri? IamEndpoint { get; set; }

        /// <summary>Null means the CCM endpoint nearest the region (<see cref="CcmEndpoints"/>).</summary>
        public Uri? CcmEndpoint { get; set; }

        /// <summary>The account (domain) id, for CCM's account-scoped signature (X-Domain-Id); null when not known.</summary>
        public string? AccountId { get; set; }

        public ApigAuthType AuthType { get; set; }

        public string? AccessKey { get; set; }

        public SecureString? SecretKey { get; set; }

        public SecureString? SecurityToken { get; set; }

        public SecureString? Token { get; set; }

        public string? UserName { get; set; }

        public SecureString? Password { get; set; }

        /// <summary>The account (domain) name the IAM user belongs to.</summary>
        public string? AccountName { get; set; }

        public int MaxRetries { get; set; } = 3;

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>Null keeps the default: the system proxy and HTTPS_PROXY / HTTP_PROXY / NO_PROXY.</summary>
        public Uri? Proxy { get; set; }

        /// <summary>User for the proxy's 407 challenge; DOMAIN\user for NTLM.</summary>
        public string? ProxyUserName { get; set; }

        public SecureString? ProxyPassword { get; set; }

        /// <summary>Answer the proxy with the signed-in Windows user (NTLM/Kerberos).</summary>
        public bool ProxyUseDefaultCredentials { get; set; }
    }
}
