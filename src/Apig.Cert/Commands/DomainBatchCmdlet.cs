using System;
using System.Globalization;
using System.Management.Automation;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of the cmdlets that act on piped domains: the domain by property name, and concurrent processing bounded
    /// by -ThrottleLimit with every result and error written from the pipeline thread.
    /// </summary>
    public abstract class DomainBatchCmdlet : ApigCmdlet
    {
        /// <summary>
        /// Enough requests in flight to hide network latency (25 ms per request: 500 domains in about a second), still
        /// well under the 64 connections the shared client opens to one endpoint. Throttling answers are retried.
        /// </summary>
        public const int DefaultThrottleLimit = 32;

        /// <summary>A work result that counts as a success but writes nothing (e.g. an unbind without -PassThru).</summary>
        private protected static readonly object NoOutput = new object();

        private BatchRunner? _batch;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        public string DomainId { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string? DomainName { get; set; }

        /// <summary>How many domains are processed at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        private protected ApigSession Session { get; private set; } = null!;

        private protected ApigClient Client { get; private set; } = null!;

        /// <summary>Each group is read at most once per invocation, however many of its domains are piped.</summary>
        private protected GroupLookup Groups { get; private set; } = null!;

        private protected int Succeeded { get; set; }

        private protected int Unchanged { get; set; }

        private protected int Failed { get; set; }

        private protected int Skipped { get; set; }

        /// <summary>What the Verbose summary calls a success, e.g. "bound".</summary>
        private protected abstract string SuccessWord { get; }

        private protected abstract string ProgressActivity { get; }

        /// <summary>The domain as messages and error records name it.</summary>
        private protected string Target => string.IsNullOrWhiteSpace(DomainName) ? DomainId : DomainName!;

        protected override void BeginProcessing()
        {
            Session = RequireSession();
            Client = Session.CreateClient(Log);
            Groups = new GroupLookup(Client);
            _batch = new BatchRunner(this, Log, ThrottleLimit, ProgressActivity, Deliver, StopToken);
        }

        protected override void ProcessRecord()
        {
            string target = Target;
            try
            {
                ApigIds.EnsureValid(InstanceId, nameof(InstanceId));
                ApigIds.EnsureValid(GroupId, nameof(GroupId));
                ApigIds.EnsureValid(DomainId, nameof(DomainId));
                ProcessDomain(new DomainRef(InstanceId, GroupId, DomainId), target);
            }
            catch (Exception ex) when (IsItemFailure(ex))
            {
                Failed++;
                WriteFailure(ex, target);
            }

            _batch!.DeliverReady();
        }

        protected override void EndProcessing()
        {
            _batch!.Complete();
            WriteVerbose(string.Format(
                CultureInfo.InvariantCulture,
                "{0} domain(s): {1} {2}, {3} unchanged, {4} failed{5}{6}.",
                Succeeded + Unchanged + Failed + Skipped, Succeeded, SuccessWord, Unchanged, Failed,
                Skipped > 0 ? ", " + Skipped.ToString(CultureInfo.InvariantCulture) + " skipped" : string.Empty,
                SummaryDetail()));
        }

        /// <summary>
        /// Checks the item on the pipeline thread (input errors throw and become its error record; ShouldProcess runs
        /// here), then hands the network part to <see cref="StartWork"/>.
        /// </summary>
        private protected abstract void ProcessDomain(DomainRef domain, string target);

        private protected virtual string SummaryDetail() => string.Empty;

        /// <summary>Runs the item's network work concurrently; its result (or failure) is written later, in order of completion.</summary>
        private protected void StartWork(string target, Func<System.Threading.CancellationToken, System.Threading.Tasks.Task<object?>> work) =>
            _batch!.Start(target, work);

        /// <summary>Counts a finished item and returns what to write for it (null or NoOutput: nothing).</summary>
        private protected virtual object? Count(object? result)
        {
            Succeeded++;
            return result;
        }

        private void Deliver(ItemOutcome outcome)
        {
            if (outcome.Failure != null)
            {
                Failed++;
                WriteError(ErrorRecords.From(outcome.Failure, outcome.Target));
                return;
            }

            object? output = Count(outcome.Result);
            if (output != null && !ReferenceEquals(output, NoOutput))
            {
                WriteObject(output);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _batch?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
