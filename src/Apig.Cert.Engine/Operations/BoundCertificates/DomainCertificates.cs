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
    /// The certificates bound to a domain, resolved from what its group lists (read once per command through
    /// <see cref="GroupLookup"/>), each shown with the details APIG keeps of it. Get-ApigDomainCertificate's use-case,
    /// and the reading half of <see cref="DomainCertificateUnbinder"/>.
    /// </summary>
    public sealed class DomainCertificates
    {
        private readonly GroupLookup _groups;

        public DomainCertificates(ApigClient client, GroupLookup groups, string projectId, IApigLog? log)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            _groups = groups ?? throw new ArgumentNullException(nameof(groups));
            ProjectId = projectId ?? string.Empty;
            Log = log;
        }

        /// <summary>Shared with the unbinder, which reads and changes the same domains.</summary>
        internal ApigClient Client { get; }

        internal string ProjectId { get; }

        internal IApigLog? Log { get; }

        /// <summary>
        /// The chosen certificates of the domain with their details (one ShowDetailsOfDomainNameCertificateV2 each); none
        /// when nothing is bound. <paramref name="domainName"/> is the name the caller gave, if any.
        /// </summary>
        public async Task<BoundCertificateList> GetAsync(DomainRef domain, string? domainName, CertificateChoice choice, CancellationToken cancellationToken)
        {
            string? givenName = Normalized(domainName);
            BoundSelection selection = await SelectAsync(domain, choice, null, cancellationToken).ConfigureAwait(false);
            string shownName = givenName ?? selection.Listed?.Domain ?? domain.DomainId;
            if (selection.StaleId != null)
            {
                Log?.Verbose("Certificate " + selection.StaleId + " is no longer bound to '" + shownName + "'; showing what is bound now.");
            }

            if (selection.Certificates.Count == 0)
            {
                Log?.Verbose("Domain '" + shownName + "' has no certificate bound.");
                return new BoundCertificateList(Array.Empty<ApigDomainCertificate>());
            }

            var shown = new List<ApigDomainCertificate>(selection.Certificates.Count);
            foreach (SslInfo bound in selection.Certificates)
            {
                CertificateDetails details = await Client.GetDomainCertificateAsync(domain, bound.SslId!, cancellationToken).ConfigureAwait(false);
                shown.Add(ApigMapper.ToDomainCertificate(details, domain, givenName ?? selection.Listed?.Domain, bound.AlgorithmType, ProjectId, DateTime.UtcNow));
            }

            return new BoundCertificateList(shown);
        }

        /// <summary>
        /// The certificates to act on and the domain's listing (null when a typed id skipped the check and the group does
        /// not list the domain). A piped id that is no longer bound falls back to what is bound now, of
        /// <paramref name="algorithmType"/> when one is given.
        /// </summary>
        internal async Task<BoundSelection> SelectAsync(DomainRef domain, CertificateChoice choice, string? algorithmType, CancellationToken cancellationToken)
        {
            UrlDomainInfo? listed = choice.IsTyped
                ? await _groups.TryFindDomainAsync(domain, cancellationToken).ConfigureAwait(false)
                : await _groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SslInfo> bound = listed is null ? Array.Empty<SslInfo>() : GroupLookup.BoundCertificates(listed);
            SslInfo? named = choice.CertificateId is null
                ? null
                : bound.FirstOrDefault(ssl => string.Equals(ssl.SslId, choice.CertificateId, StringComparison.Ordinal));
            if (choice.IsTyped)
            {
                return new BoundSelection(listed, new[] { named ?? new SslInfo { SslId = choice.CertificateId } }, staleId: null);
            }

            if (choice.CertificateId != null)
            {
                if (named != null)
                {
                    return new BoundSelection(listed, new[] { named }, staleId: null);
                }

                return new BoundSelection(listed, OfAlgorithm(bound, algorithmType), staleId: choice.CertificateId);
            }

            return new BoundSelection(listed, OfAlgorithm(bound, algorithmType), staleId: null);
        }

        internal static string? Normalized(string? domainName) => string.IsNullOrWhiteSpace(domainName) ? null : domainName!.Trim();

        private static IReadOnlyList<SslInfo> OfAlgorithm(IReadOnlyList<SslInfo> bound, string? algorithmType) =>
            algorithmType is null
                ? bound
                : bound.Where(ssl => string.Equals(ssl.AlgorithmType, algorithmType, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>What Get-ApigDomainCertificate found on one domain.</summary>
    public sealed class BoundCertificateList
    {
        internal BoundCertificateList(IReadOnlyList<ApigDomainCertificate> certificates) => Certificates = certificates;

        public IReadOnlyList<ApigDomainCertificate> Certificates { get; }

        public bool NothingBound => Certificates.Count == 0;
    }

    /// <summary>The certificates chosen on one domain.</summary>
    internal sealed class BoundSelection
    {
        public BoundSelection(UrlDomainInfo? listed, IReadOnlyList<SslInfo> certificates, string? staleId)
        {
            Listed = listed;
            Certificates = certificates;
            StaleId = staleId;
        }

        public UrlDomainInfo? Listed { get; }

        public IReadOnlyList<SslInfo> Certificates { get; }

        /// <summary>A piped certificate id that is no longer bound (the domain was rebound since).</summary>
        public string? StaleId { get; }
    }
}
