using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the certificates of Huawei Cloud Certificate Manager (CCM): id, name, domain, expiry and status, to bind with -CcmCertificateId.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ApigCcmCertificate", SupportsPaging = true, HelpUri = HelpLinks.GetApigCcmCertificate)]
    [OutputType(typeof(ApigCcmCertificate))]
    public sealed class GetApigCcmCertificateCommand : ApigListingCmdlet
    {
        private static readonly string[] KnownStatuses =
        {
            "ISSUED", "EXPIRED", "UPLOAD", "PAID", "CHECKING", "CANCELCHECKING", "UNPASSED", "REVOKING", "REVOKED", "SUPPLEMENTCHECKING", "CANCELSUPPLEMENTING",
        };

        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>Certificates whose domain or additional domains cover this name (a wildcard certificate covers its subdomains), or match the pattern.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [Alias("UrlDomain")]
        public string? DomainName { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(CcmStatusCompleter))]
        public string[] Status { get; set; } = Array.Empty<string>();

        // CCM is one per account: contexts of several regions that reach the same CCM list it once per filter.
        private readonly HashSet<string> _listed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        private protected override void ProcessListing(CommandConnection connection)
        {
            ApigSession session = connection.Session;
            string once = session.Context.CcmEndpoint + "|" + session.Context.AccountId + "|" + Name + "|" + DomainName + "|" + string.Join(",", Status);
            if (!_listed.Add(once)) return;
            try
            {
                string? name = Blank(Name);
                string? domain = Blank(DomainName);
                var filter = new CcmFilter
                {
                    NameMatches = NameMatcher(name),
                    ServerName = name != null && name.IndexOf('`') < 0 ? ExactName(name) : null,
                    DomainMatches = domain == null ? null : DomainMatcher(domain),
                    Statuses = Status.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim().ToUpperInvariant()).ToArray(),
                };
                if (filter.Statuses.Count == 0) filter.Statuses = null;
                WritePages(connection.Get(c => new CcmCertificates(c.Session.CreateCcmClient(c.Log), c.Log)).List(filter));
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                WriteFailure(ex, DomainName ?? Name);
            }
        }

        /// <summary>Covered (api.example.com by *.example.com), or matched as a pattern against the names themselves ('*.example.com', 'api*').</summary>
        private static Func<System.Collections.Generic.IReadOnlyList<string>, bool> DomainMatcher(string domain)
        {
            Func<string, bool> pattern = NameMatcher(domain)!;
            bool literal = !WildcardPattern.ContainsWildcardCharacters(domain);
            return names => names.Any(pattern) || (literal && CertificateRules.Covers(names, null, domain));
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        /// <summary>The statuses CCM documents, for -Status completion.</summary>
        public sealed class CcmStatusCompleter : IArgumentCompleter
        {
            public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
                KnownStatuses.Where(s => s.StartsWith((wordToComplete ?? string.Empty).Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
                    .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s));
        }
    }
}
