using System;
using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a custom domain's minimum TLS version, HTTP-to-HTTPS redirect, client-certificate verification or ingress ports; only what is given.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ApigDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.SetApigDomain)]
    [OutputType(typeof(ApigDomain))]
    public sealed class SetApigDomainCommand : DomainBatchCmdlet
    {
        private readonly DomainsToWarnAbout _redirectMayBeReset = new DomainsToWarnAbout();

        [Parameter]
        [ValidateSet("TLSv1.1", "TLSv1.2", IgnoreCase = true)]
        public string? MinSslVersion { get; set; }

        [Parameter]
        public bool RedirectToHttps { get; set; }

        [Parameter]
        public bool VerifyClientCertificate { get; set; }

        [Parameter]
        public int HttpPort { get; set; }

        [Parameter]
        public int HttpsPort { get; set; }

        /// <summary>
        /// The piped object itself: an ApigDomain from New- or Set-ApigDomain carries the redirect flag that the group
        /// listing lacks. Typed as object so any other object still binds by property name only.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        private protected override string SuccessWord => "changed";

        private protected override string ProgressActivity => "Changing custom domain settings";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            RequestedDomainSettings requested = RequestedDomainSettings.Create(
                MinSslVersion,
                Given(nameof(RedirectToHttps)) ? RedirectToHttps : (bool?)null,
                Given(nameof(VerifyClientCertificate)) ? VerifyClientCertificate : (bool?)null,
                Given(nameof(HttpPort)) ? HttpPort : (int?)null,
                Given(nameof(HttpsPort)) ? HttpsPort : (int?)null);
            bool? pipedRedirect = PipedRedirect(domain);
            GroupLookup groups = Groups;
            DomainSettingsUpdater updater = Connection.Get(c => new DomainSettingsUpdater(c.Client, groups, c.ProjectId, c.Log));
            StartChange(target, async ct => await updater.PlanAsync(domain, requested, pipedRedirect, ct).ConfigureAwait(false), plan => Decide(updater, plan));
        }

        private bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_redirectMayBeReset.Any)
            {
                WriteWarning(RedirectWarnings.OffAfterUpdate(_redirectMayBeReset.Names));
            }
        }

        // Only an ApigDomain for this very domain counts, and only where it knows the flag (a listing does not).
        private bool? PipedRedirect(DomainRef domain) =>
            (InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject) is ApigDomain piped
            && string.Equals(piped.InstanceId, domain.InstanceId, StringComparison.Ordinal)
            && string.Equals(piped.GroupId, domain.GroupId, StringComparison.Ordinal)
            && string.Equals(piped.DomainId, domain.DomainId, StringComparison.Ordinal)
                ? piped.RedirectToHttps
                : null;

        private ItemStep Decide(DomainSettingsUpdater updater, DomainSettingsPlan plan)
        {
            if (plan.NothingToChange)
            {
                if (IsWhatIf)
                {
                    ShouldProcess("Already current: '" + plan.DomainName + "' (" + plan.Domain + ") has the settings asked for; nothing would be sent.", string.Empty, string.Empty);
                    return ItemStep.Done(ItemResult.Unchanged());
                }

                return ItemStep.Done(ItemResult.Unchanged(DomainSettingsOutput.Shown(plan.Current)));
            }

            if (!ShouldProcess("Would change " + plan.Description + ".", "Change " + plan.Description + "?", "Set-ApigDomain"))
            {
                return ItemStep.Done(NotConfirmed());
            }

            return ItemStep.Send(async ct =>
            {
                DomainSettingsResult result = await updater.ApplyAsync(plan, ct).ConfigureAwait(false);
                if (result.RedirectMayHaveBeenReset)
                {
                    _redirectMayBeReset.Add(plan.DomainName);
                }

                return ItemResult.Succeeded(DomainSettingsOutput.Shown(result.Domain));
            });
        }
    }
}
