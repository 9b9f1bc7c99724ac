using Apig.Cert;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Primitives;
using System;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>
    /// Reads the Huawei Cloud SDK environment variables, so the module works where the official SDKs and the
    /// signing-guide samples already do (CI secrets, containers).
    /// </summary>
    public static class EnvironmentCredentials
    {
        public const string AccessKeyVariable = "HUAWEICLOUD_SDK_AK";
        public const string SecretKeyVariable = "HUAWEICLOUD_SDK_SK";
        public const string SecurityTokenVariable = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
        public const string ProjectIdVariable = "HUAWEICLOUD_SDK_PROJECT_ID";
        public const string RegionVariable = "HUAWEICLOUD_SDK_REGION";

        /// <summary>The SDKs' account (domain) id, for GlobalCredentials: CCM's signature scope.</summary>
        public const string DomainIdVariable = "HUAWEICLOUD_SDK_DOMAIN_ID";

        /// <summary>
        /// Fills what <paramref name="settings"/> lacks from the environment and switches it to AK/SK auth.
        /// Values already set win, so explicit parameters override the environment.
        /// </summary>
        /// <param name="settings">The settings to complete.</param>
        /// <param name="getVariable">Usually Environment.GetEnvironmentVariable; injectable so tests never touch the process environment.</param>
        /// <exception cref="ApigInputException">CredentialsNotFound when no AK/SK pair results.</exception>
        public static void Apply(ApigConnectionSettings settings, Func<string, string?> getVariable)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (getVariable == null) throw new ArgumentNullException(nameof(getVariable));

            if (string.IsNullOrEmpty(settings.AccessKey))
            {
                settings.AccessKey = Trimmed(getVariable(AccessKeyVariable));
            }

            if (SecretText.IsNullOrEmpty(settings.SecretKey))
            {
                string? secret = Trimmed(getVariable(SecretKeyVariable));
                settings.SecretKey = secret == null ? null : SecretText.FromString(secret);
            }

            if (SecretText.IsNullOrEmpty(settings.SecurityToken))
            {
                string? token = Trimmed(getVariable(SecurityTokenVariable));
                settings.SecurityToken = token == null ? null : SecretText.FromString(token);
            }

            ApplyLocation(settings, getVariable);
            if (string.IsNullOrEmpty(settings.AccessKey) || SecretText.IsNullOrEmpty(settings.SecretKey))
            {
                throw new ApigInputException("CredentialsNotFound", "AccessKey",
                    "No access key pair was found. Set the environment variables " + AccessKeyVariable + " and " + SecretKeyVariable +
                    " (optionally " + SecurityTokenVariable + ", " + ProjectIdVariable + ", " + RegionVariable + "), or call Connect-Apig with " +
                    "-AccessKey and -SecretKey (plus -SecurityToken for temporary keys), with -Token, or with -Credential and -AccountName.");
            }

            settings.AuthType = ApigAuthType.AccessKey;
        }

        /// <summary>
        /// Fills only the project id and region from the environment, where <paramref name="settings"/> lacks them: what
        /// an explicit sign-in (AK/SK, token, password) still takes from the environment. Values already set win.
        /// </summary>
        public static void ApplyLocation(ApigConnectionSettings settings, Func<string, string?> getVariable)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (getVariable == null) throw new ArgumentNullException(nameof(getVariable));

            if (string.IsNullOrEmpty(settings.ProjectId))
            {
                settings.ProjectId = Trimmed(getVariable(ProjectIdVariable)) ?? string.Empty;
            }

            if (string.IsNullOrEmpty(settings.Region))
            {
                settings.Region = Trimmed(getVariable(RegionVariable)) ?? string.Empty;
            }

            if (string.IsNullOrEmpty(settings.AccountId))
            {
                settings.AccountId = Trimmed(getVariable(DomainIdVariable));
            }
        }

        private static string? Trimmed(string? value)
        {
            if (value == null) return null;
            string trimmed = value.Trim();
            return trimmed.Length == 0 ? null : trimmed;
        }
    }
}
