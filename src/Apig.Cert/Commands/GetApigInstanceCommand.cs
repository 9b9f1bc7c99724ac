using System;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Connection;

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

        protected override void ProcessRecord()
        {
            ApigSession session = RequireSession();
            ApigClient client = session.CreateClient(Log);
            WildcardPattern? pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            try
            {
                if (InstanceId != null)
                {
                    ApigIds.EnsureValid(InstanceId, nameof(InstanceId));
                }

                // Filtered here, so the API's total would count instances that are not shown.
                bool filtered = InstanceId != null || pattern != null;
                if (filtered) TotalNotFromApi();

                bool found = false;
                foreach (InstanceInfo info in EnumerateInstances(client, filtered ? null : AddApiTotal))
                {
                    if (InstanceId != null && !string.Equals(info.Id, InstanceId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (pattern != null && !pattern.IsMatch(info.InstanceName ?? string.Empty))
                    {
                        continue;
                    }

                    found = true;
                    if (!WritePaged(ApigMapper.ToInstance(info, session.Context.ProjectId)))
                    {
                        return;
                    }
                }

                if (!found && InstanceId != null)
                {
                    throw InputError("InstanceNotFound", nameof(InstanceId), "No APIG instance with id '" + InstanceId + "' in project " +
                        session.Context.ProjectId + ". List the instances with Get-ApigInstance.");
                }
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, InstanceId ?? Name);
            }
        }
    }
}
