using System;
using System.Collections.Concurrent;
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

        public GroupLookup(ApigClient client)
        {
            _client = client;
        }

        public Task<GroupInfo> GetAsync(string instanceId, string groupId, CancellationToken cancellationToken)
        {
            Lazy<Task<GroupInfo>> entry = _groups.GetOrAdd(
                instanceId + "/" + groupId,
                _ => new Lazy<Task<GroupInfo>>(() => _client.GetGroupAsync(instanceId, groupId, cancellationToken)));
            return entry.Value;
        }

        /// <summary>Forgets a group after a change, so a following read sees the new state.</summary>
        public void Invalidate(string instanceId, string groupId) => _groups.TryRemove(instanceId + "/" + groupId, out _);

        /// <summary>The domain as its group lists it, or null when the group has no such domain.</summary>
        public async Task<UrlDomainInfo?> TryFindDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            GroupInfo group = await GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            return group.UrlDomains.FirstOrDefault(d => string.Equals(d.Id, domain.DomainId, StringComparison.Ordinal));
        }

        /// <summary>The domain as its group lists it; <see cref="ApigInputException"/> "DomainNotFound" when the group has no such domain.</summary>
        public async Task<UrlDomainInfo> FindDomainAsync(DomainRef domain, CancellationToken cancellationToken)
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
}
