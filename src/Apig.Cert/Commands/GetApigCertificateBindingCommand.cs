using System;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists where stored certificates are bound: one object per domain name, across instances and groups.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigCertificateBinding", SupportsPaging = true, HelpUri = HelpLinks.GetApigCertificateBinding)]
    [OutputType(typeof(ApigCertificateBinding))]
    public sealed class GetApigCertificateBindingCommand : ApigListingCmdlet
    {
        /// <summary>The stored certificate; by property name, so Get-ApigCertificate | Get-ApigCertificateBinding works.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        [AllowEmptyString]
        public string CertificateId { get; set; } = string.Empty;

        /// <summary>Only these domain names, each exact or with wildcards.</summary>
        [Parameter]
        [SupportsWildcards]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string[]? DomainName { get; set; }

        private protected override void ProcessListing(CommandConnection connection)
        {
            string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
            try
            {
                CertificateBindings bindings = connection.Get(CertificateBindings);
                WritePages(bindings.List(CertificateId, names.Length == 1 ? ExactName(names[0]) : null, AnyNameMatcher(names)));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, CertificateId);
            }
        }
    }
}
