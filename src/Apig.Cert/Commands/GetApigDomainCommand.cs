using System;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists custom domains: of a group, of an instance, or of every group of every instance.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigDomain", SupportsPaging = true, HelpUri = HelpLinks.GetApigDomain)]
    [OutputType(typeof(ApigDomain))]
    public sealed class GetApigDomainCommand : ApigListingCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        public string? GroupId { get; set; }

        /// <summary>One or more names, each exact or with wildcards; a domain matching any of them is listed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string[]? DomainName { get; set; }

        protected override void ProcessRecord()
        {
            ApigSession session = RequireSession();
            string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
            try
            {
                WritePages(Listing(session).Domains(InstanceId, GroupId, AnyNameMatcher(names)));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, GroupId ?? InstanceId ?? string.Join(", ", names));
            }
        }

        private static Func<string, bool>? AnyNameMatcher(string[] names)
        {
            if (names.Length == 0) return null;
            WildcardPattern[] patterns = names.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            return name => patterns.Any(p => p.IsMatch(name));
        }
    }
}
