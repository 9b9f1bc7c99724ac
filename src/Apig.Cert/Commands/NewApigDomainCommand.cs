using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds a custom domain to an API group, with its minimum TLS version, HTTP-to-HTTPS redirect and ingress ports.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "ApigDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.NewApigDomain)]
    [OutputType(typeof(ApigDomain))]
    public sealed class NewApigDomainCommand : BatchCmdlet
    {
        private readonly DomainsToWarnAbout _redirectNotChecked = new DomainsToWarnAbout();

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        /// <summary>The new domain's name: api.example.com, or a wildcard *.example.com.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        [AllowEmptyString]
        public string DomainName { get; set; } = string.Empty;

        [Parameter]
        [ValidateSet("TLSv1.1", "TLSv1.2", IgnoreCase = true)]
        public string? MinSslVersion { get; set; }

        [Parameter]
        public SwitchParameter RedirectToHttps { get; set; }

        [Parameter]
        public int HttpPort { get; set; }

        [Parameter]
        public int HttpsPort { get; set; }

        private protected override string SuccessWord => "added";

        private protected override string WouldChangeWord => "would be added";

        private protected override string ProgressActivity => "Adding custom domains";

        protected override void ProcessRecord()
        {
            ProcessInput(() => DomainName, () =>
            {
                PreparedDomain prepared = DomainCreator.Prepare(InstanceId, GroupId, DomainName, MinSslVersion,
                    Given(nameof(RedirectToHttps)) ? RedirectToHttps.IsPresent : (bool?)null,
                    Given(nameof(HttpPort)) ? HttpPort : (int?)null,
                    Given(nameof(HttpsPort)) ? HttpsPort : (int?)null);
                DomainCreator creator = Connection.Get(c => new DomainCreator(c.Client, c.ProjectId, c.Log));
                StartChange(prepared.DomainName, async ct => await creator.PlanAsync(prepared, ct).ConfigureAwait(false), plan => Decide(creator, plan));
            });
        }

        private bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_redirectNotChecked.Any)
            {
                WriteWarning(RedirectWarnings.NotChecked(_redirectNotChecked.Names, RedirectToHttps.IsPresent));
            }
        }

        private ItemStep Decide(DomainCreator creator, NewDomainPlan plan)
        {
            if (plan.Existing != null)
            {
                if (plan.RedirectNotChecked)
                {
                    _redirectNotChecked.Add(plan.Prepared.DomainName);
                }

                if (IsWhatIf)
                {
                    ShouldProcess("Already there: " + plan.Description + "; nothing would be sent.", string.Empty, string.Empty);
                    return ItemStep.Done(ItemResult.Unchanged());
                }

                return ItemStep.Done(ItemResult.Unchanged(DomainSettingsOutput.Shown(plan.Existing)));
            }

            if (!ShouldProcess("Would add custom domain " + plan.Description + ".", "Add custom domain " + plan.Description + "?", "New-ApigDomain"))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct => ItemResult.Succeeded(DomainSettingsOutput.Shown(await creator.CreateAsync(plan, ct).ConfigureAwait(false))));
        }
    }
}
