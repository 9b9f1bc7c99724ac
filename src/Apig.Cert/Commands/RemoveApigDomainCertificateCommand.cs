using System;
using System.Linq;
using System.Management.Automation;
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
        private ApigSession? _session;
        private ApigClient? _client;
        private GroupLookup? _groups;

        /// <summary>Unbind without asking for confirmation (for runbooks and pipelines).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Return the domain as it is after the unbind.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _session = RequireSession();
            _client = _session.CreateClient(Log);
            _groups = new GroupLookup(_client);
        }

        protected override void ProcessRecord()
        {
            try
            {
                ApigIds.EnsureValid(InstanceId, nameof(InstanceId));
                ApigIds.EnsureValid(GroupId, nameof(GroupId));
                ApigIds.EnsureValid(DomainId, nameof(DomainId));
                var domain = new DomainRef(InstanceId, GroupId, DomainId);
                string? domainName = DomainName;
                string? certificateId = CertificateId;
                if (string.IsNullOrEmpty(certificateId))
                {
                    UrlDomainInfo listed = Await(_groups!.FindDomainAsync(domain, StopToken));
                    domainName ??= listed.Domain;
                    certificateId = listed.SslId;
                    if (string.IsNullOrEmpty(certificateId))
                    {
                        WriteVerbose("Domain '" + (domainName ?? DomainId) + "' has no certificate bound; nothing to remove.");
                        WritePassThru(domain);
                        return;
                    }
                }
                else
                {
                    ApigIds.EnsureValid(certificateId, nameof(CertificateId));
                }

                string target = (domainName ?? "domain") + " (" + domain + ")";
                if (!ShouldUnbind(target, "Unbind certificate " + certificateId))
                {
                    return;
                }

                Await(_client!.UnbindCertificateAsync(domain, certificateId!, StopToken));
                _groups!.Invalidate(domain.InstanceId, domain.GroupId);
                WriteVerbose("Unbound certificate " + certificateId + " from " + target + ".");
                WritePassThru(domain);
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, Target);
            }
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

        private void WritePassThru(DomainRef domain)
        {
            if (!PassThru)
            {
                return;
            }

            GroupInfo group = Await(_groups!.GetAsync(domain.InstanceId, domain.GroupId, StopToken));
            UrlDomainInfo? current = group.UrlDomains.FirstOrDefault(d => d.Id == domain.DomainId);
            if (current != null)
            {
                WriteObject(ApigMapper.ToDomain(current, group, domain.InstanceId, _session!.Context.ProjectId));
            }
        }
    }
}
