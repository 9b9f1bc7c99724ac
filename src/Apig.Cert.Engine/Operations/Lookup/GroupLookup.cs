using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// Reads each API group at most once per command invocation: 500 piped domains of five groups cost five group
    /// reads, not 500.
    /// </summary>
    public sealed class GroupLookup
    {
        private readonly ApigClient _client;
        private readonly ConcurrentDictionary<string, Lazy<Task<GroupInfo>>> _groups =
            new ConcurrentDictionary<string, Lazy<Task<GroupInfo>>>(StringComparer.Ordinal);

        private Lazy<Task<IReadOnlyList<ListedDomain>>>? _everyDomain;

        public GroupLookup(ApigClient client)
        {
            _client = client;
        }

        internal Task<GroupInfo> GetAsync(string instanceId, string groupId, CancellationToken cancellationToken)
        {
            Lazy<Task<GroupInfo>> entry = _groups.GetOrAdd(
                instanceId + "/" + groupId,
                _ => new Lazy<Task<GroupInfo>>(() => _client.GetGroupAsync(instanceId, groupId, cancellationToken)));
            return entry.Value;
        }

        /// <summary>Forgets a group after a change, so a following read sees the new state.</summary>
        public void Invalidate(string instanceId, string groupId) => _groups.TryRemove(instanceId + "/" + groupId, out _);

        /// <summary>The domain as its group lists it, or null when the group has no such domain.</summary>
        internal async Task<UrlDomainInfo?> TryFindDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            GroupInfo group = await GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            return group.DomainWithId(domain.DomainId);
        }

        /// <summary>
        /// The certificates bound to the domain: every entry of ssl_infos (an RSA and an ECC one can be bound together;
        /// ssl_id shows only the RSA one), or ssl_id where a service sends no ssl_infos.
        /// </summary>
        internal static IReadOnlyList<SslInfo> BoundCertificates(UrlDomainInfo listed)
        {
            var bound = listed.SslInfos.Where(ssl => !string.IsNullOrEmpty(ssl.SslId)).ToList();
            if (bound.Count == 0 && !string.IsNullOrEmpty(listed.SslId))
            {
                bound.Add(new SslInfo { SslId = listed.SslId, SslName = listed.SslName });
            }

            return bound;
        }

        /// <summary>
        /// The domain with this name: every instance and group is listed once per command (and the groups cached for
        /// later lookups). <see cref="ApigInputException"/> when no domain or several domains have the name.
        /// </summary>
        public async Task<ListedDomain> FindByNameAsync(string domainName, string? instanceId, string? groupId, CancellationToken cancellationToken)
        {
            IReadOnlyList<ListedDomain> all = await EveryDomainAsync(cancellationToken).ConfigureAwait(false);
            string wanted = domainName.Trim();
            var matches = all
                .Where(d => string.Equals(d.Domain.Domain, wanted, StringComparison.OrdinalIgnoreCase))
                .Where(d => string.IsNullOrEmpty(instanceId) || string.Equals(d.InstanceId, instanceId, StringComparison.Ordinal))
                .Where(d => string.IsNullOrEmpty(groupId) || string.Equals(d.Group.Id, groupId, StringComparison.Ordinal))
                .ToList();
            if (matches.Count == 1)
            {
                return matches[0];
            }

            if (matches.Count == 0)
            {
                throw new ApigInputException(
                    "DomainNotFound",
                    "DomainName",
                    "No API group has a custom domain named '" + wanted + "'" + (string.IsNullOrEmpty(groupId) ? string.Empty : " in group '" + groupId + "'") +
                    ". List the domains with Get-ApigDomain, or check the name's spelling.");
            }

            throw new ApigInputException(
                "DomainNameAmbiguous",
                "DomainName",
                "'" + wanted + "' is a custom domain of " + matches.Count + " groups: " +
                string.Join("; ", matches.Select(d => "instance " + d.InstanceId + ", group " + d.Group.Id + " (" + d.Group.Name + "), domain " + d.Domain.Id)) +
                ". Give -InstanceId and -GroupId too, or pipe the one you mean from Get-ApigDomain -DomainName " + wanted + ".");
        }

        /// <summary>Every custom domain of every group of every instance, listed once per command (the groups cached for later lookups).</summary>
        internal Task<IReadOnlyList<ListedDomain>> EveryDomainAsync(CancellationToken cancellationToken)
        {
            var everyDomain = _everyDomain;
            if (everyDomain is null)
            {
                var fresh = new Lazy<Task<IReadOnlyList<ListedDomain>>>(() => ListEveryDomainAsync(cancellationToken));
                everyDomain = Interlocked.CompareExchange(ref _everyDomain, fresh, null) ?? fresh;
            }

            return everyDomain.Value;
        }

        private async Task<IReadOnlyList<ListedDomain>> ListEveryDomainAsync(CancellationToken cancellationToken)
        {
            var found = new List<ListedDomain>();
            var instances = new PageCursor<InstanceInfo>((offset, limit, ct) => _client.ListInstancesAsync(offset, limit, ct));
            while (await instances.NextAsync(cancellationToken).ConfigureAwait(false) is { } instancePage)
            {
                foreach (InstanceInfo instance in instancePage.Where(i => !string.IsNullOrEmpty(i.Id)))
                {
                    string instanceId = instance.Id!;
                    var groups = new PageCursor<GroupInfo>((offset, limit, ct) => _client.ListGroupsAsync(instanceId, offset, limit, null, ct));
                    while (await groups.NextAsync(cancellationToken).ConfigureAwait(false) is { } groupPage)
                    {
                        foreach (GroupInfo group in groupPage.Where(g => !string.IsNullOrEmpty(g.Id)))
                        {
                            _groups.TryAdd(instanceId + "/" + group.Id, new Lazy<Task<GroupInfo>>(() => Task.FromResult(group)));
                            found.AddRange(group.UrlDomains.Select(domain => new ListedDomain(instanceId, group, domain)));
                        }
                    }
                }
            }

            return found;
        }

        /// <summary>The domain as its group lists it; <see cref="ApigInputException"/> "DomainNotFound" when the group has no such domain.</summary>
        internal async Task<UrlDomainInfo> FindDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            UrlDomainInfo? found = await TryFindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw new ApigInputException(
                    "DomainNotFound",
                    "DomainId",
                    "Group '" + domain.GroupId + "' has no custom domain with id '" + domain.DomainId + "'. List the group's domains with Get-ApigDomain -InstanceId " +
                    domain.InstanceId + " -GroupId " + domain.GroupId + ".");
            }

            return found;
        }
    }

    /// <summary>A custom domain with the instance and group it belongs to.</summary>
    public sealed class ListedDomain
    {
        internal ListedDomain(string instanceId, GroupInfo group, UrlDomainInfo domain)
        {
            InstanceId = instanceId;
            Group = group;
            Domain = domain;
        }

        public string InstanceId { get; }

        internal GroupInfo Group { get; }

        internal UrlDomainInfo Domain { get; }

        public DomainRef Ref => DomainRef.Create(InstanceId, Group.Id ?? string.Empty, Domain.Id ?? string.Empty);
    }
}
