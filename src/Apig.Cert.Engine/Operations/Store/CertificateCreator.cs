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
    /// <summary>A certificate to create in the store that passed every local check.</summary>
    public sealed class PreparedCreate
    {
        internal PreparedCreate(CertificateBundle bundle, string name, bool global, string? instanceId, TrustedRootCa? trustedRootCa)
        {
            Bundle = bundle;
            Name = name;
            IsGlobal = global;
            InstanceId = instanceId;
            TrustedRootCa = trustedRootCa;
        }

        public CertificateBundle Bundle { get; }

        public string Name { get; }

        public bool IsGlobal { get; }

        public string? InstanceId { get; }

        public TrustedRootCa? TrustedRootCa { get; }

        /// <summary>What -WhatIf and -Confirm show: the certificate, never key material.</summary>
        public string Description =>
            "'" + Name + "' (" + Bundle.Subject + ", thumbprint " + Bundle.Thumbprint + ", expires " +
            Bundle.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ", " +
            (IsGlobal ? "global" : "instance " + InstanceId) + (TrustedRootCa is null ? string.Empty : ", with " + TrustedRootCa.Subjects.Count + " trusted root CA(s)") + ")";
    }

    /// <summary>What the store holds before a create: the same certificate in that scope, if any.</summary>
    public sealed class CreateState
    {
        internal CreateState(ApigCertificate? existing, IReadOnlyCollection<string> sameIds, bool scopeListed)
        {
            Existing = existing;
            SameIds = sameIds;
            ScopeListed = scopeListed;
        }

        /// <summary>The stored certificate that is this very one (same serial, issuer, NotAfter); null when none (or -Force).</summary>
        public ApigCertificate? Existing { get; }

        /// <summary>Ids of stored copies of this certificate before the create: a lost answer's create is one not among them.</summary>
        internal IReadOnlyCollection<string> SameIds { get; }

        /// <summary>False when the scope could not be listed (a global certificate in a project without instances).</summary>
        public bool ScopeListed { get; }
    }

    /// <summary>New-ApigCertificate's use-case: check locally, look for the same certificate in the scope, create (CreateCertificateV2).</summary>
    public static class CertificateCreator
    {
        /// <summary>Every check that needs no network. Throws <see cref="ApigInputException"/>; nothing is sent.</summary>
        public static PreparedCreate Prepare(
            CertificateBundle bundle, string certificateInputName, string? explicitName, bool global, string? instanceId, TrustedRootCa? trustedRootCa,
            string trustedRootCaInputName, DateTime utcNow)
        {
            if (bundle == null) throw new ArgumentNullException(nameof(bundle));
            CertificateRules.EnsureCurrentlyValid(bundle, utcNow, certificateInputName);
            CertificateRules.EnsureApigAccepts(bundle, certificateInputName);
            string name = StoreRules.NameOrDefault(bundle, explicitName, "Name");
            string? instance = string.IsNullOrWhiteSpace(instanceId) ? null : instanceId!.Trim();
            if (global)
            {
                if (trustedRootCa != null) throw StoreRules.GlobalWithCa("'" + name + "'", trustedRootCaInputName);
                // A global certificate has no instance: an id given too would be ignored by the API, so it is refused.
                if (instance != null)
                {
                    throw new ApigInputException("InstanceIdWithGlobal", "InstanceId",
                        "-InstanceId " + instance + " was given for a global certificate, which belongs to no instance. Add -Type Instance to store it in that instance, or leave out -InstanceId.");
                }
            }
            else
            {
                if (instance is null)
                {
                    throw new ApigInputException("InstanceIdRequired", "InstanceId",
                        "-Type Instance needs -InstanceId: the instance the certificate belongs to. Find it with Get-ApigInstance, or leave out -Type for a global certificate.");
                }

                ApigIds.EnsureValid(instance, "InstanceId");
            }

            return new PreparedCreate(bundle, name, global, instance, trustedRootCa);
        }

        /// <summary>
        /// Looks for this very certificate in the scope (with <paramref name="force"/> only to know which copies exist
        /// already). Reading only: safe under -WhatIf.
        /// </summary>
        public static async Task<CreateState> ReadStateAsync(StoredCertificates store, PreparedCreate prepared, bool force, CancellationToken cancellationToken)
        {
            (List<CertificateDetails> same, bool listed) = await FindSameAsync(store, prepared, cancellationToken).ConfigureAwait(false);
            if (!listed)
            {
                store.Log?.Verbose("The project has no instance to list the store through: whether it already holds '" + prepared.Name + "' cannot be checked.");
            }

            ApigCertificate? existing = force || same.Count == 0 ? null : StoreMapper.ToCertificate(same[0], store.ProjectId, DateTime.UtcNow);
            if (existing != null) existing.Changed = false;
            return new CreateState(existing, same.Select(d => d.Id ?? string.Empty).ToList(), listed);
        }

        /// <summary>
        /// CreateCertificateV2. After an answer that leaves open whether the create took effect, the store is listed again:
        /// a copy that was not there before is the one just made, and is returned instead of creating a second one.
        /// </summary>
        public static async Task<ApigCertificate> CreateAsync(StoredCertificates store, PreparedCreate prepared, CreateState state, CancellationToken cancellationToken)
        {
            var form = new CertFormBody
            {
                Name = prepared.Name,
                CertContent = prepared.Bundle.CertificateChainPem,
                Type = prepared.IsGlobal ? "global" : "instance",
                InstanceId = prepared.IsGlobal ? null : prepared.InstanceId,
                TrustedRootCa = prepared.TrustedRootCa?.Pem,
            };
            CertificateDetails? confirmed = null;
            async Task<bool> CreatedAsync(CancellationToken token)
            {
                (List<CertificateDetails> same, _) = await FindSameAsync(store, prepared, token).ConfigureAwait(false);
                confirmed = same.FirstOrDefault(d => !state.SameIds.Contains(d.Id ?? string.Empty));
                return confirmed != null;
            }

            CertificateDetails created = await store.Client.CreateCertificateAsync(form, prepared.Bundle.GetPrivateKeyPem(), cancellationToken, CreatedAsync)
                .ConfigureAwait(false);
            ApigCertificate result = StoreMapper.ToCertificate(created.AppliedWithoutAnswer && confirmed != null ? confirmed : created, store.ProjectId, DateTime.UtcNow);
            result.Changed = true;
            return result;
        }

        /// <summary>The stored copies of this certificate in the prepared scope, each confirmed by a show (serial and issuer are not listed).</summary>
        private static async Task<(List<CertificateDetails> Same, bool Listed)> FindSameAsync(StoredCertificates store, PreparedCreate prepared, CancellationToken cancellationToken)
        {
            string? listThrough = prepared.IsGlobal ? await FirstInstanceAsync(store, cancellationToken).ConfigureAwait(false) : prepared.InstanceId;
            if (listThrough is null) return (new List<CertificateDetails>(), false);

            var same = new List<CertificateDetails>();
            var query = new CertificateQuery { Type = prepared.IsGlobal ? "global" : "instance" };
            PageCursor<CertificateDetails> cursor = store.CertificateCursor(listThrough, query);
            while (await cursor.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                foreach (CertificateDetails listed in page.Where(c => !string.IsNullOrEmpty(c.Id) && InScope(c, prepared) && MayBeSame(c, prepared.Bundle)))
                {
                    CertificateDetails shown = await store.ShowAsync(listed.Id!, cancellationToken).ConfigureAwait(false);
                    if (DomainCertificateBinder.IsSameCertificate(shown, prepared.Bundle)) same.Add(shown);
                }
            }

            return (same, true);
        }

        private static bool InScope(CertificateDetails listed, PreparedCreate prepared) =>
            prepared.IsGlobal
                ? StoreMapper.IsGlobal(listed)
                : !StoreMapper.IsGlobal(listed) && string.Equals(listed.InstanceId, prepared.InstanceId, StringComparison.Ordinal);

        // The listing has NotAfter but no serial or issuer: only a certificate with the same NotAfter is worth a show.
        private static bool MayBeSame(CertificateDetails listed, CertificateBundle bundle) =>
            listed.NotAfter is DateTimeOffset notAfter
            && notAfter.UtcDateTime.Ticks / TimeSpan.TicksPerSecond == bundle.NotAfter.Ticks / TimeSpan.TicksPerSecond;

        private static async Task<string?> FirstInstanceAsync(StoredCertificates store, CancellationToken cancellationToken)
        {
            PageCursor<InstanceInfo> instances = store.InstanceCursor();
            while (await instances.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            {
                InstanceInfo? first = page.FirstOrDefault(i => !string.IsNullOrEmpty(i.Id));
                if (first != null) return first.Id;
            }

            return null;
        }
    }

    /// <summary>Rules the store's create and update share.</summary>
    internal static class StoreRules
    {
        public static string NameOrDefault(CertificateBundle bundle, string? explicitName, string inputName)
        {
            if (explicitName is null) return CertificateRules.DefaultName(bundle);
            CertificateRules.EnsureValidName(explicitName, inputName);
            return explicitName;
        }

        /// <summary>Refused locally: only instance certificates support a trusted root CA (TF), so nothing is sent that APIG would refuse.</summary>
        public static ApigInputException GlobalWithCa(string certificate, string inputName) =>
            new ApigInputException("TrustedRootCaNeedsInstance", inputName,
                "-" + inputName + " was given for the global certificate " + certificate + ", but only instance certificates carry a trusted root CA. " +
                "Store the certificate with -Type Instance -InstanceId <id> to use client-certificate verification, or leave out -" + inputName + ".");
    }
}
