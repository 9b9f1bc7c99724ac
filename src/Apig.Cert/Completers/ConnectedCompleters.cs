using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Completers
{
    /// <summary>
    /// Completion from the connected account. Tab must never hang or throw: every lookup has a short deadline and
    /// any failure simply yields no suggestions.
    /// </summary>
    public abstract class ConnectedCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(3);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            ApigSession? session = SessionRegistry.Current;
            if (session is null)
            {
                return Array.Empty<CompletionResult>();
            }

            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            try
            {
                using (var deadline = new CancellationTokenSource(s_deadline))
                {
                    Task<List<KeyValuePair<string, string>>> lookup = Task.Run(
                        () => SuggestAsync(session.CreateClient(null), fakeBoundParameters, deadline.Token), deadline.Token);
                    if (!lookup.Wait(s_deadline))
                    {
                        deadline.Cancel();
                        return Array.Empty<CompletionResult>();
                    }

                    return lookup.Result
                        .Where(s => IsOfferable(s.Key) && s.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                        .GroupBy(s => s.Key, StringComparer.Ordinal)
                        .Select(g => g.First())
                        .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
                        .Select(s => new CompletionResult(Quote(s.Key), s.Key, CompletionResultType.ParameterValue, s.Value))
                        .ToList();
                }
            }
            catch (Exception)
            {
                // Completion is a convenience: a network or auth problem shows up when the command runs, not on Tab.
                return Array.Empty<CompletionResult>();
            }
        }

        /// <summary>Value to insert and its tooltip.</summary>
        private protected abstract Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigClient client, IDictionary bound, CancellationToken cancellationToken);

        private protected static string? Bound(IDictionary bound, string name) =>
            bound != null && bound.Contains(name) ? bound[name]?.ToString() : null;

        private protected static async Task<List<InstanceInfo>> InstancesAsync(ApigClient client, CancellationToken cancellationToken)
        {
            var result = new List<InstanceInfo>();
            var cursor = new PageCursor<InstanceInfo>((o, l, ct) => client.ListInstancesAsync(o, l, ct), keyOf: i => i.Id);
            while (await cursor.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                result.AddRange(page);
            }

            return result;
        }

        private protected static async Task<List<KeyValuePair<string, GroupInfo>>> GroupsAsync(ApigClient client, string? instanceId, CancellationToken cancellationToken)
        {
            var result = new List<KeyValuePair<string, GroupInfo>>();
            IEnumerable<string> instanceIds = instanceId != null
                ? new[] { instanceId }
                : (await InstancesAsync(client, cancellationToken).ConfigureAwait(false)).Select(i => i.Id ?? string.Empty).Where(id => id.Length > 0);
            foreach (string id in instanceIds)
            {
                var cursor = new PageCursor<GroupInfo>((o, l, ct) => client.ListGroupsAsync(id, o, l, null, ct), keyOf: g => g.Id);
                while (await cursor.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
                {
                    result.AddRange(page.Select(g => new KeyValuePair<string, GroupInfo>(id, g)));
                }
            }

            return result;
        }

        private static readonly Regex s_plainName = new Regex("^[A-Za-z0-9_][A-Za-z0-9_.\\-]*$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Names come from the server, so anything beyond letters, digits, '_', '.' and '-' is single-quoted (with
        /// PowerShell's own escaping, which also covers the typographic quotes it treats as quotes): inserted bare, a
        /// name like "a;b", "$(x)" or "-Force" would be parsed as code or a parameter.
        /// </summary>
        internal static string Quote(string value) =>
            s_plainName.IsMatch(value) ? value : "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";

        /// <summary>A name with a control character cannot be typed or shown safely; it is not offered at all.</summary>
        private static bool IsOfferable(string value) => value.Length > 0 && !value.Any(char.IsControl);
    }

    public sealed class InstanceIdCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigClient client, IDictionary bound, CancellationToken cancellationToken) =>
            (await InstancesAsync(client, cancellationToken).ConfigureAwait(false))
                .Where(i => !string.IsNullOrEmpty(i.Id))
                .Select(i => new KeyValuePair<string, string>(i.Id!, (i.InstanceName ?? i.Id!) + " (" + i.Status + ")"))
                .ToList();
    }

    public sealed class GroupIdCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigClient client, IDictionary bound, CancellationToken cancellationToken) =>
            (await GroupsAsync(client, Bound(bound, "InstanceId"), cancellationToken).ConfigureAwait(false))
                .Where(g => !string.IsNullOrEmpty(g.Value.Id))
                .Select(g => new KeyValuePair<string, string>(g.Value.Id!, g.Value.Name ?? g.Value.Id!))
                .ToList();
    }

    public sealed class DomainNameCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigClient client, IDictionary bound, CancellationToken cancellationToken)
        {
            string? groupId = Bound(bound, "GroupId");
            return (await GroupsAsync(client, Bound(bound, "InstanceId"), cancellationToken).ConfigureAwait(false))
                .Where(g => groupId is null || g.Value.Id == groupId)
                .SelectMany(g => g.Value.UrlDomains.Select(d => new KeyValuePair<string, string>(d.Domain ?? string.Empty, d.Domain + " (group " + g.Value.Name + ")")))
                .Where(s => s.Key.Length > 0)
                .ToList();
        }
    }
}
