using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// What New-, Set- and Remove-ApigDomain share: the HTTP-to-HTTPS redirect, which the group listing never returns,
    /// read where the API does return it, and the domain as output.
    /// </summary>
    internal static class DomainSettingsReading
    {
        /// <summary>Attached-domain entries asked for per certificate: one per ingress port of the name, so two in practice.</summary>
        private const int AttachedEntriesPerName = 20;

        /// <summary>
        /// The domain's redirect flag from ListAttachedDomainsV2 of a certificate bound to it (only a stored certificate
        /// lists its domains); null when no bound certificate lists the domain, e.g. only a legacy upload is bound and the
        /// store does not know it (4xx).
        /// </summary>
        public static async Task<bool?> ReadRedirectAsync(ApigClient client, DomainRef domain, UrlDomainInfo listed, IApigLog? log,
            CancellationToken cancellationToken)
        {
            string name = listed.Domain ?? string.Empty;
            foreach (SslInfo certificate in GroupLookup.BoundCertificates(listed))
            {
                try
                {
                    PageResult<AttachedDomainInfo> page = await client.ListAttachedDomainsAsync(
                        certificate.SslId!, name.Length == 0 ? null : name, 0, AttachedEntriesPerName, cancellationToken).ConfigureAwait(false);
                    AttachedDomainInfo? entry = page.Items.FirstOrDefault(e => IsThisDomain(e, domain, name) && e.IsHttpRedirectToHttps.HasValue);
                    if (entry != null)
                    {
                        log?.Verbose("The HTTP-to-HTTPS redirect of '" + name + "' is " + (entry.IsHttpRedirectToHttps!.Value ? "on" : "off") +
                                     " (from the domains of certificate " + certificate.SslId + ").");
                        return entry.IsHttpRedirectToHttps;
                    }
                }
                catch (ApigApiException ex) when (ex.StatusCode >= 400 && ex.StatusCode < 500)
                {
                    log?.Verbose("Certificate " + certificate.SslId + " does not list its domains (" + (ex.ErrorCode ?? ex.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)) +
                                 "), so the redirect of '" + name + "' is not known from it.");
                }
            }

            return null;
        }

        // The same name can be a domain in several instances; the entry's id is the domain id where the service gives it.
        private static bool IsThisDomain(AttachedDomainInfo entry, DomainRef domain, string name)
        {
            if (!string.IsNullOrEmpty(entry.Id)) return string.Equals(entry.Id, domain.DomainId, StringComparison.Ordinal);
            return string.Equals(entry.UrlDomain, name, StringComparison.OrdinalIgnoreCase)
                   && (string.IsNullOrEmpty(entry.ApiGroupId) || string.Equals(entry.ApiGroupId, domain.GroupId, StringComparison.Ordinal))
                   && (string.IsNullOrEmpty(entry.InstanceId) || string.Equals(entry.InstanceId, domain.InstanceId, StringComparison.Ordinal));
        }

        /// <summary>
        /// The listed domain with the settings an Associate/Update answer reports laid over it (the answer has no
        /// certificates; the listing no redirect).
        /// </summary>
        public static UrlDomainInfo WithAnswer(UrlDomainInfo listed, UrlDomainInfo answer) => new UrlDomainInfo
        {
            Id = string.IsNullOrEmpty(answer.Id) ? listed.Id : answer.Id,
            Domain = string.IsNullOrEmpty(answer.Domain) ? listed.Domain : answer.Domain,
            CnameStatus = answer.CnameStatus != 0 ? answer.CnameStatus : listed.CnameStatus,
            SslId = listed.SslId,
            SslName = listed.SslName,
            SslInfos = listed.SslInfos,
            IsHasTrustedRootCa = listed.IsHasTrustedRootCa,
            MinSslVersion = answer.MinSslVersion ?? listed.MinSslVersion,
            VerifiedClientCertificateEnabled = answer.VerifiedClientCertificateEnabled ?? listed.VerifiedClientCertificateEnabled,
            IngressHttpPort = answer.IngressHttpPort ?? listed.IngressHttpPort,
            IngressHttpsPort = answer.IngressHttpsPort ?? listed.IngressHttpsPort,
            IsHttpRedirectToHttps = answer.IsHttpRedirectToHttps ?? listed.IsHttpRedirectToHttps,
        };

        /// <summary>The output object; <paramref name="redirect"/> is the flag where it is known (the listing never has it).</summary>
        public static ApigDomain ToDomain(UrlDomainInfo domain, GroupInfo group, string instanceId, string projectId, bool? redirect, bool changed)
        {
            ApigDomain result = ApigMapper.ToDomain(domain, group, instanceId, projectId);
            result.RedirectToHttps = domain.IsHttpRedirectToHttps ?? redirect;
            result.Changed = changed;
            return result;
        }

        public static string OnOff(bool? value) => value.HasValue ? (value.Value ? "True" : "False") : "not known";
    }

    /// <summary>
    /// The warnings about the redirect flag that cannot be read back, one per command naming every domain concerned, so
    /// a batch of 500 domains gives one warning, not 500.
    /// </summary>
    public static class RedirectWarnings
    {
        private const int NamesListed = 20;

        /// <summary>Set-ApigDomain: domains whose redirect was not sent (not known) and is off after the update.</summary>
        public static string OffAfterUpdate(IReadOnlyCollection<string> domainNames) =>
            "The HTTP-to-HTTPS redirect is off after the update of " + Names(domainNames) + ". Its value before could not be read (the group " +
            "listing does not return it, and no stored certificate bound to the domain lists it), and APIG may switch it off when an update " +
            "does not send it. Where it should be on, run Set-ApigDomain -RedirectToHttps $true.";

        /// <summary>New-ApigDomain: existing domains whose redirect could not be compared with -RedirectToHttps.</summary>
        public static string NotChecked(IReadOnlyCollection<string> domainNames, bool wanted) =>
            "Already there: " + Names(domainNames) + ". The HTTP-to-HTTPS redirect cannot be read back from APIG, so -RedirectToHttps was not " +
            "checked. To be sure, pipe them to Set-ApigDomain -RedirectToHttps $" + (wanted ? "true" : "false") + ".";

        private static string Names(IReadOnlyCollection<string> names) =>
            string.Join(", ", names.Take(NamesListed).Select(n => "'" + n + "'")) +
            (names.Count > NamesListed ? " and " + (names.Count - NamesListed).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more" : string.Empty);
    }
}
