using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Unbinds a certificate from a custom domain.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "ApigDomainCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ApigDomain))]
    public sealed class RemoveApigDomainCertificateCommand : DomainCertificateCmdlet
    {
        private int _withoutCertificate;

        /// <summary>Unbind without asking for confirmation (for runbooks and pipelines).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Return the domain as it is after the unbind.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private protected override string SuccessWord => "unbound";

        private protected override string ProgressActivity => "Unbinding domain certificates";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            string? certificateId = ValidatedCertificateId();
            if (certificateId is null)
            {
                // The bound certificate must be known before asking for confirmation, so this lookup is not concurrent.
                var (resolvedId, resolvedName) = Await(ResolveCertificateAsync(domain, null, DomainName, StopToken));
                if (resolvedId is null)
                {
                    WriteVerbose("Domain '" + (resolvedName ?? domain.DomainId) + "' has no certificate bound; nothing to remove.");
                    _withoutCertificate++;
                    if (PassThru && Await(CurrentDomainAsync(domain, StopToken)) is { } unchanged)
                    {
                        WriteObject(unchanged);
                    }

                    return;
                }

                certificateId = resolvedId;
                target = resolvedName ?? target;
            }

            if (!ShouldUnbind(target + " (" + domain + ")", "Unbind certificate " + certificateId))
            {
                Skipped++;
                return;
            }

            string id = certificateId;
            StartWork(target, async ct =>
            {
                await Client.UnbindCertificateAsync(domain, id, ct).ConfigureAwait(false);
                Log.Verbose("Unbound certificate " + id + " from " + target + ".");
                return PassThru ? await CurrentDomainAsync(domain, ct).ConfigureAwait(false) : NoOutput;
            });
        }

        private protected override string SummaryDetail() =>
            _withoutCertificate > 0 ? "; " + _withoutCertificate + " without a certificate" : string.Empty;

        private async Task<object?> CurrentDomainAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            // Read the group fresh: the cached copy predates the unbind.
            GroupInfo group = await Client.GetGroupAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo? current = group.UrlDomains.FirstOrDefault(d => d.Id == domain.DomainId);
            return current is null ? null : ApigMapper.ToDomain(current, group, domain.InstanceId, Session.Context.ProjectId);
        }

        // -Force skips the High-impact prompt (runbooks cannot answer it), but -WhatIf and an explicit -Confirm still win.
        private bool ShouldUnbind(string target, string action)
        {
            bool whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && ((SwitchParameter)w).IsPresent;
            bool confirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out object? c) && ((SwitchParameter)c).IsPresent;
            if (Force && !whatIf && !confirm)
            {
                return true;
            }

            return ShouldProcess(target, action);
        }
    }
}
