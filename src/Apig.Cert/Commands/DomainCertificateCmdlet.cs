using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Commands
{
    /// <summary>The cmdlets that act on a certificate already bound to a domain (Get-, Remove-).</summary>
    public abstract class DomainCertificateCmdlet : DomainBatchCmdlet
    {
        /// <summary>Defaults to the certificate bound to the domain.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? CertificateId { get; set; }

        /// <summary>
        /// The certificate to act on: the one given, or the one the domain's group lists as bound (null when none).
        /// Also completes the domain's name from the listing when the input did not carry it.
        /// </summary>
        private protected async Task<(string? CertificateId, string? DomainName)> ResolveCertificateAsync(
            DomainRef domain, string? certificateId, string? domainName, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(certificateId))
            {
                return (certificateId, domainName);
            }

            UrlDomainInfo listed = await Groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            return (string.IsNullOrEmpty(listed.SslId) ? null : listed.SslId, domainName ?? listed.Domain);
        }

        /// <summary>Validates an explicit -CertificateId on the pipeline thread, before any work starts.</summary>
        private protected string? ValidatedCertificateId()
        {
            if (string.IsNullOrEmpty(CertificateId))
            {
                return null;
            }

            ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            return CertificateId;
        }
    }
}
