using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>A bind that passed every local check and is ready to send.</summary>
    public sealed class PreparedBinding
    {
        internal PreparedBinding(DomainRef domain, string? domainName, CertificateBundle bundle, string name)
        {
            Domain = domain;
            DomainName = domainName;
            Bundle = bundle;
            Name = name;
        }

        public DomainRef Domain { get; }

        public string? DomainName { get; }

        public CertificateBundle Bundle { get; }

        public string Name { get; }

        /// <summary>What -WhatIf and -Confirm show: the domain and the certificate, never key material.</summary>
        public string Target => (DomainName ?? "domain") + " (" + Domain + ")";

        public string Action =>
            "Bind certificate '" + Name + "' (" + Bundle.Subject + ", thumbprint " + Bundle.Thumbprint + ", expires " +
            Bundle.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ")";
    }

    /// <summary>What a domain holds before a bind: its listing (null when its group does not list it) and, when it already holds the certificate, the unchanged result.</summary>
    public sealed class BindingState
    {
        internal BindingState(UrlDomainInfo? listed, DomainCertificateBinding? unchanged)
        {
            Listed = listed;
            Unchanged = unchanged;
        }

        internal UrlDomainInfo? Listed { get; }

        /// <summary>The domain's name as its group lists it; null when the group does not list the domain or was not read.</summary>
        public string? ListedName => string.IsNullOrEmpty(Listed?.Domain) ? null : Listed!.Domain;

        public DomainCertificateBinding? Unchanged { get; }
    }

    /// <summary>The core operation of the module: check everything locally, then bind through AssociateCertificateV2.</summary>
    public static class DomainCertificateBinder
    {
        /// <summary>
        /// All checks that need no network. Throws <see cref="ApigInputException"/>; nothing is sent. The ids were checked
        /// once, where the <see cref="DomainRef"/> was made.
        /// </summary>
        public static PreparedBinding Prepare(
            DomainRef domain, string? domainName, CertificateBundle bundle, string? explicitName, string certificateInputName, DateTime utcNow)
        {
            if (domain == null) throw new ArgumentNullException(nameof(domain));
            CertificateRules.EnsureCurrentlyValid(bundle, utcNow, certificateInputName);
            CertificateRules.EnsureApigAccepts(bundle, certificateInputName);

            string name;
            if (explicitName is null)
            {
                name = CertificateRules.DefaultName(bundle);
            }
            else
            {
                CertificateRules.EnsureValidName(explicitName, "Name");
                name = explicitName;
            }

            string? normalizedDomainName = string.IsNullOrWhiteSpace(domainName) ? null : domainName!.Trim();
            if (normalizedDomainName != null)
            {
                CertificateRules.EnsureCovers(bundle, normalizedDomainName, "DomainName");
            }

            return new PreparedBinding(domain, normalizedDomainName, bundle, name);
        }

        /// <summary>
        /// Reads what the domain holds now and says whether it already holds this very certificate. Reading only: safe
        /// under -WhatIf. <paramref name="piped"/> is the domain as a piped Get-ApigDomain object lists it: taken as the
        /// listing, so a rotation piped from Get-ApigDomain reads no group again; where it names a certificate that is
        /// gone since (the object is stale), the group is read after all. Without it the group is read once per command.
        /// With <paramref name="force"/> nothing is compared, so nothing is read once the domain's name is known.
        /// </summary>
        /// <remarks>
        /// A bind called by ids alone (no name) has its coverage checked against the listed name here, instead of by APIG
        /// (APIG.2103); a domain that already holds the certificate is not checked, since nothing would be sent.
        /// </remarks>
        public static async Task<BindingState> ReadStateAsync(
            ApigClient client, GroupLookup groups, string projectId, PreparedBinding binding, bool force, ApigDomain? piped,
            CancellationToken cancellationToken)
        {
            UrlDomainInfo? pipedListing = piped is null ? null : ApigMapper.FromDomain(piped);
            BindingState state = await ReadListedStateAsync(client, groups, projectId, binding, force, pipedListing, cancellationToken).ConfigureAwait(false);
            if (state.Unchanged is null && binding.DomainName is null && state.ListedName != null)
            {
                CertificateRules.EnsureCovers(binding.Bundle, state.ListedName, "DomainName");
            }

            return state;
        }

        private static async Task<BindingState> ReadListedStateAsync(
            ApigClient client, GroupLookup groups, string projectId, PreparedBinding binding, bool force, UrlDomainInfo? piped,
            CancellationToken cancellationToken)
        {
            if (force && (piped != null || binding.DomainName != null))
            {
                return new BindingState(piped, null);
            }

            if (piped != null)
            {
                try
                {
                    return await CompareAsync(client, projectId, binding, piped, cancellationToken).ConfigureAwait(false);
                }
                catch (ApigApiException stale) when (stale.StatusCode == 404)
                {
                    // The piped object named a certificate that is no longer bound: what the group says now decides.
                }
            }

            // A domain its group does not list is left to the bind itself, so the user sees APIG's own answer (APIG.3020).
            UrlDomainInfo? listed = await groups.TryFindDomainAsync(binding.Domain, cancellationToken).ConfigureAwait(false);
            if (force || listed is null)
            {
                return new BindingState(listed, null);
            }

            return await CompareAsync(client, projectId, binding, listed, cancellationToken).ConfigureAwait(false);
        }

        private static async Task<BindingState> CompareAsync(
            ApigClient client, string projectId, PreparedBinding binding, UrlDomainInfo listed, CancellationToken cancellationToken)
        {
            var same = await FindSameAsync(client, binding, listed, cancellationToken).ConfigureAwait(false);
            return new BindingState(listed, same is null ? null : UnchangedResult(projectId, binding, listed, same.Value.Id, same.Value.Details));
        }

        /// <summary>The bound certificate with the name we would give that is this very certificate, if any.</summary>
        private static async Task<(string Id, CertificateDetails Details)?> FindSameAsync(
            ApigClient client, PreparedBinding binding, UrlDomainInfo listed, CancellationToken cancellationToken)
        {
            foreach (SslInfo candidate in GroupLookup.BoundCertificates(listed).Where(c => string.Equals(c.SslName, binding.Name, StringComparison.Ordinal)))
            {
                CertificateDetails details = await client.GetDomainCertificateAsync(binding.Domain, candidate.SslId!, cancellationToken)
                    .ConfigureAwait(false);
                if (IsSameCertificate(details, binding.Bundle))
                {
                    return (candidate.SslId!, details);
                }
            }

            return null;
        }

        /// <summary>Binds unless the domain already has this very certificate (see <see cref="ReadStateAsync"/>).</summary>
        public static async Task<DomainCertificateBinding> BindUnlessUnchangedAsync(
            ApigClient client, GroupLookup groups, string projectId, PreparedBinding binding, bool force, CancellationToken cancellationToken)
        {
            BindingState state = await ReadStateAsync(client, groups, projectId, binding, force, null, cancellationToken).ConfigureAwait(false);
            return state.Unchanged ?? await BindAsync(client, projectId, binding, state, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A result that says nothing changed reports what the server holds: its certificate id, name, subject, names and
        /// expiry, and the domain's own facts from the listing. The thumbprint is left empty: the API does not give it.
        /// </summary>
        private static DomainCertificateBinding UnchangedResult(
            string projectId, PreparedBinding binding, UrlDomainInfo listed, string certificateId, CertificateDetails details) =>
            new DomainCertificateBinding
            {
                ProjectId = projectId,
                InstanceId = binding.Domain.InstanceId,
                GroupId = binding.Domain.GroupId,
                DomainId = binding.Domain.DomainId,
                DomainName = listed.Domain ?? binding.DomainName,
                CnameStatus = ApigMapper.ToCnameStatus(listed.CnameStatus),
                MinSslVersion = listed.MinSslVersion,
                CertificateId = certificateId,
                CertificateName = details.Name ?? binding.Name,
                Subject = string.IsNullOrEmpty(details.CommonName) ? string.Empty : "CN=" + details.CommonName,
                NotAfter = details.NotAfter?.UtcDateTime ?? default,
                Thumbprint = string.Empty,
                DnsNames = details.San,
                Changed = false,
            };

        /// <summary>Same serial number (as a number), exactly the same issuer, the same NotAfter and, where APIG lists one, the same SAN set.</summary>
        internal static bool IsSameCertificate(CertificateDetails details, CertificateBundle bundle) =>
            CertificateIdentity.IsSame(details.SerialNumber, details.Issuer, details.NotAfter, details.San,
                bundle.SerialNumber, bundle.IssuerParts, bundle.NotAfter, bundle.DnsNames);

        /// <summary>Binds after <see cref="ReadStateAsync"/>: the result names the domain as listed when the caller gave no name.</summary>
        public static async Task<DomainCertificateBinding> BindAsync(
            ApigClient client, string projectId, PreparedBinding binding, BindingState state, CancellationToken cancellationToken)
        {
            DomainCertificateBinding bound = await BindAsync(client, projectId, binding, cancellationToken).ConfigureAwait(false);
            bound.DomainName ??= state?.Listed?.Domain;
            return bound;
        }

        public static async Task<DomainCertificateBinding> BindAsync(
            ApigClient client, string projectId, PreparedBinding binding, CancellationToken cancellationToken)
        {
            // After an answer that leaves open whether the upload took effect, a fresh read of the domain decides:
            // this certificate bound there means done, with no second upload.
            DomainCertificateBinding? confirmed = null;
            async Task<bool> IsBoundAsync(CancellationToken token)
            {
                GroupInfo group = await client.GetGroupAsync(binding.Domain.InstanceId, binding.Domain.GroupId, token).ConfigureAwait(false);
                UrlDomainInfo? listed = group.DomainWithId(binding.Domain.DomainId);
                if (listed is null) return false;
                var same = await FindSameAsync(client, binding, listed, token).ConfigureAwait(false);
                if (same is null) return false;
                confirmed = ToResult(projectId, binding, same.Value.Id, same.Value.Details.Name ?? binding.Name, listed.Domain, listed.MinSslVersion,
                    ApigMapper.ToCnameStatus(listed.CnameStatus), changed: true);
                return true;
            }

            BindCertificateResponse response = await client.BindCertificateAsync(
                binding.Domain, binding.Name, binding.Bundle.CertificateChainPem, binding.Bundle.GetPrivateKeyPem(), cancellationToken, IsBoundAsync)
                .ConfigureAwait(false);
            if (response.AppliedWithoutAnswer && confirmed != null) return confirmed;

            return ToResult(projectId, binding, response.SslId, response.SslName ?? binding.Name, response.UrlDomain, response.MinSslVersion,
                ApigMapper.ToCnameStatus(response.Status), changed: true, string.IsNullOrEmpty(response.Id) ? null : response.Id!.Trim(), response.RequestId);
        }

        private static DomainCertificateBinding ToResult(
            string projectId, PreparedBinding binding, string? certificateId, string certificateName, string? urlDomain, string? minSslVersion,
            CnameStatus cnameStatus, bool changed, string? domainId = null, string? requestId = null) =>
            new DomainCertificateBinding
            {
                ProjectId = projectId,
                InstanceId = binding.Domain.InstanceId,
                GroupId = binding.Domain.GroupId,
                DomainId = domainId ?? binding.Domain.DomainId,
                DomainName = urlDomain ?? binding.DomainName,
                CnameStatus = cnameStatus,
                MinSslVersion = minSslVersion,
                CertificateId = certificateId,
                CertificateName = certificateName,
                Subject = binding.Bundle.Subject,
                NotAfter = binding.Bundle.NotAfter,
                Thumbprint = binding.Bundle.Thumbprint,
                DnsNames = binding.Bundle.DnsNames,
                Changed = changed,
                RequestId = requestId,
            };
    }
}
