using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of Add- and Remove-ApigCertificateBinding: piped domains (ids by property name, worked on concurrently), or
    /// -DomainName with names only, sent as the certificate-side batch. The domain cmdlets' base
    /// (<see cref="DomainBatchCmdlet"/>) has a one-name -DomainName that finds one domain; here -DomainName takes many
    /// names in a parameter set of its own, so the two bases stay apart.
    /// </summary>
    public abstract class CertificateBindingCmdlet : BatchCmdlet
    {
        private protected const string DomainSet = "Domain";
        private protected const string NamesSet = "DomainName";

        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = NamesSet)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        public string DomainId { get; set; } = string.Empty;

        /// <summary>With piped domains: the domain's name, for messages. Alone: the names of the certificate-side batch.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = NamesSet)]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        [AllowEmptyString]
        public string[]? DomainName { get; set; }

        /// <summary>
        /// The current input's bindings use-case (each certificate and each group read once per connection). Per input,
        /// like <see cref="BatchCmdlet.Client"/>: capture it before building a lambda, and hand it to what decides later.
        /// </summary>
        private protected CertificateBindings Bindings =>
            Connection.Get(c => new CertificateBindings(c.Client, c.Get(g => new GroupLookup(g.Client)), c.ProjectId, c.Log));

        /// <summary>The certificate-side requests of -DomainName, over every connection used.</summary>
        private protected int NameBatchRequests => Connections.Sum(c => c.Find<CertificateBindings>()?.NameBatchRequests ?? 0);

        private protected override string ItemNoun => "domain(s)";

        protected override void ProcessRecord()
        {
            if (ParameterSetName == NamesSet)
            {
                string[] names = (DomainName ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
                ProcessInput(() => string.Join(", ", names), () => ProcessNames(EnsureNames(names)));
                return;
            }

            string target = Target;
            ProcessInput(() => target, () => ProcessDomain(DomainRef.Create(InstanceId, GroupId, DomainId), target));
        }

        /// <summary>The domain as messages and error records name it.</summary>
        private protected string Target =>
            DomainName?.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n))?.Trim() is { } name ? name : DomainId;

        /// <summary>One piped domain: checks on the pipeline thread, network work through StartChange.</summary>
        private protected abstract void ProcessDomain(DomainRef domain, string target);

        /// <summary>The names of -DomainName: planned with reads, asked about one by one, sent as few certificate-side requests.</summary>
        private protected abstract void ProcessNames(IReadOnlyList<string> names);

        /// <summary>
        /// Writes one outcome per name in input order through the batch. <paramref name="decide"/> runs on the pipeline
        /// thread (ShouldProcess, the prompt) and gives the name's result, or null to send it; the names to send go in
        /// one certificate-side <paramref name="send"/>, started once (not once per name) and awaited by each of them.
        /// </summary>
        private protected void DeliverNames<TPlan>(IReadOnlyList<TPlan> plans, Func<TPlan, string> nameOf, Func<TPlan, ItemResult?> decide,
            Func<IReadOnlyList<TPlan>, Task<IReadOnlyList<NamedOutcome>>> send, Func<NamedOutcome, ItemResult> result)
        {
            var confirmed = new List<TPlan>();
            var once = new Lazy<Task<IReadOnlyList<NamedOutcome>>>(() => Task.Run(() => send(confirmed)), LazyThreadSafetyMode.ExecutionAndPublication);
            var decisions = new List<ItemResult?>(plans.Count);
            var indexes = new List<int>(plans.Count);
            foreach (TPlan plan in plans)
            {
                ItemResult? decided = decide(plan);
                decisions.Add(decided);
                indexes.Add(decided == null ? confirmed.Count : -1);
                if (decided == null) confirmed.Add(plan);
            }

            for (int i = 0; i < plans.Count; i++)
            {
                ItemResult? decided = decisions[i];
                int index = indexes[i];
                if (decided != null)
                {
                    StartWork(nameOf(plans[i]), _ => Task.FromResult(decided));
                    continue;
                }

                // A send step, so a batch that ends early names these among the domains whose change was sent.
                StartChange<bool>(nameOf(plans[i]), _ => Task.FromResult(true),
                    _ => ItemStep.Send(async ct => result((await once.Value.ConfigureAwait(false))[index])));
            }
        }

        private static IReadOnlyList<string> EnsureNames(string[] names)
        {
            if (names.Length == 0)
            {
                throw new ApigInputException("DomainNameRequired", "DomainName",
                    "-DomainName is empty. Give the names, for example -DomainName api.example.com, www.example.com, or pipe domains from Get-ApigDomain.");
            }

            return names;
        }

        /// <summary>The piped object when it is a Get-ApigDomain listing of this very domain (spares reading its group), otherwise null.</summary>
        private protected static ApigDomain? ListingOf(object? piped, DomainRef domain) =>
            (piped is PSObject wrapped ? wrapped.BaseObject : piped) is ApigDomain listed
            && listed.InstanceId == domain.InstanceId && listed.GroupId == domain.GroupId && listed.DomainId == domain.DomainId
                ? listed
                : null;
    }
}
