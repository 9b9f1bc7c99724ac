using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Completers
{
    /// <summary>Completion from the certificate store: every instance listed, each certificate once (the instance bound on the line narrows it).</summary>
    public abstract class StoredCertificateCompleter : ConnectedCompleter
    {
        private protected override async Task<List<KeyValuePair<string, string>>> SuggestAsync(ResourceListing listing, IDictionary bound, CancellationToken cancellationToken)
        {
            // Not SessionRegistry.Current: this runs on a worker thread, outside the runspace the connection belongs to.
            StoredCertificates store = StoredCertificates.Over(listing);
            List<ApigCertificate> certificates = await store.List(Bound(bound, "InstanceId"), null, new HashSet<string>(StringComparer.Ordinal))
                .ReadAllAsync(cancellationToken).ConfigureAwait(false);
            return certificates.Select(Suggestion).Where(s => !string.IsNullOrEmpty(s.Key)).ToList();
        }

        private protected abstract KeyValuePair<string, string> Suggestion(ApigCertificate certificate);

        private protected static string Described(ApigCertificate certificate) =>
            (certificate.Name ?? certificate.CertificateId) + " (" + (certificate.Type ?? "?") +
            (certificate.NotAfter is DateTime notAfter ? ", expires " + notAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : string.Empty) + ")";
    }

    /// <summary>-CertificateId: the ids of stored certificates, each shown with its name.</summary>
    public sealed class StoredCertificateIdCompleter : StoredCertificateCompleter
    {
        private protected override KeyValuePair<string, string> Suggestion(ApigCertificate certificate) =>
            new KeyValuePair<string, string>(certificate.CertificateId, Described(certificate));
    }

    /// <summary>-Name: the names in the store.</summary>
    public sealed class StoredCertificateNameCompleter : StoredCertificateCompleter
    {
        private protected override KeyValuePair<string, string> Suggestion(ApigCertificate certificate) =>
            new KeyValuePair<string, string>(certificate.Name ?? string.Empty, Described(certificate) + " " + certificate.CertificateId);
    }
}
