using System;
using System.Net;
using System.Security;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// A connection's own proxy settings, validated. Two choices are the same pool when they would configure the
    /// handler identically, so sessions with the same proxy and the same credentials share connections.
    /// </summary>
    internal sealed class ProxyChoice : IEquatable<ProxyChoice>
    {
        private ProxyChoice(Uri? address, NetworkCredential? credential, bool useDefaultCredentials)
        {
            Address = address;
            Credential = credential;
            UseDefaultCredentials = useDefaultCredentials;
        }

        /// <summary>The proxy to use for every request, loopback included; null keeps the system or environment proxy.</summary>
        public Uri? Address { get; }

        /// <summary>Held only to answer the proxy's 407; never part of any text this class produces.</summary>
        public NetworkCredential? Credential { get; }

        public bool UseDefaultCredentials { get; }

        /// <summary>What the context shows: how the proxy authenticates, without any secret.</summary>
        public string AuthenticationDescription =>
            UseDefaultCredentials ? "DefaultCredentials" : Credential != null ? "Credential (" + Credential.UserName + ")" : "None";

        /// <summary>Null when the connection needs nothing beyond the default (shared, credential-free) client.</summary>
        public static ProxyChoice? From(Uri? proxy, string? userName, SecureString? password, bool useDefaultCredentials)
        {
            bool hasCredential = !string.IsNullOrEmpty(userName);
            if (hasCredential && useDefaultCredentials)
            {
                throw new ApigInputException("InvalidProxy", "ProxyCredential",
                    "Use either -ProxyCredential or -ProxyUseDefaultCredentials, not both: they are two ways to answer the same proxy challenge.");
            }

            if (proxy != null) ValidateAddress(proxy);

            if (proxy == null && !hasCredential && !useDefaultCredentials) return null;

            NetworkCredential? credential = hasCredential ? CredentialOf(userName!, password ?? new SecureString()) : null;
            return new ProxyChoice(proxy, credential, useDefaultCredentials);
        }

        // NTLM and Negotiate proxies want DOMAIN\user split into its parts; Basic ignores the domain.
        private static NetworkCredential CredentialOf(string userName, SecureString password)
        {
            int slash = userName.IndexOf('\\');
            return slash > 0
                ? new NetworkCredential(userName.Substring(slash + 1), password, userName.Substring(0, slash))
                : new NetworkCredential(userName, password);
        }

        private static void ValidateAddress(Uri proxy)
        {
            if (!proxy.IsAbsoluteUri)
            {
                throw new ApigInputException("InvalidProxy", "Proxy",
                    "The Proxy '" + proxy.OriginalString + "' is not an absolute URL; use e.g. http://proxy.example.com:8080.");
            }

            // The user name and password belong in -ProxyCredential, where they stay a SecureString; in the URL they
            // would be echoed by the context, by errors and by anyone who prints the parameter.
            if (proxy.UserInfo.Length > 0)
            {
                throw new ApigInputException("InvalidProxy", "Proxy",
                    "The Proxy URL must not contain a user name or password (" + proxy.Scheme + "://" + proxy.Authority +
                    "); pass them with -ProxyCredential instead.");
            }

            if (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)
            {
                throw new ApigInputException("InvalidProxy", "Proxy",
                    "The Proxy " + proxy.Scheme + "://" + proxy.Authority + " must be an http:// or https:// URL, e.g. http://proxy.example.com:8080.");
            }

            if (proxy.AbsolutePath != "/" || proxy.Query.Length > 0 || proxy.Fragment.Length > 0)
            {
                throw new ApigInputException("InvalidProxy", "Proxy",
                    "The Proxy must be just scheme, host and port, e.g. http://proxy.example.com:8080, without a path, query or fragment.");
            }
        }

        public bool Equals(ProxyChoice? other)
        {
            if (other is null) return false;
            if (ReferenceEquals(this, other)) return true;
            return Uri.Equals(Address, other.Address) && UseDefaultCredentials == other.UseDefaultCredentials && SameCredential(Credential, other.Credential);
        }

        public override bool Equals(object? obj) => Equals(obj as ProxyChoice);

        // The password takes no part in the hash: equal hashes are only a hint, Equals decides.
        public override int GetHashCode() =>
            ((Address?.GetHashCode() ?? 0) * 397) ^ (UseDefaultCredentials ? 1 : 0) ^ (StringComparer.Ordinal.GetHashCode(Credential?.UserName ?? string.Empty) * 31);

        /// <summary>Never the password: this is what a debugger, a log or an exception might show.</summary>
        public override string ToString() =>
            (Address == null ? "system proxy" : Address.GetLeftPart(UriPartial.Authority)) + ", authentication " + AuthenticationDescription;

        private static bool SameCredential(NetworkCredential? a, NetworkCredential? b)
        {
            if (a == null || b == null) return a == null && b == null;
            return string.Equals(a.UserName, b.UserName, StringComparison.Ordinal) &&
                   string.Equals(a.Domain, b.Domain, StringComparison.Ordinal) &&
                   string.Equals(a.Password, b.Password, StringComparison.Ordinal);
        }
    }
}
