using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>One name given to the certificate-side attach: the domain it resolved to, or why nothing is sent for it.</summary>
    public sealed class NamedAttachPlan
    {
        internal NamedAttachPlan(string name, AttachPlan? plan, Exception? failure)
        {
            Name = name;
            Plan = plan;
            Failure = failure;
        }

        public string Name { get; }

        public AttachPlan? Plan { get; }

        /// <summary>The local refusal (not found, ambiguous, out of scope, not covered): nothing is sent for this name.</summary>
        public Exception? Failure { get; }
    }

    /// <summary>One name given to the certificate-side detach: the bindings of that name (none: nothing to do).</summary>
    public sealed class NamedDetachPlan
    {
        internal NamedDetachPlan(string name, string certificateId, IReadOnlyList<ApigCertificateBinding> bound)
        {
            Name = name;
            CertificateId = certificateId;
            Bound = bound;
        }

        public string Name { get; }

        public string CertificateId { get; }

        public IReadOnlyList<ApigCertificateBinding> Bound { get; }

        public bool NothingBound => Bound.Count == 0;

        /// <summary>What -WhatIf and the prompt show, lower-case: the certificate and the domain.</summary>
        public string Action =>
            "detach certificate '" + (Bound.Select(b => b.CertificateName).FirstOrDefault(n => !string.IsNullOrEmpty(n)) ?? CertificateId) + "' (id " + CertificateId +
            ") from " + Name + " (instance " + string.Join(", ", Bound.Select(b => b.InstanceId).Distinct()) + "); the certificate stays in the store";
    }

    /// <summary>What one name of a certificate-side batch came to.</summary>
    public sealed class NamedOutcome
    {
        internal NamedOutcome(IReadOnlyList<ApigCertificateBinding> bindings, Exception? failure)
        {
            Bindings = bindings;
            Failure = failure;
        }

        /// <summary>The bindings as they are now; each Changed says whether a change was needed.</summary>
        public IReadOnlyList<ApigCertificateBinding> Bindings { get; }

        public Exception? Failure { get; }

        public bool Changed => Bindings.Any(b => b.Changed == true);
    }

    public sealed partial class CertificateBindings
    {
        /// <summary>
        /// Names per certificate-side request to start with. The API documents no maximum; a chunk refused for its length
        /// (or for one of its names) is split in halves, so a lower limit costs a few requests more, never a failure.
        /// </summary>
        public const int NamesPerRequest = 500;

        // 2000: "no valid domain name" (detach: none bound; also a length refusal); 2051: one name holds another
        // certificate of the algorithm; 2012: a parameter refused, which a length limit may also be.
        private static readonly string[] SplittingCodes = { "APIG.2000", "APIG.2051", "APIG.2012" };

        /// <summary>Requests sent by the certificate-side batches of this command (for the Verbose summary).</summary>
        public int NameBatchRequests { get; private set; }

        /// <summary>
        /// Resolves each name to its domain (every group of every instance listed once per command, narrowed to
        /// <paramref name="instanceId"/> and, for an instance certificate, to its instance) and applies the same local
        /// rules as the domain-side attach. Reading only.
        /// </summary>
        public async Task<IReadOnlyList<NamedAttachPlan>> PlanAttachByNameAsync(string certificateId, IReadOnlyList<string> names, string? instanceId,
            bool verifyClientCertificate, CancellationToken cancellationToken)
        {
            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            StoredCertificateFacts certificate = await CertificateAsync(certificateId, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<ListedDomain> every = await Groups.EveryDomainAsync(cancellationToken).ConfigureAwait(false);
            ILookup<string, ListedDomain> byName = every.ToLookup(d => d.Domain.Domain ?? string.Empty, StringComparer.OrdinalIgnoreCase);
            var plans = new List<NamedAttachPlan>(names.Count);
            foreach (string given in names)
            {
                string name = given.Trim();
                try
                {
                    plans.Add(new NamedAttachPlan(name, PlanByName(certificate, byName[name].ToList(), name, instanceId, verifyClientCertificate), null));
                }
                catch (ApigInputException refused)
                {
                    plans.Add(new NamedAttachPlan(name, null, refused));
                }
            }

            return plans;
        }

        private AttachPlan PlanByName(StoredCertificateFacts certificate, List<ListedDomain> named, string name, string? instanceId, bool verify)
        {
            List<ListedDomain> matches = named.Where(d => instanceId is null || string.Equals(d.InstanceId, instanceId, StringComparison.Ordinal)).ToList();
            if (matches.Count > 1 && certificate.InstanceId != null)
            {
                // An instance certificate can only mean its own instance's domain of that name.
                List<ListedDomain> own = matches.Where(d => string.Equals(d.InstanceId, certificate.InstanceId, StringComparison.Ordinal)).ToList();
                if (own.Count > 0) matches = own;
            }

            if (matches.Count == 0)
            {
                throw new ApigInputException(
                    "DomainNotFound",
                    "DomainName",
                    "No API group " + (instanceId is null ? string.Empty : "of instance " + instanceId + " ") + "has a custom domain named '" + name +
                    "'. List the domains with Get-ApigDomain, or check the name's spelling.");
            }

            if (matches.Count > 1)
            {
                throw new ApigInputException(
                    "DomainNameAmbiguous",
                    "DomainName",
                    "'" + name + "' is a custom domain in " + matches.Count + " instances: " + string.Join(", ", matches.Select(d => d.InstanceId)) +
                    ". Give -InstanceId to say which, or pipe the domains from Get-ApigDomain -DomainName " + name + ".");
            }

            ListedDomain domain = matches[0];
            return Plan(certificate, domain.Ref, domain.Group.Name, domain.Domain, verify);
        }

        /// <summary>
        /// Attaches the certificate to every planned domain with as few certificate-side requests as the API allows
        /// (BatchAssociateDomainsV2, each name with its instance), one request at a time. Where APIG refuses names that
        /// hold another certificate of the algorithm (APIG.2051), those certificates are detached (domain side, a few at
        /// a time) and the names attached again in one batch. The outcomes are in the order of <paramref name="plans"/>.
        /// </summary>
        public async Task<IReadOnlyList<NamedOutcome>> AttachByNameAsync(IReadOnlyList<AttachPlan> plans, CancellationToken cancellationToken)
        {
            if (plans.Count == 0) return Array.Empty<NamedOutcome>();
            string certificateId = plans[0].Certificate.Id;
            var entries = plans.Select(plan => new DomainBatchEntry
            {
                Domain = plan.DomainName,
                InstanceIds = new List<string> { plan.Domain.InstanceId },
                VerifiedClientCertificateEnabled = plan.VerifyClientCertificate,
            }).ToList();
            Dictionary<int, Exception> failures = await SendByNameAsync(
                certificateId, entries, Enumerable.Range(0, plans.Count).ToList(), attach: true, i => plans[i].Others.Count > 0, cancellationToken).ConfigureAwait(false);

            List<int> refused = failures.Where(f => f.Value is ApigApiException api && api.ErrorCode == DifferentCertificateCode).Select(f => f.Key).ToList();
            if (refused.Count > 0)
            {
                List<int> cleared = await DetachOthersAsync(plans, refused, failures, cancellationToken).ConfigureAwait(false);
                foreach (int i in cleared) failures.Remove(i);
                Dictionary<int, Exception> again = await SendByNameAsync(certificateId, entries, cleared, attach: true, null, cancellationToken).ConfigureAwait(false);
                foreach (KeyValuePair<int, Exception> failure in again) failures[failure.Key] = failure.Value;
            }

            var outcomes = new NamedOutcome[plans.Count];
            for (int i = 0; i < plans.Count; i++)
            {
                AttachPlan plan = plans[i];
                if (failures.TryGetValue(i, out Exception? failure))
                {
                    outcomes[i] = new NamedOutcome(Array.Empty<ApigCertificateBinding>(), failure);
                    continue;
                }

                if (plan.Others.Count > 0 && !refused.Contains(i))
                {
                    Log?.Verbose(plan.DomainName + ": certificate " + plan.Certificate.Shown + " replaced " + string.Join(", ", plan.Others.Select(AttachPlan.Shown)) + ".");
                }

                outcomes[i] = new NamedOutcome(new[] { Attached(plan) }, null);
            }

            return outcomes;
        }

        /// <summary>How many of the domains' other certificates are detached at once after an APIG.2051.</summary>
        private const int ConcurrentDetaches = 16;

        // The other certificate of each refused domain goes first; a domain whose other certificate cannot be found or
        // detached keeps its failure. Returns the domains cleared for a second attach.
        private async Task<List<int>> DetachOthersAsync(IReadOnlyList<AttachPlan> plans, List<int> refused, Dictionary<int, Exception> failures,
            CancellationToken cancellationToken)
        {
            var cleared = new List<int>();
            using (var slots = new SemaphoreSlim(ConcurrentDetaches))
            {
                var work = refused.Select(async i =>
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return (Index: i, Cleared: await DetachOthersAsync(plans[i], cancellationToken).ConfigureAwait(false), Failure: (Exception?)null);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !(ex is OperationCanceledException))
                    {
                        return (Index: i, Cleared: false, Failure: ex);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }).ToList();
                foreach (var done in await Task.WhenAll(work).ConfigureAwait(false))
                {
                    if (done.Cleared) cleared.Add(done.Index);
                    else if (done.Failure != null) failures[done.Index] = done.Failure;
                }
            }

            cleared.Sort();
            return cleared;
        }

        /// <summary>The bindings of each name (the attached-domain listing read once), narrowed to <paramref name="instanceId"/>. Reading only.</summary>
        public async Task<IReadOnlyList<NamedDetachPlan>> PlanDetachByNameAsync(string certificateId, IReadOnlyList<string> names, string? instanceId,
            CancellationToken cancellationToken)
        {
            if (instanceId != null) ApigIds.EnsureValid(instanceId, "InstanceId");
            List<ApigCertificateBinding> bound = await List(certificateId, null, null).ReadAllAsync(cancellationToken).ConfigureAwait(false);
            ILookup<string, ApigCertificateBinding> byName = bound
                .Where(b => instanceId is null || string.Equals(b.InstanceId, instanceId, StringComparison.Ordinal))
                .ToLookup(b => b.DomainName, StringComparer.OrdinalIgnoreCase);
            string id = ApigIds.EnsureValid(certificateId, "CertificateId");
            return names.Select(given => given.Trim()).Select(name => new NamedDetachPlan(name, id, byName[name].ToList())).ToList();
        }

        /// <summary>
        /// Detaches the certificate from every planned name with as few certificate-side requests as the API allows
        /// (BatchDisassociateDomainsV2, each name with its instances). A name APIG finds nothing bound for (APIG.2000
        /// "no valid domain name") is done, with Changed = false. The outcomes are in the order of <paramref name="plans"/>.
        /// </summary>
        public async Task<IReadOnlyList<NamedOutcome>> DetachByNameAsync(IReadOnlyList<NamedDetachPlan> plans, CancellationToken cancellationToken)
        {
            if (plans.Count == 0) return Array.Empty<NamedOutcome>();
            var entries = plans.Select(plan => new DomainBatchEntry
            {
                Domain = plan.Name,
                InstanceIds = plan.Bound.Select(b => b.InstanceId).Distinct(StringComparer.Ordinal).ToList(),
            }).ToList();
            Dictionary<int, Exception> failures = await SendByNameAsync(
                plans[0].CertificateId, entries, Enumerable.Range(0, plans.Count).ToList(), attach: false, null, cancellationToken).ConfigureAwait(false);

            var outcomes = new NamedOutcome[plans.Count];
            for (int i = 0; i < plans.Count; i++)
            {
                Exception? failure = failures.TryGetValue(i, out Exception? found) ? found : null;
                bool notBound = failure is ApigApiException none && none.ErrorCode == "APIG.2000";
                outcomes[i] = failure != null && !notBound
                    ? new NamedOutcome(Array.Empty<ApigCertificateBinding>(), failure)
                    : new NamedOutcome(plans[i].Bound.Select(b => AfterDetach(b, changed: !notBound)).ToList(), null);
            }

            return outcomes;
        }

        private static ApigCertificateBinding AfterDetach(ApigCertificateBinding before, bool changed) => new ApigCertificateBinding
        {
            CertificateId = before.CertificateId,
            CertificateName = before.CertificateName,
            ProjectId = before.ProjectId,
            InstanceId = before.InstanceId,
            GroupId = before.GroupId,
            GroupName = before.GroupName,
            DomainId = before.DomainId,
            DomainName = before.DomainName,
            VerifyClientCertificate = before.VerifyClientCertificate,
            MinSslVersion = before.MinSslVersion,
            RedirectToHttps = before.RedirectToHttps,
            HttpsPort = before.HttpsPort,
            Changed = changed,
        };

        /// <summary>
        /// Sends the entries at <paramref name="indices"/> in chunks, one request at a time (concurrent batches on one
        /// certificate are not safe: TF serialises them). A chunk the API refuses with a code that may concern one name or
        /// the chunk's length is split until each refusal belongs to one name; on APIG.2051 the names known to hold another
        /// certificate of the algorithm (<paramref name="knownConflict"/>) are taken apart from the others at once.
        /// Returns the failure of each entry that has one, by index.
        /// </summary>
        private async Task<Dictionary<int, Exception>> SendByNameAsync(string certificateId, List<DomainBatchEntry> entries, List<int> indices, bool attach,
            Func<int, bool>? knownConflict, CancellationToken cancellationToken)
        {
            var failures = new Dictionary<int, Exception>();
            var pending = new Stack<List<int>>();
            for (int start = ((indices.Count - 1) / NamesPerRequest) * NamesPerRequest; start >= 0; start -= NamesPerRequest)
            {
                pending.Push(indices.GetRange(start, Math.Min(NamesPerRequest, indices.Count - start)));
            }

            while (pending.Count > 0)
            {
                List<int> chunk = pending.Pop();
                List<DomainBatchEntry> body = chunk.Select(i => entries[i]).ToList();
                try
                {
                    NameBatchRequests++;
                    if (attach) await Client.AttachDomainsAsync(certificateId, body, cancellationToken).ConfigureAwait(false);
                    else await Client.DetachDomainsAsync(certificateId, body, cancellationToken).ConfigureAwait(false);
                }
                catch (ApigApiException refused) when (chunk.Count > 1 && refused.StatusCode == 400 && SplittingCodes.Contains(refused.ErrorCode))
                {
                    Log?.Verbose("The " + (attach ? "attach" : "detach") + " of " + chunk.Count + " names was refused (" + refused.ErrorCode + "): sending them in smaller parts.");
                    if (refused.ErrorCode == DifferentCertificateCode && knownConflict != null)
                    {
                        // The names that hold another certificate are the caller's to clear (no request further); the rest go again.
                        List<int> conflicting = chunk.Where(knownConflict).ToList();
                        if (conflicting.Count > 0)
                        {
                            foreach (int i in conflicting) failures[i] = refused;
                            List<int> clean = chunk.Except(conflicting).ToList();
                            if (clean.Count > 0) pending.Push(clean);
                            continue;
                        }
                    }

                    int half = chunk.Count / 2;
                    pending.Push(chunk.GetRange(half, chunk.Count - half));
                    pending.Push(chunk.GetRange(0, half));
                }
                catch (Exception failed) when (!cancellationToken.IsCancellationRequested && !(failed is OperationCanceledException))
                {
                    foreach (int i in chunk) failures[i] = failed;
                }
            }

            return failures;
        }
    }
}
