using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>What Get-ApigCcmCertificate narrows the listing to; null members do not narrow.</summary>
    public sealed class CcmFilter
    {
        /// <summary>The name as the API may filter by it (no wildcards); the client still checks every name with <see cref="NameMatches"/>.</summary>
        public string? ServerName { get; set; }

        public Func<string, bool>? NameMatches { get; set; }

        /// <summary>Certificates whose domain or additional domains cover (RFC 6125) or match (wildcard pattern) the name.</summary>
        public Func<IReadOnlyList<string>, bool>? DomainMatches { get; set; }

        /// <summary>Exact CCM statuses (ISSUED, EXPIRED, ...), case-insensitive; the first one alone is also passed to the API.</summary>
        public IReadOnlyList<string>? Statuses { get; set; }
    }

    /// <summary>
    /// Certificate Manager's certificates for APIG: the listing (as <see cref="ApigCcmCertificate"/>) and the export
    /// that turns one into the same checked <see cref="CertificateBundle"/> a PEM input gives.
    /// </summary>
    public sealed class CcmCertificates
    {
        private readonly CcmClient _client;
        private readonly IApigLog? _log;

        public CcmCertificates(CcmClient client, IApigLog? log)
        {
            _client = client;
            _log = log;
        }

        public ListingPages<ApigCcmCertificate> List(CcmFilter? filter) => new CcmPages(_client, filter ?? new CcmFilter());

        /// <summary>
        /// The certificate input of -CcmCertificateId: exported through this client once per command (the parse cache keys
        /// it by endpoint, account and id), then checked like a PEM input (leaf + chain + key, key matches).
        /// </summary>
        public CertificateSource Source(string certificateId, CancellationToken cancellationToken)
        {
            string id = CcmIds.EnsureValid(certificateId, "CcmCertificateId");
            string description = "the CCM certificate " + id + " (-CcmCertificateId)";
            return CertificateSource.Fetched(
                "ccm|" + _client.Endpoint + "|" + (_client.AccountId ?? "-") + "|" + id,
                description,
                () => ExportAsync(id, description, cancellationToken).GetAwaiter().GetResult());
        }

        private async Task<CertificateBundle> ExportAsync(string id, string description, CancellationToken cancellationToken)
        {
            _log?.Verbose("Exporting CCM certificate " + id + " from " + _client.Endpoint + " (certificate, chain and private key).");
            using (CcmExportedCertificate exported = await _client.ExportCertificateAsync(id, cancellationToken).ConfigureAwait(false))
            {
                string chain = CertificatePem(exported);
                if (chain.Trim().Length == 0)
                {
                    throw new ApigInputException("CcmExportHasNoCertificate", "CcmCertificateId",
                        "CCM exported no certificate for " + id + ". Check its status with Get-ApigCcmCertificate: only an issued (ISSUED) or uploaded certificate can be exported.");
                }

                if (!exported.HasPrivateKey)
                {
                    throw new ApigInputException("CcmExportHasNoPrivateKey", "CcmCertificateId",
                        "CCM exported certificate " + id + " without its private key (a certificate whose CSR was made outside CCM has none there). " +
                        "Bind it with the key you kept: -CertificatePem and -PrivateKeyPem, or -PfxPath.");
                }

                return CertificateLoader.FromExportedPem(chain, exported.TakePrivateKey(), "CcmCertificateId", description);
            }
        }

        // The leaf and its chain; entire_certificate (both in one) when the parts are missing. The loader orders and checks them.
        private static string CertificatePem(CcmExportedCertificate exported)
        {
            string leaf = exported.Certificate ?? string.Empty;
            string chain = exported.CertificateChain ?? string.Empty;
            if (leaf.Trim().Length == 0) return exported.EntireCertificate ?? string.Empty;
            return chain.Trim().Length == 0 ? leaf : leaf.TrimEnd() + "\n" + chain;
        }

        /// <summary>The listing entry as the module shows it.</summary>
        internal static ApigCcmCertificate ToCertificate(CcmCertificateInfo info, DateTime utcNow)
        {
            DateTime? notAfter = CcmTime.Parse(info.ExpireTime);
            return new ApigCcmCertificate
            {
                CertificateId = info.Id ?? string.Empty,
                Name = info.Name,
                Domain = string.IsNullOrWhiteSpace(info.Domain) ? null : info.Domain!.Trim(),
                SubjectAlternativeNames = SplitNames(info.Sans),
                Status = info.Status,
                NotAfter = notAfter,
                DaysRemaining = notAfter.HasValue ? (int)Math.Floor((notAfter.Value - utcNow).TotalDays) : (int?)null,
                SignatureAlgorithm = info.SignatureAlgorithm,
                Type = info.Type,
                Brand = info.Brand,
                DomainType = info.DomainType,
                ValidityPeriod = info.ValidityPeriod,
                Description = string.IsNullOrEmpty(info.Description) ? null : info.Description,
            };
        }

        /// <summary>The domain and the additional domains of a listed certificate, without duplicates.</summary>
        public static IReadOnlyList<string> NamesOf(ApigCcmCertificate certificate)
        {
            var names = new List<string>();
            if (!string.IsNullOrWhiteSpace(certificate.Domain)) names.Add(certificate.Domain!);
            foreach (string name in certificate.SubjectAlternativeNames)
            {
                if (!names.Exists(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))) names.Add(name);
            }

            return names;
        }

        /// <summary>True when the certificate's domain or an additional domain covers <paramref name="domainName"/> (RFC 6125, as APIG checks).</summary>
        public static bool Covers(ApigCcmCertificate certificate, string domainName) =>
            CertificateRules.Covers(NamesOf(certificate), null, domainName);

        // "sans" is documented as one string; names separated by commas, semicolons or whitespace, or a JSON list of names.
        private static IReadOnlyList<string> SplitNames(IReadOnlyList<string>? sans)
        {
            var names = new List<string>();
            if (sans == null) return names;
            foreach (string entry in sans)
            {
                foreach (string part in (entry ?? string.Empty).Split(new[] { ',', ';', ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!names.Exists(n => string.Equals(n, part, StringComparison.OrdinalIgnoreCase))) names.Add(part);
                }
            }

            return names;
        }

        private static bool HasStatus(IReadOnlyList<string> statuses, string? status)
        {
            foreach (string wanted in statuses)
            {
                if (string.Equals(wanted, status, StringComparison.OrdinalIgnoreCase)) return true;
            }

            return false;
        }

        private sealed class CcmPages : ListingPages<ApigCcmCertificate>
        {
            private readonly CcmFilter _filter;
            private readonly PageCursor<CcmCertificateInfo> _cursor;
            private readonly string? _serverStatus;

            public CcmPages(CcmClient client, CcmFilter filter)
            {
                _filter = filter;
                // One status goes to the API; several are filtered here from the unfiltered listing.
                _serverStatus = filter.Statuses != null && filter.Statuses.Count == 1 ? filter.Statuses[0] : null;
                _cursor = new PageCursor<CcmCertificateInfo>(
                    (offset, limit, ct) => client.ListCertificatesAsync(offset, limit, filter.ServerName, _serverStatus, ct),
                    CcmClient.MaxPageSize,
                    0,
                    info => info.Id);
            }

            // Filtered here (name patterns, domains, several statuses): the API's count is then no count of the output.
            public override long? ApiTotal =>
                _filter.NameMatches == null && _filter.DomainMatches == null && (_filter.Statuses == null || _serverStatus != null) ? _cursor.Total : null;

            public override async Task<IReadOnlyList<ApigCcmCertificate>?> NextAsync(CancellationToken cancellationToken)
            {
                IReadOnlyList<CcmCertificateInfo>? page = await _cursor.NextAsync(cancellationToken).ConfigureAwait(false);
                if (page == null) return null;
                DateTime now = DateTime.UtcNow;
                var shown = new List<ApigCcmCertificate>(page.Count);
                foreach (CcmCertificateInfo info in page)
                {
                    if (string.IsNullOrEmpty(info.Id)) continue;
                    ApigCcmCertificate certificate = ToCertificate(info, now);
                    if (Admits(certificate)) shown.Add(certificate);
                }

                return shown;
            }

            private bool Admits(ApigCcmCertificate certificate)
            {
                if (_filter.NameMatches != null && !_filter.NameMatches(certificate.Name ?? string.Empty)) return false;
                if (_filter.Statuses != null && _filter.Statuses.Count > 0 && !HasStatus(_filter.Statuses, certificate.Status)) return false;
                return _filter.DomainMatches == null || _filter.DomainMatches(NamesOf(certificate));
            }
        }
    }

    /// <summary>CCM's expire_time, whichever form it comes in (UNCONFIRMED): a date-time text or epoch milliseconds.</summary>
    internal static class CcmTime
    {
        private static readonly string[] Formats =
        {
            "yyyy-MM-dd HH:mm:ss.f", "yyyy-MM-dd HH:mm:ss.ff", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss.fff", "yyyy-MM-dd",
        };

        /// <summary>UTC; null for nothing readable. A text without an offset is taken as UTC (CCM does not say which zone it means).</summary>
        internal static DateTime? Parse(string? text)
        {
            string value = (text ?? string.Empty).Trim();
            if (value.Length == 0) return null;
            if (IsDigits(value))
            {
                // Epoch milliseconds; a value of ten digits or fewer is taken as seconds (a year-2001-to-2286 date either way).
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number)) return null;
                long milliseconds = value.Length <= 10 ? number * 1000 : number;
                if (milliseconds > 253402300799999L) return null;
                return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(milliseconds);
            }

            if (DateTime.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime exact))
            {
                return DateTime.SpecifyKind(exact, DateTimeKind.Utc);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
            {
                return parsed.UtcDateTime;
            }

            return null;
        }

        private static bool IsDigits(string value)
        {
            foreach (char c in value)
            {
                if (c < '0' || c > '9') return false;
            }

            return true;
        }
    }
}
