using System;
using System.Collections.Generic;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the certificates of APIG's certificate store: of one instance or of every instance, each certificate once.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigCertificate", SupportsPaging = true, HelpUri = HelpLinks.GetApigCertificate)]
    [OutputType(typeof(ApigCertificate))]
    public sealed class GetApigCertificateCommand : ApigListingCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        public string? InstanceId { get; set; }

        /// <summary>One certificate by id (ShowDetailsOfCertificateV2).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StoredCertificateIdCompleter))]
        public string? CertificateId { get; set; }

        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(StoredCertificateNameCompleter))]
        public string? Name { get; set; }

        [Parameter]
        [ValidateSet("Global", "Instance", IgnoreCase = true)]
        public string? Type { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string? CommonName { get; set; }

        private protected override void ProcessListing(CommandConnection connection)
        {
            CertificateListing listing = connection.Get(c => new CertificateListing(new StoredCertificates(c.Client, c.ProjectId, c.Log)));
            StoredCertificates store = listing.Store;
            HashSet<string> written = listing.Written;
            try
            {
                if (!string.IsNullOrWhiteSpace(CertificateId))
                {
                    // Asked for by id: written, even when a listing of this command wrote it already.
                    ApigCertificate found = Await(store.GetAsync(CertificateId!.Trim(), StopToken));
                    written.Add(found.CertificateId);
                    WritePaged(found);
                    return;
                }

                var filter = new StoreFilter
                {
                    Type = Type,
                    NameMatches = NameMatcher(Blank(Name)),
                    ServerName = ServerFilter(Name),
                    CommonNameMatches = NameMatcher(Blank(CommonName)),
                    ServerCommonName = ServerFilter(CommonName),
                };
                WritePages(store.List(Blank(InstanceId), filter, written), store.WithDetailsAsync);
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, CertificateId ?? InstanceId ?? Name);
            }
        }

        /// <summary>One connection's store, and the certificates written from it so far.</summary>
        private sealed class CertificateListing
        {
            public CertificateListing(StoredCertificates store) => Store = store;

            public StoredCertificates Store { get; }

            // Across piped instances too: a global certificate that every instance of the connection lists is written once.
            public HashSet<string> Written { get; } = new HashSet<string>(StringComparer.Ordinal);
        }

        // A pattern with an escaped wildcard ("`*.example.com") names a literal '*': the API would get the backtick too.
        private static string? ServerFilter(string? pattern) =>
            Blank(pattern) is { } name && name.IndexOf('`') < 0 ? ExactName(name) : null;

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
