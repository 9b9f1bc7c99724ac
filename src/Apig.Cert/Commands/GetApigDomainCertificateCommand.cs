using System;
using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the certificate bound to a custom domain: names, issuer, validity and days remaining.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigDomainCertificate")]
    [OutputType(typeof(ApigDomainCertificate))]
    public sealed class GetApigDomainCertificateCommand : DomainCertificateCmdlet
    {
        private ApigSession? _session;
        private ApigClient? _client;
        private GroupLookup? _groups;

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
                        WriteVerbose("Domain '" + (domainName ?? DomainId) + "' has no certificate bound.");
                        return;
                    }
                }
                else
                {
                    ApigIds.EnsureValid(certificateId, nameof(CertificateId));
                }

                DomainCertificateDetails details = Await(_client!.GetDomainCertificateAsync(domain, certificateId!, StopToken));
                WriteObject(ApigMapper.ToDomainCertificate(details, domain, domainName, _session!.Context.ProjectId, DateTime.UtcNow));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, Target);
            }
        }
    }
}
