using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Engine;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Shared walking of instances and groups for the Get- cmdlets. The iterators run on the pipeline thread, one
    /// page per request, so objects stream out while later pages are still to come. Also -First/-Skip/-IncludeTotalCount
    /// for the cmdlets that declare SupportsPaging.
    /// </summary>
    public abstract class ApigListingCmdlet : ApigCmdlet
    {
        private ulong _skipped;
        private ulong _written;
        private bool _firstReached;
        private long _apiTotal;
        private bool _apiTotalKnown = true;

        private protected IEnumerable<InstanceInfo> EnumerateInstances(ApigClient client, Action<long?>? onTotal = null)
        {
            var cursor = new PageCursor<InstanceInfo>((offset, limit, ct) => client.ListInstancesAsync(offset, limit, ct), keyOf: i => i.Id);
            bool first = true;
            while (Await(cursor.NextAsync(StopToken)) is { } page)
            {
                if (first) onTotal?.Invoke(cursor.Total);
                first = false;
                foreach (InstanceInfo instance in page)
                {
                    yield return instance;
                }
            }

            if (first) onTotal?.Invoke(cursor.Total);
        }

        /// <summary>
        /// The instances to list groups of: the one given, or every instance. A group id alone is refused, because
        /// group ids are scoped to an instance.
        /// </summary>
        private protected IEnumerable<string> InstanceIdsFor(ApigClient client, string? instanceId, string? groupId)
        {
            if (groupId != null && instanceId is null)
            {
                throw InputError("InstanceIdRequired", "InstanceId", "-GroupId needs -InstanceId: group ids are scoped to an instance. Find it with Get-ApigInstance.");
            }

            return InstanceIdsOrAll(client, instanceId);
        }

        private protected IEnumerable<string> InstanceIdsOrAll(ApigClient client, string? instanceId)
        {
            if (instanceId != null)
            {
                ApigIds.EnsureValid(instanceId, "InstanceId");
                return new[] { instanceId };
            }

            return EnumerateInstances(client).Select(instance => instance.Id).Where(id => !string.IsNullOrEmpty(id)).Select(id => id!);
        }

        /// <summary>
        /// The groups of one instance: one read for an id, otherwise every page. A name without wildcards is matched
        /// exactly by the API; a wildcard pattern is matched here, case-insensitively.
        /// </summary>
        private protected IEnumerable<GroupInfo> EnumerateGroups(ApigClient client, string instanceId, string? groupId, string? namePattern,
            Action<long?>? onTotal = null)
        {
            if (groupId != null)
            {
                ApigIds.EnsureValid(groupId, "GroupId");
                yield return Await(client.GetGroupAsync(instanceId, groupId, StopToken));
                yield break;
            }

            bool hasWildcards = namePattern != null && WildcardPattern.ContainsWildcardCharacters(namePattern);
            WildcardPattern? pattern = namePattern is null ? null : new WildcardPattern(namePattern, WildcardOptions.IgnoreCase);
            string? serverName = namePattern != null && !hasWildcards ? namePattern : null;
            var cursor = new PageCursor<GroupInfo>((offset, limit, ct) => client.ListGroupsAsync(instanceId, offset, limit, serverName, ct), keyOf: g => g.Id);
            bool first = true;
            while (Await(cursor.NextAsync(StopToken)) is { } page)
            {
                if (first) onTotal?.Invoke(cursor.Total);
                first = false;
                foreach (GroupInfo group in page)
                {
                    if (pattern is null || pattern.IsMatch(group.Name ?? string.Empty))
                    {
                        yield return group;
                    }
                }
            }

            if (first) onTotal?.Invoke(cursor.Total);
        }

        /// <summary>
        /// Writes <paramref name="item"/> unless -Skip still swallows it. Returns false once -First is reached, so the
        /// caller stops listing instead of reading pages nobody will see.
        /// </summary>
        private protected bool WritePaged(object item)
        {
            PagingParameters? paging = PagingParameters;
            if (paging is null)
            {
                WriteObject(item);
                return true;
            }

            if (_firstReached)
            {
                return false;
            }

            if (_skipped < paging.Skip)
            {
                _skipped++;
                return true;
            }

            if (_written >= paging.First)
            {
                _firstReached = true;
                return false;
            }

            _written++;
            WriteObject(item);
            return true;
        }

        /// <summary>
        /// Adds a "total" from a list answer. Call it for every listing the output comes from, or call
        /// <see cref="TotalNotFromApi"/> when the output is filtered here and the API's total would not count it.
        /// </summary>
        private protected void AddApiTotal(long? total)
        {
            if (total is long value) _apiTotal += value;
            else _apiTotalKnown = false;
        }

        private protected void TotalNotFromApi() => _apiTotalKnown = false;

        protected override void EndProcessing()
        {
            PagingParameters? paging = PagingParameters;
            if (paging is null || !paging.IncludeTotalCount)
            {
                return;
            }

            if (_apiTotalKnown && _apiTotal > 0)
            {
                WriteObject(paging.NewTotalCount((ulong)_apiTotal, 1.0));
                return;
            }

            // Counted here: exact when the listing ran to its end; once -First stopped it, only a lower bound.
            WriteObject(paging.NewTotalCount(_skipped + _written, _firstReached ? 0.0 : 1.0));
        }

        private protected static ApigInputException InputError(string errorId, string inputName, string message) =>
            new ApigInputException(errorId, inputName, message);
    }
}
