using System;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
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
            // Domains come inside group answers: the API gives no domain total, so any total is counted here.
            TotalNotFromApi();
            ApigSession session = RequireSession();
            ApigClient client = session.CreateClient(Log);
            string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
            WildcardPattern[] patterns = names.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            try
            {
                foreach (string instanceId in InstanceIdsFor(client, InstanceId, GroupId))
                {
                    foreach (GroupInfo group in EnumerateGroups(client, instanceId, GroupId, null))
                    {
                        foreach (ApigDomain domain in ApigMapper.ToDomains(group, instanceId, session.Context.ProjectId))
                        {
                            if (patterns.Length > 0 && !patterns.Any(p => p.IsMatch(domain.DomainName)))
                            {
                                continue;
                            }

                            if (!WritePaged(domain))
                            {
                                return;
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, GroupId ?? InstanceId ?? string.Join(", ", names));
            }
        }
    }
}
