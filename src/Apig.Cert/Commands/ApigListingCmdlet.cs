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
    /// page per request, so objects stream out while later pages are still to come.
    /// </summary>
    public abstract class ApigListingCmdlet : ApigCmdlet
    {
        private protected IEnumerable<InstanceInfo> EnumerateInstances(ApigClient client)
        {
            var cursor = new PageCursor<InstanceInfo>((offset, limit, ct) => client.ListInstancesAsync(offset, limit, ct));
            while (Await(cursor.NextAsync(StopToken)) is { } page)
            {
                foreach (InstanceInfo instance in page)
                {
                    yield return instance;
                }
            }
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
        private protected IEnumerable<GroupInfo> EnumerateGroups(ApigClient client, string instanceId, string? groupId, string? namePattern)
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
            var cursor = new PageCursor<GroupInfo>((offset, limit, ct) => client.ListGroupsAsync(instanceId, offset, limit, serverName, ct));
            while (Await(cursor.NextAsync(StopToken)) is { } page)
            {
                foreach (GroupInfo group in page)
                {
                    if (pattern is null || pattern.IsMatch(group.Name ?? string.Empty))
                    {
                        yield return group;
                    }
                }
            }
        }

        private protected static ApigInputException InputError(string errorId, string inputName, string message) =>
            new ApigInputException(errorId, inputName, message);
    }
}
