using System;
using System.Collections.Generic;
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
            CertificateRequest request = CurrentRequest();
            string? domainName = string.IsNullOrWhiteSpace(DomainName) ? null : DomainName!.Trim();
            string projectId = Session.Context.ProjectId;
            StartWork(target, async ct =>
            {
                BoundSelection selection = await SelectAsync(domain, request, null, ct).ConfigureAwait(false);
                string shownName = domainName ?? selection.Listed?.Domain ?? domain.DomainId;
                if (selection.StaleId != null)
                {
                    Log.Verbose("Certificate " + selection.StaleId + " is no longer bound to '" + shownName + "'; showing what is bound now.");
                }

                if (selection.Certificates.Count == 0)
                {
                    Log.Verbose("Domain '" + shownName + "' has no certificate bound.");
                    return ItemResult.NothingToDo();
                }

                var certificates = new List<ApigDomainCertificate>();
                foreach (SslInfo bound in selection.Certificates)
                {
                    DomainCertificateDetails details = await Client.GetDomainCertificateAsync(domain, bound.SslId!, ct).ConfigureAwait(false);
                    ApigDomainCertificate shown = ApigMapper.ToDomainCertificate(details, domain, domainName ?? selection.Listed?.Domain, projectId, DateTime.UtcNow);
                    shown.AlgorithmType = bound.AlgorithmType;
                    certificates.Add(shown);
                }

                return ItemResult.Succeeded(certificates);
            });
        }
    }
}
