using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>What the user asked of the trusted root CA of a certificate being replaced.</summary>
    public enum TrustedRootCaChange
    {
        /// <summary>No CA parameter: refused when the stored certificate has a CA (the whole-form update would drop it).</summary>
        NotGiven,

        /// <summary>-TrustedRootCaPath / -TrustedRootCaPem: sent with the update.</summary>
        Replace,

        /// <summary>-RemoveTrustedRootCa: the update is sent without a CA.</summary>
        Remove,
    }

    /// <summary>An in-place replacement that passed every local check.</summary>
    public sealed class PreparedUpdate
    {
        internal PreparedUpdate(string certificateId, CertificateBundle bundle, string? newName, TrustedRootCaChange caChange, TrustedRootCa? trustedRootCa, string caInputName)
        {
            CertificateId = certificateId;
            Bundle = bundle;
            NewName = newName;
            CaChange = caChange;
            TrustedRootCa = trustedRootCa;
            CaInputName = caInputName;
        }

        public string CertificateId { get; }

        public CertificateBundle Bundle { get; }

        public string? NewName { get; }

        public TrustedRootCaChange CaChange { get; }

        public TrustedRootCa? TrustedRootCa { get; }

        internal string CaInputName { get; }
    }

    /// <summary>The stored certificate before the update, and what the update would come to.</summary>
    public sealed class UpdateState
    {
        internal UpdateState(CertificateDetails stored, ApigCertificate current, IReadOnlyList<BoundDomain> bound, bool alreadyCurrent)
        {
            Stored = stored;
            Current = current;
            Bound = bound;
            AlreadyCurrent = alreadyCurrent;
        }

        internal CertificateDetails Stored { get; }

        /// <summary>The certificate as stored now (Changed = false): the result when nothing is sent.</summary>
        public ApigCertificate Current { get; }

        /// <summary>The domains bound to it (not read when it is already current).</summary>
        public IReadOnlyList<BoundDomain> Bound { get; }

        public bool AlreadyCurrent { get; }

        /// <summary>What -WhatIf and -Confirm show.</summary>
        public string Shown => "'" + Current.Name + "' (" + Current.CertificateId + ")";
    }

    /// <summary>
    /// Set-ApigCertificate's use-case: replace a stored certificate's content in place (UpdateCertificateV2), so every
    /// domain bound to it serves the new certificate after one request.
    /// </summary>
    public static class CertificateUpdater
    {
        private const int DomainsNamed = 20;

        /// <summary>Every check that needs no network. Throws <see cref="ApigInputException"/>; nothing is sent.</summary>
        public static PreparedUpdate Prepare(
            string certificateId, CertificateBundle bundle, string certificateInputName, string? newName, TrustedRootCaChange caChange,
            TrustedRootCa? trustedRootCa, string caInputName, DateTime utcNow)
        {
            if (bundle == null) throw new ArgumentNullException(nameof(bundle));
            ApigIds.EnsureValid(certificateId, "CertificateId");
            CertificateRules.EnsureCurrentlyValid(bundle, utcNow, certificateInputName);
            CertificateRules.EnsureApigAccepts(bundle, certificateInputName);
            if (newName != null) CertificateRules.EnsureValidName(newName, "NewName");
            return new PreparedUpdate(certificateId.Trim(), bundle, newName, caChange, trustedRootCa, caInputName);
        }

        /// <summary>
        /// Reads the stored certificate and, when a change is due, the domains bound to it; refuses (before anything is
        /// sent) an update that would drop a trusted root CA nobody mentioned, or leave a bound domain with a certificate
        /// that does not cover it (unless <paramref name="force"/>). Reading only: safe under -WhatIf.
        /// </summary>
        public static async Task<UpdateState> ReadStateAsync(StoredCertificates store, PreparedUpdate prepared, bool force, CancellationToken cancellationToken)
        {
            CertificateDetails stored = await store.ShowAsync(prepared.CertificateId, cancellationToken).ConfigureAwait(false);
            ApigCertificate current = StoreMapper.ToCertificate(stored, store.ProjectId, DateTime.UtcNow);
            current.Changed = false;
            string shown = "'" + current.Name + "' (" + current.CertificateId + ")";
            bool storedCa = stored.IsHasTrustedRootCa == true;
            bool alreadyCurrent = DomainCertificateBinder.IsSameCertificate(stored, prepared.Bundle)
                && (prepared.NewName is null || string.Equals(prepared.NewName, stored.Name, StringComparison.Ordinal))
                && !(prepared.CaChange == TrustedRootCaChange.Remove && storedCa)
                && !(prepared.CaChange == TrustedRootCaChange.Replace && !storedCa);
            if (alreadyCurrent && !force)
            {
                return new UpdateState(stored, current, Array.Empty<BoundDomain>(), alreadyCurrent: true);
            }

            if (prepared.CaChange == TrustedRootCaChange.Replace && StoreMapper.IsGlobal(stored))
            {
                throw StoreRules.GlobalWithCa(shown, prepared.CaInputName);
            }

            if (storedCa && prepared.CaChange == TrustedRootCaChange.NotGiven)
            {
                throw new ApigInputException("TrustedRootCaWouldBeDropped", "TrustedRootCaPath",
                    "The certificate " + shown + " has a trusted root CA for client-certificate verification, and an update replaces the whole " +
                    "certificate: sent without a CA it would switch mutual TLS off on every domain bound to it. Nothing was sent. " +
                    "Give the CA again with -TrustedRootCaPath or -TrustedRootCaPem to keep verifying client certificates, or add " +
                    "-RemoveTrustedRootCa to drop it.");
            }

            IReadOnlyList<BoundDomain> bound = await store.BoundDomainsAsync(prepared.CertificateId, cancellationToken).ConfigureAwait(false);
            List<string> uncovered = bound.Where(d => !CertificateRules.Covers(prepared.Bundle, d.DomainName)).Select(d => d.DomainName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (uncovered.Count > 0 && !force)
            {
                throw new ApigInputException("DomainNotCovered", "CertificatePath",
                    "The new certificate (" + prepared.Bundle.Subject + ", covering " + string.Join(", ", prepared.Bundle.DnsNames) + ") does not cover " +
                    uncovered.Count.ToString(CultureInfo.InvariantCulture) + " of the " + bound.Count.ToString(CultureInfo.InvariantCulture) +
                    " domain(s) bound to " + shown + ": " + Named(uncovered) + ". Nothing was sent. Use a certificate that covers them, detach them first " +
                    "(Remove-ApigCertificateBinding), or add -Force to replace it anyway.");
            }

            return new UpdateState(stored, current, bound, alreadyCurrent);
        }

        /// <summary>UpdateCertificateV2 with the whole form: the name kept unless a new one is given, the type and instance as stored.</summary>
        public static async Task<ApigCertificate> UpdateAsync(StoredCertificates store, PreparedUpdate prepared, UpdateState state, CancellationToken cancellationToken)
        {
            bool global = StoreMapper.IsGlobal(state.Stored);
            var form = new CertFormBody
            {
                Name = prepared.NewName ?? state.Stored.Name ?? CertificateRules.DefaultName(prepared.Bundle),
                CertContent = prepared.Bundle.CertificateChainPem,
                Type = global ? "global" : "instance",
                InstanceId = global ? null : state.Stored.InstanceId,
                TrustedRootCa = prepared.CaChange == TrustedRootCaChange.Replace ? prepared.TrustedRootCa?.Pem : null,
            };
            CertificateDetails updated = await store.Client.UpdateCertificateAsync(prepared.CertificateId, form, prepared.Bundle.GetPrivateKeyPem(), cancellationToken)
                .ConfigureAwait(false);
            store.Log?.Verbose("Certificate " + state.Shown + " replaced in place: " + state.Bound.Count.ToString(CultureInfo.InvariantCulture) +
                               " bound domain(s) now serve it.");
            ApigCertificate result = StoreMapper.ToCertificate(updated, store.ProjectId, DateTime.UtcNow);
            if (result.CertificateId.Length == 0) result.CertificateId = prepared.CertificateId;
            result.Changed = true;
            return result;
        }

        internal static string Named(IReadOnlyList<string> names) =>
            string.Join(", ", names.Take(DomainsNamed)) +
            (names.Count > DomainsNamed ? " and " + (names.Count - DomainsNamed).ToString(CultureInfo.InvariantCulture) + " more" : string.Empty);
    }
}
