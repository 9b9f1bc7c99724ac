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
    /// <summary>A new custom domain that passed every local check. Made only by <see cref="DomainCreator.Prepare"/>.</summary>
    public sealed class PreparedDomain
    {
        internal PreparedDomain(string instanceId, string groupId, string domainName, string? minSslVersion, bool? redirectToHttps, int? httpPort, int? httpsPort)
        {
            InstanceId = instanceId;
            GroupId = groupId;
            DomainName = domainName;
            MinSslVersion = minSslVersion;
            RedirectToHttps = redirectToHttps;
            HttpPort = httpPort;
            HttpsPort = httpsPort;
        }

        public string InstanceId { get; }

        public string GroupId { get; }

        public string DomainName { get; }

        /// <summary>Null: APIG's default (TLSv1.1 by the API page; it may differ by region).</summary>
        public string? MinSslVersion { get; }

        public bool? RedirectToHttps { get; }

        /// <summary>Both or neither (one given alone was completed with the other's default).</summary>
        public int? HttpPort { get; }

        public int? HttpsPort { get; }
    }

    /// <summary>What the read before a create found: the domain to create, or the one already there with these settings.</summary>
    public sealed class NewDomainPlan
    {
        internal NewDomainPlan(PreparedDomain prepared, GroupInfo group, ApigDomain? existing, bool redirectNotChecked)
        {
            Prepared = prepared;
            Group = group;
            Existing = existing;
            RedirectNotChecked = redirectNotChecked;
        }

        public PreparedDomain Prepared { get; }

        internal GroupInfo Group { get; }

        /// <summary>The domain already in the group with the settings asked for (Changed = false); null when it is to be created.</summary>
        public ApigDomain? Existing { get; }

        /// <summary>The domain exists and -RedirectToHttps was given, but its redirect cannot be read, so it was not compared (see <see cref="RedirectWarnings.NotChecked"/>).</summary>
        public bool RedirectNotChecked { get; }

        public string GroupName => string.IsNullOrEmpty(Group.Name) ? Prepared.GroupId : Group.Name!;

        /// <summary>What -WhatIf and -Confirm show.</summary>
        public string Description
        {
            get
            {
                var settings = new List<string>
                {
                    "MinSslVersion " + (Prepared.MinSslVersion ?? "APIG's default"),
                    "RedirectToHttps " + (Prepared.RedirectToHttps ?? false),
                };
                if (Prepared.HttpPort.HasValue) settings.Add("HttpPort " + Prepared.HttpPort + ", HttpsPort " + Prepared.HttpsPort);
                return "'" + Prepared.DomainName + "' in group '" + GroupName + "' (" + Prepared.InstanceId + "/" + Prepared.GroupId + "): " +
                       string.Join(", ", settings);
            }
        }
    }

    /// <summary>
    /// New-ApigDomain's use-case: local checks (<see cref="Prepare"/>), a read of the instance's groups that finds the
    /// name already taken here or in another group (<see cref="PlanAsync"/>), then AssociateDomainV2 (<see cref="CreateAsync"/>).
    /// </summary>
    public sealed class DomainCreator
    {
        private readonly ApigClient _client;
        private readonly string _projectId;
        private readonly IApigLog? _log;
        private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<GroupInfo>>>> _instanceGroups =
            new ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<GroupInfo>>>>(StringComparer.Ordinal);

        public DomainCreator(ApigClient client, string projectId, IApigLog? log)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _projectId = projectId;
            _log = log;
        }

        /// <summary>
        /// Every check that needs no network (<see cref="ApigInputException"/>, nothing sent). A port given alone is
        /// completed with the other's default (80 or 443), since APIG takes both or neither.
        /// </summary>
        public static PreparedDomain Prepare(string? instanceId, string? groupId, string? domainName, string? minSslVersion, bool? redirectToHttps,
            int? httpPort, int? httpsPort)
        {
            string instance = ApigIds.EnsureValid(instanceId, "InstanceId");
            string group = ApigIds.EnsureValid(groupId, "GroupId");
            string name = DomainSettingsRules.EnsureValidDomainName(domainName, "DomainName");
            string? minSsl = DomainSettingsRules.NormalizeMinSslVersion(minSslVersion, "MinSslVersion");
            (int? http, int? https) = DomainSettingsRules.CompletePorts(httpPort, httpsPort,
                DomainSettingsRules.DefaultHttpPort, DomainSettingsRules.DefaultHttpsPort, "a new domain");
            return new PreparedDomain(instance, group, name, minSsl, redirectToHttps, http, https);
        }

        /// <summary>
        /// Reads the instance's groups (once per instance per command) and decides: create, or return the domain that is
        /// already there with these settings. Errors (<see cref="ApigInputException"/>, nothing sent): the group is not in
        /// the instance, the name is a domain of another group of the instance (APIG refuses it), or the name is already a
        /// domain of this group with other settings (New-ApigDomain does not change a domain: Set-ApigDomain does).
        /// </summary>
        public async Task<NewDomainPlan> PlanAsync(PreparedDomain prepared, CancellationToken cancellationToken)
        {
            if (prepared is null) throw new ArgumentNullException(nameof(prepared));
            IReadOnlyList<GroupInfo> groups = await GroupsOfAsync(prepared.InstanceId, cancellationToken).ConfigureAwait(false);
            GroupInfo group = groups.FirstOrDefault(g => string.Equals(g.Id, prepared.GroupId, StringComparison.Ordinal))
                ?? throw new ApigInputException("GroupNotFound", "GroupId",
                    "Instance '" + prepared.InstanceId + "' has no API group with id '" + prepared.GroupId + "'. List its groups with Get-ApigGroup -InstanceId " +
                    prepared.InstanceId + ", and pipe the one you mean: Get-ApigGroup -Name <name> | New-ApigDomain -DomainName " + prepared.DomainName + ".");

            GroupInfo? elsewhere = groups.FirstOrDefault(g => !ReferenceEquals(g, group) && NamedDomain(g, prepared.DomainName) != null);
            if (elsewhere != null)
            {
                throw new ApigInputException("DomainNameInUse", "DomainName",
                    "'" + prepared.DomainName + "' is already a custom domain of group '" + (elsewhere.Name ?? elsewhere.Id) + "' (" + elsewhere.Id +
                    ") of this instance, and APIG does not let two groups of one instance share a domain. Remove it there first " +
                    "(Get-ApigDomain -GroupId " + elsewhere.Id + " -DomainName " + prepared.DomainName + " | Remove-ApigDomain), or use that group.");
            }

            UrlDomainInfo? existing = NamedDomain(group, prepared.DomainName);
            if (existing is null)
            {
                return new NewDomainPlan(prepared, group, null, false);
            }

            DomainRef domain = DomainRef.Create(prepared.InstanceId, prepared.GroupId, existing.Id);
            var differences = new List<string>();
            if (prepared.MinSslVersion != null && !string.Equals(prepared.MinSslVersion, existing.MinSslVersion, StringComparison.OrdinalIgnoreCase))
            {
                differences.Add("MinSslVersion is " + (existing.MinSslVersion ?? "not listed") + ", not " + prepared.MinSslVersion);
            }

            if (prepared.HttpPort.HasValue && prepared.HttpPort != existing.IngressHttpPort) differences.Add("HttpPort is " + existing.IngressHttpPort + ", not " + prepared.HttpPort);
            if (prepared.HttpsPort.HasValue && prepared.HttpsPort != existing.IngressHttpsPort) differences.Add("HttpsPort is " + existing.IngressHttpsPort + ", not " + prepared.HttpsPort);

            bool? redirect = null;
            bool redirectNotChecked = false;
            if (prepared.RedirectToHttps.HasValue)
            {
                redirect = await DomainSettingsReading.ReadRedirectAsync(_client, domain, existing, _log, cancellationToken).ConfigureAwait(false);
                if (redirect.HasValue && redirect != prepared.RedirectToHttps)
                {
                    differences.Add("RedirectToHttps is " + redirect + ", not " + prepared.RedirectToHttps);
                }
                else if (!redirect.HasValue)
                {
                    redirectNotChecked = true;
                }
            }

            if (differences.Count > 0)
            {
                throw new ApigInputException("DomainExists", "DomainName",
                    "'" + prepared.DomainName + "' is already a custom domain of group '" + (group.Name ?? group.Id) + "' (domain id " + existing.Id +
                    ") with other settings: " + string.Join("; ", differences) + ". New-ApigDomain does not change an existing domain: " +
                    "pipe it to Set-ApigDomain, e.g. Get-ApigDomain -GroupId " + group.Id + " -DomainName " + prepared.DomainName + " | Set-ApigDomain ...");
            }

            _log?.Verbose("'" + prepared.DomainName + "' is already a domain of group '" + (group.Name ?? group.Id) + "' with the settings asked for; nothing to send.");
            ApigDomain unchanged = DomainSettingsReading.ToDomain(existing, group, prepared.InstanceId, _projectId, redirect, changed: false);
            return new NewDomainPlan(prepared, group, unchanged, redirectNotChecked);
        }

        /// <summary>AssociateDomainV2; returns the new domain as APIG answered it (Changed = true). A plan whose domain exists sends nothing.</summary>
        public async Task<ApigDomain> CreateAsync(NewDomainPlan plan, CancellationToken cancellationToken)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            if (plan.Existing != null) return plan.Existing;

            PreparedDomain prepared = plan.Prepared;
            UrlDomainInfo created = await _client.AssociateDomainAsync(prepared.InstanceId, prepared.GroupId, prepared.DomainName, prepared.MinSslVersion,
                cancellationToken, prepared.RedirectToHttps, prepared.HttpPort, prepared.HttpsPort).ConfigureAwait(false);
            _log?.Verbose("Added '" + prepared.DomainName + "' to group '" + plan.GroupName + "' (domain id " + created.Id + ").");
            // An answer lost and then confirmed from the listing carries no redirect: the value sent is what APIG took.
            return DomainSettingsReading.ToDomain(created, plan.Group, prepared.InstanceId, _projectId, prepared.RedirectToHttps ?? false, changed: true);
        }

        // Listed once per instance per command, and not again after a create: every input of a batch is read before or
        // while the earlier ones are created, so a re-list would cost a listing per domain and still not reliably see
        // them. A name given twice in one command gets APIG's own answer the second time (APIG.2050).
        private Task<IReadOnlyList<GroupInfo>> GroupsOfAsync(string instanceId, CancellationToken cancellationToken)
        {
            Lazy<Task<IReadOnlyList<GroupInfo>>> entry = _instanceGroups.GetOrAdd(instanceId,
                id => new Lazy<Task<IReadOnlyList<GroupInfo>>>(() => ListGroupsAsync(id, cancellationToken)));
            return entry.Value;
        }

        private async Task<IReadOnlyList<GroupInfo>> ListGroupsAsync(string instanceId, CancellationToken cancellationToken)
        {
            var all = new List<GroupInfo>();
            var cursor = new PageCursor<GroupInfo>((offset, limit, ct) => _client.ListGroupsAsync(instanceId, offset, limit, null, ct));
            while (await cursor.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                all.AddRange(page.Where(g => !string.IsNullOrEmpty(g.Id)));
            }

            return all;
        }

        private static UrlDomainInfo? NamedDomain(GroupInfo group, string name) =>
            group.UrlDomains.FirstOrDefault(d => string.Equals(d.Domain, name, StringComparison.OrdinalIgnoreCase));
    }
}
