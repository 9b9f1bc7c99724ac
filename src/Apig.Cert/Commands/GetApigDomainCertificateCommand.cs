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
        private int _withoutCertificate;

        private protected override string SuccessWord => "shown";

        private protected override string ProgressActivity => "Reading domain certificates";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            string? certificateId = ValidatedCertificateId();
            string? domainName = DomainName;
            string projectId = Session.Context.ProjectId;
            StartWork(target, async ct =>
            {
                var (resolvedId, resolvedName) = await ResolveCertificateAsync(domain, certificateId, domainName, ct).ConfigureAwait(false);
                if (resolvedId is null)
                {
                    Log.Verbose("Domain '" + (resolvedName ?? domain.DomainId) + "' has no certificate bound.");
                    return null;
                }

                DomainCertificateDetails details = await Client.GetDomainCertificateAsync(domain, resolvedId, ct).ConfigureAwait(false);
                return ApigMapper.ToDomainCertificate(details, domain, resolvedName, projectId, DateTime.UtcNow);
            });
        }

        private protected override object? Count(object? result)
        {
            if (result is null)
            {
                _withoutCertificate++;
            }
            else
            {
                Succeeded++;
            }

            return result;
        }

        private protected override string SummaryDetail() =>
            _withoutCertificate > 0 ? "; " + _withoutCertificate + " without a certificate" : string.Empty;
    }
}
