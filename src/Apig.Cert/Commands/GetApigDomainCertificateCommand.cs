using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the certificates bound to a custom domain: names, algorithm, issuer, validity and days remaining.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigDomainCertificate", HelpUri = HelpLinks.GetApigDomainCertificate)]
    [OutputType(typeof(ApigDomainCertificate))]
    public sealed class GetApigDomainCertificateCommand : DomainCertificateCmdlet
    {
        private protected override string SuccessWord => "shown";

        private protected override string NothingToDoWord => "without a certificate";

        private protected override string ProgressActivity => "Reading domain certificates";

        private protected override void ProcessDomain(DomainRef domain, string target)
        {
            CertificateChoice choice = CurrentChoice();
            string? domainName = DomainName;
            DomainCertificates bound = BoundCertificates;
            StartWork(target, async ct =>
            {
                BoundCertificateList found = await bound.GetAsync(domain, domainName, choice, ct).ConfigureAwait(false);
                if (found.NothingBound)
                {
                    return ItemResult.NothingToDo();
                }

                return ItemResult.Succeeded(found.Certificates);
            });
        }
    }
}
