using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Completers
{
    /// <summary>-CcmCertificateId: the ids of Certificate Manager's certificates, each shown with its name, domain, status and expiry.</summary>
    public sealed class CcmCertificateIdCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ApigSession session, IDictionary bound, CancellationToken cancellationToken)
        {
            List<ApigCcmCertificate> certificates = await new CcmCertificates(session.CreateCcmClient(null), null).List(null)
                .ReadAllAsync(cancellationToken).ConfigureAwait(false);
            return certificates.Select(c => new KeyValuePair<string, string>(c.CertificateId, Described(c))).ToList();
        }

        // Never called: this completer reads CCM, not APIG's listing.
        private protected override Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken) =>
            Task.FromResult(new List<KeyValuePair<string, string>>());

        private static string Described(ApigCcmCertificate certificate) =>
            (certificate.Name ?? certificate.CertificateId) + " (" + (certificate.Domain ?? "?") + ", " + (certificate.Status ?? "?") +
            (certificate.NotAfter is DateTime notAfter ? ", expires " + notAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty) + ")";
    }
}
