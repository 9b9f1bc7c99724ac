using System;
using System.Management.Automation;
using Apig.Cert.Completers;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the dedicated APIG gateway instances of the connected project.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigInstance", SupportsPaging = true, HelpUri = HelpLinks.GetApigInstance)]
    [OutputType(typeof(ApigInstance))]
    public sealed class GetApigInstanceCommand : ApigListingCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string? Name { get; set; }

        private protected override void ProcessListing(CommandConnection connection)
        {
            try
            {
                WritePages(Listing(connection).Instances(InstanceId, NameMatcher(Name)));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, InstanceId ?? Name);
            }
        }
    }
}
