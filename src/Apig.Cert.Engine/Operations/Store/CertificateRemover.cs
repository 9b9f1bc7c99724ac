using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>A certificate about to be deleted: as stored, and the domains bound to it.</summary>
    public sealed class RemovePlan
    {
        internal RemovePlan(string certificateId, ApigCertificate? certificate, IReadOnlyList<BoundDomain> bound)
        {
            CertificateId = certificateId;
            Certificate = certificate;
            Bound = bound;
        }

        public string CertificateId { get; }

        /// <summary>Null when the certificate is already gone.</summary>
        public ApigCertificate? Certificate { get; }

        public IReadOnlyList<BoundDomain> Bound { get; }

        public bool AlreadyGone => Certificate is null;

        /// <summary>How the prompt names it: name, id and expiry.</summary>
        public string Shown =>
            "'" + (Certificate?.Name ?? CertificateId) + "' (id " + CertificateId +
            (Certificate?.NotAfter is DateTime notAfter ? ", expires " + notAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty) + ")";

        public string BoundNames => CertificateUpdater.Named(Bound.Select(d => d.DomainName).ToList());
    }

    /// <summary>Remove-ApigCertificate's use-case: delete an unbound certificate (DeleteCertificateV2), detaching it first when asked.</summary>
    public static class CertificateRemover
    {
        /// <summary>
        /// Reads the certificate and its bound domains. A bound certificate is refused (naming its domains) unless
        /// <paramref name="detach"/>. One already gone is a plan with nothing to do when <paramref name="goneIsDone"/>
        /// (a repeat with a piped object), otherwise its 404 stands. Reading only: safe under -WhatIf.
        /// </summary>
        public static async Task<RemovePlan> PlanAsync(StoredCertificates store, string certificateId, bool detach, bool goneIsDone, CancellationToken cancellationToken)
        {
            ApigIds.EnsureValid(certificateId, "CertificateId");
            ApigCertificate certificate;
            try
            {
                certificate = await store.GetAsync(certificateId, cancellationToken).ConfigureAwait(false);
            }
            catch (ApigApiException gone) when (goneIsDone && IsGone(gone))
            {
                store.Log?.Verbose("Certificate " + certificateId + " is no longer in the store; nothing to delete.");
                return new RemovePlan(certificateId, null, Array.Empty<BoundDomain>());
            }

            IReadOnlyList<BoundDomain> bound = await store.BoundDomainsAsync(certificateId, cancellationToken).ConfigureAwait(false);
            var plan = new RemovePlan(certificateId, certificate, bound);
            if (bound.Count > 0 && !detach)
            {
                throw new ApigInputException("CertificateBound", "CertificateId",
                    "The certificate " + plan.Shown + " is still bound to " + bound.Count.ToString(CultureInfo.InvariantCulture) + " domain(s): " +
                    plan.BoundNames + ". Only an unbound certificate can be deleted, and nothing was sent. Add -Detach to detach it from them first " +
                    "(those domains then serve no certificate of this algorithm), or bind them to another certificate first.");
            }

            return plan;
        }

        /// <summary>Detaches the bound domains (certificate side, few requests), then deletes the certificate.</summary>
        public static async Task RemoveAsync(StoredCertificates store, RemovePlan plan, CancellationToken cancellationToken)
        {
            if (plan.AlreadyGone) return;
            foreach (List<DomainBatchEntry> batch in DetachBatches(plan.Bound))
            {
                try
                {
                    await store.Client.DetachDomainsAsync(plan.CertificateId, batch, cancellationToken).ConfigureAwait(false);
                }
                catch (ApigApiException nothingBound) when (string.Equals(nothingBound.ErrorCode, "APIG.2000", StringComparison.Ordinal))
                {
                    // "No valid domain name": none of these names is bound any more, which is what the detach wanted.
                }
            }

            if (plan.Bound.Count > 0)
            {
                store.Log?.Verbose("Certificate " + plan.Shown + " detached from " + plan.Bound.Count.ToString(CultureInfo.InvariantCulture) + " domain(s).");
            }

            await store.Client.DeleteCertificateAsync(plan.CertificateId, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One entry per name with the instances it is bound in, so a name bound in one instance is not detached elsewhere.</summary>
        internal static IEnumerable<List<DomainBatchEntry>> DetachBatches(IReadOnlyList<BoundDomain> bound)
        {
            List<DomainBatchEntry> entries = bound
                .GroupBy(d => d.DomainName, StringComparer.OrdinalIgnoreCase)
                .Select(byName => new DomainBatchEntry
                {
                    Domain = byName.First().DomainName,
                    InstanceIds = byName.Select(d => d.InstanceId).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } ids ? ids : null,
                })
                .ToList();
            for (int start = 0; start < entries.Count; start += CertificateBindings.NamesPerRequest)
            {
                yield return entries.Skip(start).Take(CertificateBindings.NamesPerRequest).ToList();
            }
        }

        private static bool IsGone(ApigApiException ex) =>
            ex.StatusCode == 404 && (ex.ErrorCode == "APIG.3021" || ex.ErrorCode == "APIG.3025" || string.IsNullOrEmpty(ex.ErrorCode));
    }
}
