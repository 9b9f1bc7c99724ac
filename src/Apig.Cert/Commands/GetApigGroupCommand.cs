using System;
using System.Management.Automation;
using Apig.Cert.Completers;

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

        private protected override void ProcessListing(CommandConnection connection)
        {
            try
            {
                WritePages(Listing(connection).Groups(InstanceId, GroupId, ExactName(Name), NameMatcher(Name)));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, GroupId ?? InstanceId ?? Name);
            }
        }
    }
}
