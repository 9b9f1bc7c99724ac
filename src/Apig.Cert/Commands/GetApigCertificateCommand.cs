using System;
using System.Collections.Generic;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Connection;
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
        // Across piped instances too: a global certificate that every instance lists is written once.
        private readonly HashSet<string> _written = new HashSet<string>(StringComparer.Ordinal);
        private StoredCertificates? _store;

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

        protected override void ProcessRecord()
        {
            ApigSession session = RequireSession();
            StoredCertificates store = _store ??= new StoredCertificates(session.CreateClient(Log), session.Context.ProjectId, Log);
            try
            {
                if (!string.IsNullOrWhiteSpace(CertificateId))
                {
                    // Asked for by id: written, even when a listing of this command wrote it already.
                    ApigCertificate found = Await(store.GetAsync(CertificateId!.Trim(), StopToken));
                    _written.Add(found.CertificateId);
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
                WritePages(store.List(Blank(InstanceId), filter, _written), store.WithDetailsAsync);
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, CertificateId ?? InstanceId ?? Name);
            }
        }

        // A pattern with an escaped wildcard ("`*.example.com") names a literal '*': the API would get the backtick too.
        private static string? ServerFilter(string? pattern) =>
            Blank(pattern) is { } name && name.IndexOf('`') < 0 ? ExactName(name) : null;

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
