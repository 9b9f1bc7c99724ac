using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>One sentence telling the user what to do next about an APIG/IAM error; the cmdlet appends it to the error record.</summary>
    public static class ApigErrorAdvice
    {
        public static string For(string? errorCode, int status)
        {
            string code = (errorCode ?? string.Empty).Trim().ToUpperInvariant();
            // The gateway in front of cloud services uses "APIGW." for the same numbers as "APIG.".
            if (code.StartsWith("APIGW.", StringComparison.Ordinal)) code = "APIG." + code.Substring(6);

            switch (code)
            {
                case "APIG.0303":
                    return "Check the secret key and make sure this computer's clock is within 15 minutes of UTC, then run Connect-Apig again.";
                case "APIG.1001":
                case "APIG.0307":
                    return "The token has expired: run Connect-Apig again (password sign-in renews tokens automatically).";
                case "APIG.1003":
                    return "The token has no project scope: connect with -ProjectId of the region's project, or use a project-scoped token.";
                case "APIG.1005":
                case "APIG.1115":
                case "APIG.1136":
                case "APIG.0306":
                    return "Ask the account administrator for APIG permissions (for example APIG Administrator) in this project and region.";
                case "APIG.2101":
                    return "Use the private key that belongs to this certificate (the certificate and key do not match).";
                case "APIG.2102":
                    return "The certificate has expired: renew it and bind the new certificate.";
                case "APIG.2103":
                    return "Use a certificate whose common name or subject alternative names cover this custom domain.";
                case "APIG.2104":
                    return "Supply the full chain in order: the server certificate first, then each intermediate certificate.";
                case "APIG.2105":
                case "APIG.2106":
                    return "Supply a valid PEM certificate and an unencrypted PEM private key (RSA or ECDSA).";
                case "APIG.2109":
                    return "Use a certificate that names the domain in its subject alternative names (DNS SAN): APIG refuses a certificate with only a common name.";
                case "APIG.3148":
                    return "Use a certificate that expires before 2038-01-19 03:14:07 UTC: APIG refuses later expiry dates.";
                case "APIG.2050":
                    return "This domain and port combination already exists: find it with Get-ApigDomain, or remove it there first.";
                case "APIG.2051":
                    return "The domain already holds a different certificate of this algorithm: remove that one first (Remove-ApigDomainCertificate -CertificateId), then bind.";
                case "APIG.3715":
                    return "The CA certificates on one domain must share an algorithm type: use a CA certificate of the same algorithm as the one already there.";
                case "APIG.3097":
                    return "Check the certificate id with Get-ApigDomainCertificate: this certificate is not bound to this domain (anymore).";
                case "APIG.3708":
                    return "The certificate's key usage does not fit this binding: use a TLS server certificate (key usage digitalSignature or keyEncipherment, extended key usage serverAuth).";
                case "APIG.3709":
                    return "The certificate's signature algorithm does not fit this binding: use a certificate of the algorithm the domain expects (RSA or ECC).";
                case "APIG.2023":
                    return "Point the domain's CNAME record at the group's subdomain (see Get-ApigDomain) and wait for DNS to propagate.";
                case "APIG.2024":
                    return "Check the domain name: it must be a valid host name (a wildcard like *.example.com is allowed).";
                case "APIG.2034":
                    return "The domain must complete ICP filing before it can be bound in this region.";
                case "APIG.3001":
                    return "Check the GroupId with Get-ApigDomain: the API group does not exist in this instance.";
                case "APIG.3020":
                    return "Check the DomainId with Get-ApigDomain: the custom domain is not bound to this group.";
                case "APIG.3021":
                case "APIG.3025":
                    return "Check the certificate id with Get-ApigDomain: the certificate is not bound (anymore).";
                case "APIG.3030":
                    return "Check the InstanceId and the region: the instance does not exist in this project.";
                case "APIG.3108":
                    return "The group already has the maximum number of custom domains: remove one first.";
                case "APIG.3305":
                    return "The domain is already bound: use Get-ApigDomain to find where, or remove it there first.";
                case "APIG.3474":
                    return "The domain belongs to a different group: use the GroupId that Get-ApigDomain shows for it.";
                case "APIG.9008":
                case "APIG.0308":
                    return "The service is throttling requests: retry later, or lower -ThrottleLimit.";
                case "APIG.2000":
                case "APIG.2001":
                case "APIG.2011":
                case "APIG.2012":
                    return "Check the parameter named in the message.";
            }

            if (status == 0) return "Check the network connection, proxy and endpoint, then retry.";
            if (status == 401) return "Check the credentials (access key and secret key, token, or password) and run Connect-Apig again.";
            if (status == 407) return "Run Connect-Apig again with -ProxyCredential (or -ProxyUseDefaultCredentials) that the proxy accepts.";
            if (status == 403) return "Ask the account administrator for APIG permissions in this project and region.";
            if (status == 404) return "Check the ids with Get-ApigDomain: the object does not exist in this project.";
            if (status == 429 || status >= 500) return "The service is busy or failing: retry later, or lower -ThrottleLimit.";
            if (status >= 300 && status < 400) return "Check the endpoint: the service answered with a redirect, which is never followed.";
            return "Check the request parameters named in the message.";
        }

        /// <summary>The next step for a local input error (nothing was sent); the specific ones say what to use instead.</summary>
        public static string ForInput(string errorId, string inputName)
        {
            const string NothingSent = "Nothing was sent. ";
            switch (errorId)
            {
                case "DomainNotCovered":
                    return NothingSent + "Use a certificate that covers the domain (its subject alternative names list the domain or a matching wildcard), or bind this certificate to a domain it covers.";
                case "CertificateHasNoDnsName":
                    return NothingSent + "Use a certificate that lists the domain names as DNS subject alternative names; APIG refuses certificates that name the host only in the CN.";
                case "CertificateExpiresTooLate":
                    return NothingSent + "Use a certificate that expires before 2038-01-19 03:14:07 UTC.";
                case "PrivateKeyDamaged":
                    return NothingSent + "Export the private key again from where it was generated (or from the original PFX) and pass that file.";
                case "KeyDerivationTooExpensive":
                    return NothingSent + "Export the key or PFX again with a usual key-derivation iteration count (at most 5,000,000; 600,000 is common).";
                case "PfxPasswordRequired":
                    return NothingSent + "Pass the PFX password with -PfxPassword (a SecureString, e.g. from Read-Host -AsSecureString or a secret store).";
                case "PathIsNotRegularFile":
                    return NothingSent + "Pass -" + inputName + " the path of a regular certificate or key file, not a pipe, device or directory.";
                default:
                    return NothingSent + "Fix the input the message names (-" + inputName + ") and run the command again.";
            }
        }
    }
}
