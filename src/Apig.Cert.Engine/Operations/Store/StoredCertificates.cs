using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>What Get-ApigCertificate narrows to; null means no filter.</summary>
    public sealed class StoreFilter
    {
        /// <summary>"Global" or "Instance".</summary>
        public string? Type { get; set; }

        /// <summary>Decides which names are listed (the caller's wildcard matching).</summary>
        public Func<string, bool>? NameMatches { get; set; }

        /// <summary>Sent as the API's own name filter (its matching is not documented, so <see cref="NameMatches"/> still decides): give it only for a name without wildcards.</summary>
        public string? ServerName { get; set; }

        public Func<string, bool>? CommonNameMatches { get; set; }

        public string? ServerCommonName { get; set; }
    }

    /// <summary>A domain a stored certificate is bound to: one per name and instance, whatever its ingress ports.</summary>
    public sealed class BoundDomain
    {
        internal BoundDomain(string instanceId, string? groupId, string? groupName, string? domainId, string domainName)
        {
            InstanceId = instanceId;
            GroupId = groupId;
            GroupName = groupName;
            DomainId = domainId;
            DomainName = domainName;
        }

        public string InstanceId { get; }

        public string? GroupId { get; }

        public string? GroupName { get; }

        public string? DomainId { get; }

        public string DomainName { get; }

        public override string ToString() => DomainName;
    }

    /// <summary>
    /// Reading the certificate store: the listing across instances (each certificate once), one certificate by id, the
    /// details a listing leaves out, and the domains a certificate is bound to.
    /// </summary>
    public sealed class StoredCertificates
    {
        /// <summary>Shows run at once to fill a page's details: enough to hide latency, few enough not to be throttled.</summary>
        internal const int DetailConcurrency = 16;

        public StoredCertificates(ApigClient client, string projectId, IApigLog? log = null)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            ProjectId = projectId ?? string.Empty;
            Log = log;
        }

        /// <summary>The store over the client and project of <paramref name="listing"/>.</summary>
        public static StoredCertificates Over(ResourceListing listing) =>
            new StoredCertificates((listing ?? throw new ArgumentNullException(nameof(listing))).Client, listing.ProjectId);

        internal ApigClient Client { get; }

        internal IApigLog? Log { get; }

        internal string ProjectId { get; }

        /// <summary>
        /// The store's certificates: of one instance, or of every instance of the project. ListCertificatesV2 needs an
        /// instance and may or may not add the global certificates to each instance's list (not documented): every
        /// instance is listed once, without a type filter, and a certificate already given (its id in
        /// <paramref name="seen"/>, shared by the caller across piped inputs) is not given again. So a global certificate
        /// comes once whichever way the API behaves, with one request per instance. With the type Global only the first
        /// instance is asked: a global certificate is the same in every instance.
        /// </summary>
        public ListingPages<ApigCertificate> List(string? instanceId, StoreFilter? filter, ISet<string> seen)
        {
            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            return new StorePages(this, instanceId, filter ?? new StoreFilter(), seen ?? throw new ArgumentNullException(nameof(seen)));
        }

        /// <summary>ShowDetailsOfCertificateV2 as an <see cref="ApigCertificate"/>.</summary>
        public async Task<ApigCertificate> GetAsync(string certificateId, CancellationToken cancellationToken) =>
            StoreMapper.ToCertificate(await ShowAsync(certificateId, cancellationToken).ConfigureAwait(false), ProjectId, DateTime.UtcNow);

        internal Task<CertificateDetails> ShowAsync(string certificateId, CancellationToken cancellationToken) =>
            Client.GetCertificateAsync(ApigIds.EnsureValid(certificateId, "CertificateId"), cancellationToken);

        /// <summary>
        /// The listed certificates with what only a show gives (serial number, issuer, NotBefore), shown concurrently, at
        /// most <see cref="DetailConcurrency"/> at once, in the order given. One deleted since the listing keeps its listed facts.
        /// </summary>
        public async Task<IReadOnlyList<ApigCertificate>> WithDetailsAsync(IReadOnlyList<ApigCertificate> listed, CancellationToken cancellationToken)
        {
            using (var gate = new SemaphoreSlim(DetailConcurrency))
            {
                Task<ApigCertificate>[] shows = listed.Select(async certificate =>
                {
                    if (certificate.SerialNumber != null || certificate.CertificateId.Length == 0) return certificate;
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await GetAsync(certificate.CertificateId, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ApigApiException gone) when (gone.StatusCode == 404)
                    {
                        return certificate;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToArray();
                return await Task.WhenAll(shows).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Every domain the certificate is bound to (ListAttachedDomainsV2, every page), once per name and instance: the
        /// API lists one entry per ingress port.
        /// </summary>
        public async Task<IReadOnlyList<BoundDomain>> BoundDomainsAsync(string certificateId, CancellationToken cancellationToken)
        {
            ApigIds.EnsureValid(certificateId, "CertificateId");
            var cursor = new PageCursor<AttachedDomainInfo>((offset, limit, ct) => Client.ListAttachedDomainsAsync(certificateId, null, offset, limit, ct));
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var bound = new List<BoundDomain>();
            while (await cursor.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                foreach (AttachedDomainInfo entry in page)
                {
                    if (string.IsNullOrWhiteSpace(entry.UrlDomain)) continue;
                    string instanceId = entry.InstanceId ?? string.Empty;
                    if (seen.Add(instanceId + "/" + entry.UrlDomain!.Trim()))
                    {
                        bound.Add(new BoundDomain(instanceId, entry.ApiGroupId, entry.ApiGroupName, entry.Id, entry.UrlDomain.Trim()));
                    }
                }
            }

            return bound;
        }

        /// <summary>The project's instance ids, a page at a time.</summary>
        internal PageCursor<InstanceInfo> InstanceCursor() =>
            new PageCursor<InstanceInfo>((offset, limit, ct) => Client.ListInstancesAsync(offset, limit, ct), keyOf: i => i.Id);

        internal PageCursor<CertificateDetails> CertificateCursor(string instanceId, CertificateQuery query) =>
            new PageCursor<CertificateDetails>((offset, limit, ct) => Client.ListCertificatesAsync(instanceId, query, offset, limit, ct), keyOf: c => c.Id);

        private sealed class StorePages : ListingPages<ApigCertificate>
        {
            private readonly StoredCertificates _store;
            private readonly StoreFilter _filter;
            private readonly ISet<string> _seen;
            private readonly CertificateQuery _query;
            private readonly bool _onlyFirstInstance;
            private readonly Queue<string> _instances = new Queue<string>();
            private PageCursor<InstanceInfo>? _instanceCursor;
            private PageCursor<CertificateDetails>? _certificates;
            private bool _instancesDone;
            private bool _firstInstanceTaken;

            public StorePages(StoredCertificates store, string? instanceId, StoreFilter filter, ISet<string> seen)
            {
                _store = store;
                _filter = filter;
                _seen = seen;
                _query = new CertificateQuery { Name = filter.ServerName, CommonName = filter.ServerCommonName, Type = StoreMapper.WireType(filter.Type) };
                _onlyFirstInstance = string.Equals(_query.Type, "global", StringComparison.Ordinal);
                if (instanceId != null)
                {
                    _instances.Enqueue(instanceId);
                    _instancesDone = true;
                }
            }

            // Filtered and de-duplicated here: the API's totals would count what is not shown.
            public override long? ApiTotal => null;

            public override async Task<IReadOnlyList<ApigCertificate>?> NextAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    if (_certificates is null)
                    {
                        string? instanceId = await NextInstanceAsync(cancellationToken).ConfigureAwait(false);
                        if (instanceId is null) return null;
                        _certificates = _store.CertificateCursor(instanceId, _query);
                    }

                    IReadOnlyList<CertificateDetails>? page = await _certificates.NextAsync(cancellationToken).ConfigureAwait(false);
                    if (page is null)
                    {
                        _certificates = null;
                        continue;
                    }

                    DateTime now = DateTime.UtcNow;
                    var shown = new List<ApigCertificate>(page.Count);
                    foreach (CertificateDetails details in page)
                    {
                        if (!Matches(details)) continue;
                        if (!string.IsNullOrEmpty(details.Id) && !_seen.Add(details.Id!)) continue;
                        shown.Add(StoreMapper.ToCertificate(details, _store.ProjectId, now));
                    }

                    return shown;
                }
            }

            private bool Matches(CertificateDetails details)
            {
                if (_query.Type != null && !string.Equals(StoreMapper.IsGlobal(details) ? "global" : "instance", _query.Type, StringComparison.Ordinal)) return false;
                if (_filter.NameMatches != null && !_filter.NameMatches(details.Name ?? string.Empty)) return false;
                return _filter.CommonNameMatches is null || _filter.CommonNameMatches(details.CommonName ?? string.Empty);
            }

            private async Task<string?> NextInstanceAsync(CancellationToken cancellationToken)
            {
                if (_onlyFirstInstance && _firstInstanceTaken) return null;
                while (_instances.Count == 0 && !_instancesDone)
                {
                    _instanceCursor ??= _store.InstanceCursor();
                    IReadOnlyList<InstanceInfo>? page = await _instanceCursor.NextAsync(cancellationToken).ConfigureAwait(false);
                    if (page is null)
                    {
                        _instancesDone = true;
                        break;
                    }

                    foreach (InstanceInfo instance in page.Where(i => !string.IsNullOrEmpty(i.Id))) _instances.Enqueue(instance.Id!);
                }

                if (_instances.Count == 0) return null;
                _firstInstanceTaken = true;
                return _instances.Dequeue();
            }
        }
    }
}
