using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// The bindings of stored certificates to custom domains: what is bound where (ListAttachedDomainsV2), attaching
    /// and detaching per domain (BatchAssociate/DisassociateCertsV2) and by names (BatchAssociate/DisassociateDomainsV2).
    /// One object per command: each certificate is read once, each group once (through <see cref="GroupLookup"/>).
    /// </summary>
    public sealed partial class CertificateBindings
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<StoredCertificateFacts>>> _certificates =
            new ConcurrentDictionary<string, Lazy<Task<StoredCertificateFacts>>>(StringComparer.Ordinal);

        public CertificateBindings(ApigClient client, GroupLookup groups, string projectId, IApigLog? log)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            Groups = groups ?? throw new ArgumentNullException(nameof(groups));
            ProjectId = projectId ?? string.Empty;
            Log = log;
        }

        internal ApigClient Client { get; }

        internal GroupLookup Groups { get; }

        internal string ProjectId { get; }

        internal IApigLog? Log { get; }

        /// <summary>The stored certificate, read once per command however many domains it is bound to. The id is checked before anything is sent.</summary>
        public Task<StoredCertificateFacts> CertificateAsync(string certificateId, CancellationToken cancellationToken)
        {
            string id = ApigIds.EnsureValid(certificateId, "CertificateId");
            Lazy<Task<StoredCertificateFacts>> entry = _certificates.GetOrAdd(id, key => new Lazy<Task<StoredCertificateFacts>>(async () =>
            {
                CertificateDetails details = await Client.GetCertificateAsync(key, cancellationToken).ConfigureAwait(false);
                return new StoredCertificateFacts(key, details);
            }));
            return entry.Value;
        }

        /// <summary>
        /// The domains the certificate is bound to, one object per domain name and instance (the API lists one entry per
        /// ingress port). <paramref name="literalName"/>, a name without wildcards, is also sent as the API's url_domain
        /// filter (which the documents do not define further); <paramref name="nameMatches"/> decides what is listed.
        /// </summary>
        public ListingPages<ApigCertificateBinding> List(string certificateId, string? literalName, Func<string, bool>? nameMatches)
        {
            ApigIds.EnsureValid(certificateId, "CertificateId");
            return new BindingPages(this, certificateId, literalName, nameMatches);
        }

        /// <summary>
        /// The domains the certificate is bound to as full <see cref="ApigDomain"/> objects: the attached-domain listing,
        /// then each group read once for the domain as its group lists it. Instance and group narrow the output locally.
        /// </summary>
        public ListingPages<ApigDomain> Domains(string certificateId, string? instanceId, string? groupId, string? literalName, Func<string, bool>? nameMatches)
        {
            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            if (groupId != null) ApigIds.EnsureValid(groupId, "GroupId");
            return new DomainPages(this, List(certificateId, literalName, nameMatches), instanceId, groupId);
        }

        internal ApigCertificateBinding ToBinding(StoredCertificateFacts certificate, DomainRef domain, string domainName, string? groupName,
            UrlDomainInfo? listed, bool verifyClientCertificate, bool? changed) =>
            ToBinding(certificate.Id, certificate.Name, domain, domainName, groupName, listed, verifyClientCertificate, changed);

        internal ApigCertificateBinding ToBinding(string certificateId, string? certificateName, DomainRef domain, string domainName, string? groupName,
            UrlDomainInfo? listed, bool verifyClientCertificate, bool? changed) =>
            new ApigCertificateBinding
            {
                CertificateId = certificateId,
                CertificateName = certificateName,
                ProjectId = ProjectId,
                InstanceId = domain.InstanceId,
                GroupId = domain.GroupId,
                GroupName = groupName,
                DomainId = domain.DomainId,
                DomainName = domainName,
                VerifyClientCertificate = verifyClientCertificate,
                MinSslVersion = listed?.MinSslVersion,
                // The group listing does not return the redirect flag: unknown unless the listing had it.
                RedirectToHttps = listed?.IsHttpRedirectToHttps,
                HttpsPort = listed?.IngressHttpsPort,
                Changed = changed,
            };

        /// <summary>Pages of the attached-domain listing, each name given once however many ingress-port entries it has.</summary>
        private sealed class BindingPages : ListingPages<ApigCertificateBinding>
        {
            private readonly CertificateBindings _owner;
            private readonly string _certificateId;
            private readonly Func<string, bool>? _nameMatches;
            private readonly PageCursor<AttachedDomainInfo> _cursor;
            private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            private StoredCertificateFacts? _certificate;
            private int _pagesWithoutNewName;

            public BindingPages(CertificateBindings owner, string certificateId, string? literalName, Func<string, bool>? nameMatches)
            {
                _owner = owner;
                _certificateId = certificateId;
                _nameMatches = nameMatches;
                // No key for the cursor: the entries of one name are identical, so a page holding only the second port
                // entry of a name would look like a repeat and end the walk early. Repeats are caught below instead.
                _cursor = new PageCursor<AttachedDomainInfo>(
                    (offset, limit, ct) => owner.Client.ListAttachedDomainsAsync(certificateId, literalName, offset, limit, ct));
            }

            // Entries are per port, so the API's total counts more than is shown.
            public override long? ApiTotal => null;

            public override async Task<IReadOnlyList<ApigCertificateBinding>?> NextAsync(CancellationToken cancellationToken)
            {
                _certificate ??= await _owner.CertificateAsync(_certificateId, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<AttachedDomainInfo>? page = await _cursor.NextAsync(cancellationToken).ConfigureAwait(false);
                if (page is null) return null;

                var shown = new List<ApigCertificateBinding>();
                bool anyNew = false;
                foreach (IGrouping<string, AttachedDomainInfo> name in page.GroupBy(NameKey, StringComparer.OrdinalIgnoreCase))
                {
                    if (!_seen.Add(name.Key)) continue;
                    anyNew = true;
                    AttachedDomainInfo first = name.First();
                    string domainName = first.UrlDomain ?? string.Empty;
                    if (_nameMatches != null && !_nameMatches(domainName)) continue;
                    shown.Add(new ApigCertificateBinding
                    {
                        CertificateId = _certificate.Id,
                        CertificateName = _certificate.Name,
                        ProjectId = _owner.ProjectId,
                        InstanceId = first.InstanceId ?? string.Empty,
                        GroupId = first.ApiGroupId ?? string.Empty,
                        GroupName = first.ApiGroupName,
                        DomainId = first.Id ?? string.Empty,
                        DomainName = domainName,
                        VerifyClientCertificate = name.Any(e => e.VerifiedClientCertificateEnabled == true),
                        MinSslVersion = first.MinSslVersion,
                        RedirectToHttps = name.Select(e => e.IsHttpRedirectToHttps).FirstOrDefault(r => r.HasValue),
                        HttpsPort = name.Select(e => e.IngressHttpsPort).FirstOrDefault(p => p.HasValue),
                    });
                }

                // A name has at most two entries (its two ports), so one page without a new name can be the second entry
                // of the last name; two in a row is a server that ignores offset, which would otherwise never end.
                _pagesWithoutNewName = anyNew ? 0 : _pagesWithoutNewName + 1;
                return _pagesWithoutNewName >= 2 ? null : shown;
            }

            // A name is unique within an instance: the same name in two instances is two bindings.
            private static string NameKey(AttachedDomainInfo entry) => entry.InstanceId + "/" + (entry.UrlDomain ?? entry.Id);
        }

        private sealed class DomainPages : ListingPages<ApigDomain>
        {
            private readonly CertificateBindings _owner;
            private readonly ListingPages<ApigCertificateBinding> _bindings;
            private readonly string? _instanceId;
            private readonly string? _groupId;

            public DomainPages(CertificateBindings owner, ListingPages<ApigCertificateBinding> bindings, string? instanceId, string? groupId)
            {
                _owner = owner;
                _bindings = bindings;
                _instanceId = instanceId;
                _groupId = groupId;
            }

            public override long? ApiTotal => null;

            public override async Task<IReadOnlyList<ApigDomain>?> NextAsync(CancellationToken cancellationToken)
            {
                IReadOnlyList<ApigCertificateBinding>? page = await _bindings.NextAsync(cancellationToken).ConfigureAwait(false);
                if (page is null) return null;

                var shown = new List<ApigDomain>(page.Count);
                foreach (ApigCertificateBinding binding in page)
                {
                    if (_instanceId != null && !string.Equals(binding.InstanceId, _instanceId, StringComparison.Ordinal)) continue;
                    if (_groupId != null && !string.Equals(binding.GroupId, _groupId, StringComparison.Ordinal)) continue;
                    if (string.IsNullOrEmpty(binding.InstanceId) || string.IsNullOrEmpty(binding.GroupId)) continue;
                    GroupInfo group = await _owner.Groups.GetAsync(binding.InstanceId, binding.GroupId, cancellationToken).ConfigureAwait(false);
                    UrlDomainInfo? listed = group.DomainWithId(binding.DomainId);
                    if (listed is null)
                    {
                        // Removed between the two reads: what the group says now wins.
                        _owner.Log?.Verbose("Group '" + binding.GroupId + "' no longer lists domain '" + binding.DomainName + "'; left out.");
                        continue;
                    }

                    ApigDomain domain = ApigMapper.ToDomain(listed, group, binding.InstanceId, _owner.ProjectId);
                    // The group listing has no redirect flag; the attached-domain entry does, and Set-ApigDomain reads it from a piped domain.
                    domain.RedirectToHttps ??= binding.RedirectToHttps;
                    shown.Add(domain);
                }

                return shown;
            }
        }
    }
}
