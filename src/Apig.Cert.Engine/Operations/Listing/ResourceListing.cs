using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// The instance, group and domain walks that Get-ApigInstance, Get-ApigGroup, Get-ApigDomain and the tab completers
    /// share. Each walk is read one API page per <see cref="ListingPages{T}.NextAsync"/>, so a caller streams the objects
    /// of a page before the next request and stops reading pages when it has seen enough.
    /// </summary>
    /// <remarks>
    /// Name matching is the caller's: the engine knows no PowerShell wildcards, so a predicate comes in, and it sees the
    /// name as listed ("" when the API gave none).
    /// </remarks>
    public sealed class ResourceListing
    {
        private readonly ApigClient _client;
        private readonly string _projectId;

        public ResourceListing(ApigClient client, string projectId)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _projectId = projectId ?? string.Empty;
        }

        /// <summary>The client and project, for the store's listing over the same connection (tab completion).</summary>
        internal ApigClient Client => _client;

        internal string ProjectId => _projectId;

        /// <summary>
        /// The project's instances, or the one with <paramref name="instanceId"/> (found by listing: the API has no
        /// filter for it). <see cref="ApigInputException"/> "InstanceNotFound" once the walk ends when the id, or the id
        /// together with the name, matched nothing.
        /// </summary>
        public ListingPages<ApigInstance> Instances(string? instanceId, Func<string, bool>? nameMatches)
        {
            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            return new InstancePages(_client, _projectId, instanceId, nameMatches);
        }

        /// <summary>
        /// The groups of one instance, or of every instance: one read for a group id, otherwise every page.
        /// <paramref name="serverName"/> is sent as the API's own name filter (a looser, substring match), so give it only
        /// for a name without wildcards; <paramref name="nameMatches"/> decides what is listed.
        /// </summary>
        public ListingPages<ApigGroup> Groups(string? instanceId, string? groupId, string? serverName, Func<string, bool>? nameMatches)
        {
            ValidateScope(instanceId, groupId);
            return new GroupPages(_client, _projectId, instanceId, groupId, serverName, nameMatches);
        }

        /// <summary>The custom domains of a group, of an instance's groups, or of every group of every instance.</summary>
        public ListingPages<ApigDomain> Domains(string? instanceId, string? groupId, Func<string, bool>? nameMatches)
        {
            ValidateScope(instanceId, groupId);
            return new DomainPages(_client, _projectId, instanceId, groupId, nameMatches);
        }

        // A group id alone is refused: group ids are scoped to an instance. Both ids are checked before anything is sent.
        private static void ValidateScope(string? instanceId, string? groupId)
        {
            if (groupId != null && instanceId is null)
            {
                throw new ApigInputException("InstanceIdRequired", "InstanceId",
                    "-GroupId needs -InstanceId: group ids are scoped to an instance. Find it with Get-ApigInstance.");
            }

            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            if (groupId != null) ApigIds.EnsureValid(groupId, "GroupId");
        }

        private static bool Matches(Func<string, bool>? nameMatches, string? name) => nameMatches is null || nameMatches(name ?? string.Empty);

        private static PageCursor<InstanceInfo> InstanceCursor(ApigClient client) =>
            new PageCursor<InstanceInfo>((offset, limit, ct) => client.ListInstancesAsync(offset, limit, ct), keyOf: i => i.Id);

        private static PageCursor<GroupInfo> GroupCursor(ApigClient client, string instanceId, string? serverName) =>
            new PageCursor<GroupInfo>((offset, limit, ct) => client.ListGroupsAsync(instanceId, offset, limit, serverName, ct), keyOf: g => g.Id);

        private sealed class InstancePages : ListingPages<ApigInstance>
        {
            private readonly string _projectId;
            private readonly string? _instanceId;
            private readonly Func<string, bool>? _nameMatches;
            private readonly PageCursor<InstanceInfo> _cursor;
            private bool _firstPageRead;
            private long? _firstPageTotal;
            private bool _found;

            public InstancePages(ApigClient client, string projectId, string? instanceId, Func<string, bool>? nameMatches)
            {
                _projectId = projectId;
                _instanceId = instanceId;
                _nameMatches = nameMatches;
                _cursor = InstanceCursor(client);
            }

            // Filtered here, so the API's total would count instances that are not shown.
            public override long? ApiTotal => _instanceId != null || _nameMatches != null || !_firstPageRead ? null : _firstPageTotal;

            public override async Task<IReadOnlyList<ApigInstance>?> NextAsync(CancellationToken cancellationToken)
            {
                IReadOnlyList<InstanceInfo>? page = await _cursor.NextAsync(cancellationToken).ConfigureAwait(false);
                if (!_firstPageRead)
                {
                    _firstPageRead = true;
                    _firstPageTotal = _cursor.Total;
                }

                if (page is null)
                {
                    if (_instanceId != null && !_found)
                    {
                        throw new ApigInputException("InstanceNotFound", "InstanceId", "No APIG instance with id '" + _instanceId + "' in project " +
                            _projectId + ". List the instances with Get-ApigInstance.");
                    }

                    return null;
                }

                var shown = new List<ApigInstance>(page.Count);
                foreach (InstanceInfo info in page)
                {
                    if (_instanceId != null && !string.Equals(info.Id, _instanceId, StringComparison.Ordinal)) continue;
                    if (!Matches(_nameMatches, info.InstanceName)) continue;
                    _found = true;
                    shown.Add(ApigMapper.ToInstance(info, _projectId));
                }

                return shown;
            }
        }

        /// <summary>Instance ids one at a time: the one given, ids already read, or every instance's, read a page at a time.</summary>
        private sealed class InstanceIds
        {
            private readonly PageCursor<InstanceInfo>? _cursor;
            private readonly Queue<string> _pending;

            public InstanceIds(ApigClient client, string? only)
            {
                _pending = new Queue<string>();
                if (only != null) _pending.Enqueue(only);
                else _cursor = InstanceCursor(client);
            }

            public InstanceIds(IEnumerable<string> known) => _pending = new Queue<string>(known);

            public async Task<string?> NextAsync(CancellationToken cancellationToken)
            {
                while (_pending.Count == 0)
                {
                    IReadOnlyList<InstanceInfo>? page = _cursor is null ? null : await _cursor.NextAsync(cancellationToken).ConfigureAwait(false);
                    if (page is null) return null;
                    foreach (InstanceInfo instance in page)
                    {
                        if (!string.IsNullOrEmpty(instance.Id)) _pending.Enqueue(instance.Id!);
                    }
                }

                return _pending.Dequeue();
            }

            public async Task<List<string>> ReadAllAsync(CancellationToken cancellationToken)
            {
                var ids = new List<string>();
                while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } id) ids.Add(id);
                return ids;
            }
        }

        /// <summary>
        /// Groups instance by instance, one answer per step: a group read for a group id, otherwise the next page of the
        /// instance's listing. Remembers each listing's first "total" for <see cref="TotalOfEveryListing"/>.
        /// </summary>
        private sealed class GroupWalk
        {
            private readonly ApigClient _client;
            private readonly InstanceIds _instanceIds;
            private readonly string? _groupId;
            private readonly string? _serverName;
            private readonly List<long?> _totals = new List<long?>();
            private string? _instance;
            private PageCursor<GroupInfo>? _cursor;
            private bool _exhausted;

            public GroupWalk(ApigClient client, InstanceIds instanceIds, string? groupId, string? serverName)
            {
                _client = client;
                _instanceIds = instanceIds;
                _groupId = groupId;
                _serverName = serverName;
            }

            /// <summary>The sum of every listing's total once each listing read its first page; otherwise null.</summary>
            public long? TotalOfEveryListing(int listings) =>
                _totals.Count < listings || _totals.Any(t => t is null) ? null : _totals.Sum(t => t!.Value);

            /// <summary>The next answer's groups with their instance, or null when every instance is done.</summary>
            public async Task<(string InstanceId, IReadOnlyList<GroupInfo> Groups)?> NextAsync(CancellationToken cancellationToken)
            {
                while (!_exhausted)
                {
                    if (_instance is null)
                    {
                        _instance = await _instanceIds.NextAsync(cancellationToken).ConfigureAwait(false);
                        if (_instance is null)
                        {
                            _exhausted = true;
                            break;
                        }
                    }

                    string instanceId = _instance;
                    if (_groupId != null)
                    {
                        GroupInfo group = await _client.GetGroupAsync(instanceId, _groupId, cancellationToken).ConfigureAwait(false);
                        _instance = null;
                        return (instanceId, new[] { group });
                    }

                    bool firstPage = _cursor is null;
                    _cursor ??= GroupCursor(_client, instanceId, _serverName);
                    IReadOnlyList<GroupInfo>? page = await _cursor.NextAsync(cancellationToken).ConfigureAwait(false);
                    if (firstPage) _totals.Add(_cursor.Total);
                    if (page is null)
                    {
                        _instance = null;
                        _cursor = null;
                        continue;
                    }

                    return (instanceId, page);
                }

                return null;
            }
        }

        private sealed class GroupPages : ListingPages<ApigGroup>
        {
            private readonly ApigClient _client;
            private readonly string _projectId;
            private readonly string? _instanceId;
            private readonly string? _groupId;
            private readonly string? _serverName;
            private readonly Func<string, bool>? _nameMatches;
            private GroupWalk? _walk;
            private int _instanceCount;

            public GroupPages(ApigClient client, string projectId, string? instanceId, string? groupId, string? serverName, Func<string, bool>? nameMatches)
            {
                _client = client;
                _projectId = projectId;
                _instanceId = instanceId;
                _groupId = groupId;
                _serverName = serverName;
                _nameMatches = nameMatches;
            }

            // A name is also matched here (the API's own filter is looser), so its total would not count what is shown.
            public override long? ApiTotal =>
                _groupId != null || _nameMatches != null || _walk is null ? null : _walk.TotalOfEveryListing(_instanceCount);

            public override async Task<IReadOnlyList<ApigGroup>?> NextAsync(CancellationToken cancellationToken)
            {
                if (_walk is null)
                {
                    // Instances are few; knowing them all up front tells whether a stop came before the last one's total.
                    List<string> instanceIds = await new InstanceIds(_client, _instanceId).ReadAllAsync(cancellationToken).ConfigureAwait(false);
                    _instanceCount = instanceIds.Count;
                    _walk = new GroupWalk(_client, new InstanceIds(instanceIds), _groupId, _serverName);
                }

                var answer = await _walk.NextAsync(cancellationToken).ConfigureAwait(false);
                if (answer is null) return null;

                var shown = new List<ApigGroup>(answer.Value.Groups.Count);
                foreach (GroupInfo group in answer.Value.Groups)
                {
                    if (Matches(_nameMatches, group.Name)) shown.Add(ApigMapper.ToGroup(group, answer.Value.InstanceId, _projectId));
                }

                return shown;
            }
        }

        private sealed class DomainPages : ListingPages<ApigDomain>
        {
            private readonly string _projectId;
            private readonly Func<string, bool>? _nameMatches;
            private readonly GroupWalk _groups;

            public DomainPages(ApigClient client, string projectId, string? instanceId, string? groupId, Func<string, bool>? nameMatches)
            {
                _projectId = projectId;
                _nameMatches = nameMatches;
                _groups = new GroupWalk(client, new InstanceIds(client, instanceId), groupId, null);
            }

            // Domains come inside group answers: the API gives no domain total.
            public override long? ApiTotal => null;

            public override async Task<IReadOnlyList<ApigDomain>?> NextAsync(CancellationToken cancellationToken)
            {
                var answer = await _groups.NextAsync(cancellationToken).ConfigureAwait(false);
                if (answer is null) return null;

                var shown = new List<ApigDomain>();
                foreach (GroupInfo group in answer.Value.Groups)
                {
                    foreach (UrlDomainInfo domain in group.UrlDomains)
                    {
                        if (Matches(_nameMatches, domain.Domain)) shown.Add(ApigMapper.ToDomain(domain, group, answer.Value.InstanceId, _projectId));
                    }
                }

                return shown;
            }
        }
    }

    /// <summary>One listing, read a page (one API answer) at a time.</summary>
    public abstract class ListingPages<T>
    {
        private protected ListingPages()
        {
        }

        /// <summary>
        /// The API's "total" of everything this listing would return, or null when it is unknown: the output is filtered
        /// here, a listing gave no total, or a listing it comes from was not read yet.
        /// </summary>
        public abstract long? ApiTotal { get; }

        /// <summary>The objects of the next API answer (possibly none once filtered), or null when the listing is done.</summary>
        public abstract Task<IReadOnlyList<T>?> NextAsync(CancellationToken cancellationToken);

        /// <summary>Every page, for callers that need the whole list (tab completion).</summary>
        public async Task<List<T>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var all = new List<T>();
            while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                all.AddRange(page);
            }

            return all;
        }
    }
}
