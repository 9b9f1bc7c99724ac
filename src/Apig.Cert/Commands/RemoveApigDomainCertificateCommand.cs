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
            string action = certificateId is null ? "Unbind the certificate bound to the domain" : "Unbind certificate " + certificateId;
            if (!ShouldUnbind(target + " (" + domain + ")", action))
            {
                Skipped++;
                return;
            }

            string? domainName = DomainName;
            StartWork(target, async ct =>
            {
                var (resolvedId, resolvedName) = await ResolveCertificateAsync(domain, certificateId, domainName, ct).ConfigureAwait(false);
                string shownName = resolvedName ?? domain.DomainId;
                if (resolvedId is null)
                {
                    Log.Verbose("Domain '" + shownName + "' has no certificate bound; nothing to remove.");
                    return new NothingBound(PassThru ? await CurrentDomainAsync(domain, ct).ConfigureAwait(false) : null);
                }

                await Client.UnbindCertificateAsync(domain, resolvedId, ct).ConfigureAwait(false);
                Log.Verbose("Unbound certificate " + resolvedId + " from " + shownName + ".");
                return PassThru ? await CurrentDomainAsync(domain, ct).ConfigureAwait(false) : NoOutput;
            });
        }

        private protected override object? Count(object? result)
        {
            if (result is NothingBound nothing)
            {
                _withoutCertificate++;
                return nothing.Domain;
            }

            Succeeded++;
            return result;
        }

        private protected override string SummaryDetail() =>
            _withoutCertificate > 0 ? "; " + _withoutCertificate + " without a certificate" : string.Empty;

        /// <summary>A domain that had no certificate: counted apart, and with -PassThru still written.</summary>
        private sealed class NothingBound
        {
            public NothingBound(ApigDomain? domain) => Domain = domain;

            public ApigDomain? Domain { get; }
        }

        private async Task<ApigDomain?> CurrentDomainAsync(DomainRef domain, CancellationToken cancellationToken)
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
