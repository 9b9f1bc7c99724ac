using System;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists custom domains: of a group, of an instance, or of every group of every instance.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigDomain", SupportsPaging = true, DefaultParameterSetName = ListingSet, HelpUri = HelpLinks.GetApigDomain)]
    [OutputType(typeof(ApigDomain))]
    public sealed class GetApigDomainCommand : ApigListingCmdlet
    {
        private const string ListingSet = "Listing";
        private const string CertificateSet = "Certificate";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        public string? GroupId { get; set; }

        /// <summary>One or more names, each exact or with wildcards; a domain matching any of them is listed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string[]? DomainName { get; set; }

        /// <summary>
        /// Only the domains this stored certificate is bound to. Not by property name: a piped domain's or binding's own
        /// CertificateId must not turn a listing into this one.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        public string? CertificateId { get; set; }

        private protected override void ProcessListing(CommandConnection connection)
        {
            string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
            try
            {
                if (ParameterSetName == CertificateSet)
                {
                    WritePages(CertificateBindings(connection).Domains(CertificateId ?? string.Empty, InstanceId, GroupId, names.Length == 1 ? ExactName(names[0]) : null, AnyNameMatcher(names)));
                    return;
                }

                WritePages(Listing(connection).Domains(InstanceId, GroupId, AnyNameMatcher(names)));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, CertificateId ?? GroupId ?? InstanceId ?? string.Join(", ", names));
            }
        }
    }
}
