using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
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
                        () => SuggestAsync(session, fakeBoundParameters, deadline.Token),
                        deadline.Token);
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

        /// <summary>Value to insert and its tooltip, from the connection (APIG's listing unless a completer reads another service).</summary>
        private protected virtual Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigSession session, IDictionary bound, CancellationToken cancellationToken) =>
            SuggestAsync(new ResourceListing(session.CreateClient(null), session.Context.ProjectId), bound, cancellationToken);

        /// <summary>Value to insert and its tooltip.</summary>
        private protected abstract Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken);

        private protected static string? Bound(IDictionary bound, string name) =>
            bound != null && bound.Contains(name) ? bound[name]?.ToString() : null;

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
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken) =>
            (await listing.Instances(null, null).ReadAllAsync(cancellationToken).ConfigureAwait(false))
                .Where(i => i.InstanceId.Length > 0)
                .Select(i => new KeyValuePair<string, string>(i.InstanceId, (i.Name ?? i.InstanceId) + " (" + i.Status + ")"))
                .ToList();
    }

    public sealed class GroupIdCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken) =>
            (await listing.Groups(Bound(bound, "InstanceId"), null, null, null).ReadAllAsync(cancellationToken).ConfigureAwait(false))
                .Where(g => g.GroupId.Length > 0)
                .Select(g => new KeyValuePair<string, string>(g.GroupId, g.Name ?? g.GroupId))
                .ToList();
    }

    public sealed class DomainNameCompleter : ConnectedCompleter
    {
        // Every group is listed and the bound group id matched here: a group id without an instance id still completes.
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken)
        {
            string? groupId = Bound(bound, "GroupId");
            return (await listing.Domains(Bound(bound, "InstanceId"), null, null).ReadAllAsync(cancellationToken).ConfigureAwait(false))
                .Where(d => groupId is null || d.GroupId == groupId)
                .Where(d => d.DomainName.Length > 0)
                .Select(d => new KeyValuePair<string, string>(d.DomainName, d.DomainName + " (group " + d.GroupName + ")"))
                .ToList();
        }
    }
}
