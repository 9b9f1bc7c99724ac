using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists API groups, of one instance or of every instance of the project.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigGroup", SupportsPaging = true, HelpUri = HelpLinks.GetApigGroup)]
    [OutputType(typeof(ApigGroup))]
    public sealed class GetApigGroupCommand : ApigListingCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        public string? GroupId { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string? Name { get; set; }

        protected override void ProcessRecord()
        {
            ApigSession session = RequireSession();
            ApigClient client = session.CreateClient(Log);
            try
            {
                // A name is also matched here (the API's own filter is looser), so its total would not count what is shown.
                bool filtered = GroupId != null || Name != null;
                if (filtered) TotalNotFromApi();

                // Instances are few; knowing them all up front tells whether -First stopped before the last one.
                List<string> instanceIds = InstanceIdsFor(client, InstanceId, GroupId).ToList();
                for (int i = 0; i < instanceIds.Count; i++)
                {
                    foreach (GroupInfo group in EnumerateGroups(client, instanceIds[i], GroupId, Name, filtered ? null : AddApiTotal))
                    {
                        if (!WritePaged(ApigMapper.ToGroup(group, instanceIds[i], session.Context.ProjectId)))
                        {
                            // Instances after this one were never listed, so their totals are unknown.
                            if (i < instanceIds.Count - 1) TotalNotFromApi();
                            return;
                        }
                    }
                }
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, GroupId ?? InstanceId ?? Name);
            }
        }
    }
}
