using System;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists custom domains: of a group, of an instance, or of every group of every instance.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigDomain", SupportsPaging = true)]
    [OutputType(typeof(ApigDomain))]
    public sealed class GetApigDomainCommand : ApigListingCmdlet
    {
        private ulong _skipped;
        private ulong _written;
        private bool _stoppedEarly;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        public string? GroupId { get; set; }

        [Parameter(Position = 0)]
        [SupportsWildcards]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string? DomainName { get; set; }

        protected override void ProcessRecord()
        {
            ApigSession session = RequireSession();
            ApigClient client = session.CreateClient(Log);
            WildcardPattern? pattern = DomainName is null ? null : new WildcardPattern(DomainName, WildcardOptions.IgnoreCase);
            try
            {
                foreach (string instanceId in InstanceIdsFor(client, InstanceId, GroupId))
                {
                    foreach (GroupInfo group in EnumerateGroups(client, instanceId, GroupId, null))
                    {
                        foreach (ApigDomain domain in ApigMapper.ToDomains(group, instanceId, session.Context.ProjectId))
                        {
                            if (pattern != null && !pattern.IsMatch(domain.DomainName))
                            {
                                continue;
                            }

                            if (_skipped < PagingParameters.Skip)
                            {
                                _skipped++;
                                continue;
                            }

                            if (_written >= PagingParameters.First)
                            {
                                _stoppedEarly = true;
                                return;
                            }

                            _written++;
                            WriteObject(domain);
                        }
                    }
                }
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, GroupId ?? InstanceId ?? DomainName);
            }
        }

        protected override void EndProcessing()
        {
            if (PagingParameters.IncludeTotalCount)
            {
                // Once -First stopped the listing, the count is only a lower bound: say so through the accuracy.
                WriteObject(PagingParameters.NewTotalCount(_skipped + _written, _stoppedEarly ? 0.0 : 1.0));
            }
        }
    }
}
