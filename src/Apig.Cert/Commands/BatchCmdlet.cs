using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of the cmdlets that do per-input network work (domains, stored certificates): concurrent processing bounded
    /// by -ThrottleLimit, every result, error and prompt on the pipeline thread, one outcome per input, and a Verbose
    /// summary at the end.
    /// </summary>
    public abstract class BatchCmdlet : ApigCmdlet, IBatchSink
    {
        /// <summary>
        /// Enough requests in flight to hide network latency (25 ms per request: 500 domains in about a second), still
        /// well under the 64 connections the shared client opens to one endpoint. Throttling answers are retried.
        /// </summary>
        public const int DefaultThrottleLimit = 32;

        /// <summary>How many names an abort message lists before it says "and N more".</summary>
        private const int NamesListed = 20;

        private readonly List<string> _changed = new List<string>();
        private BatchRunner? _batch;
        private bool _yesToAll;
        private bool _noToAll;

        /// <summary>How many inputs are processed at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>Write each result as soon as its input is done instead of in input order.</summary>
        [Parameter]
        public SwitchParameter AsCompleted { get; set; }

        /// <summary>
        /// The connection to act in: by property name, so objects an earlier command wrote (which carry their Context) are
        /// each worked on in their own region and project. Typed on the command line, it applies to every input.
        /// Default: the runspace's default context.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ApigContextTransformation]
        public ApigContext? Context { get; set; }

        private CommandConnection? _current;

        /// <summary>
        /// The current input's connection (its -Context, or the default), chosen in <see cref="ProcessInput"/>. Read it, and
        /// <see cref="Session"/>, <see cref="Client"/> and the engine objects made from it, only on the pipeline thread while
        /// that input is processed: capture them in locals before building a lambda for StartWork/StartChange or an
        /// ItemStep.Send, because by the time a lambda runs, the current input may be another one, of another region.
        /// </summary>
        private protected CommandConnection Connection =>
            _current ?? throw new InvalidOperationException("No input is being processed: the connection is chosen per input, in ProcessInput.");

        private protected ApigSession Session => Connection.Session;

        private protected ApigClient Client => Connection.Client;

        /// <summary>Items by how they ended; the Verbose summary is made from these.</summary>
        private readonly int[] _counts = new int[Enum.GetValues(typeof(ItemResultKind)).Length];

        /// <summary>What the Verbose summary calls a success, e.g. "bound".</summary>
        private protected abstract string SuccessWord { get; }

        /// <summary>What the Verbose summary calls an item -WhatIf previewed, e.g. "would be bound".</summary>
        private protected virtual string WouldChangeWord => "would be changed";

        /// <summary>What the Verbose summary says of items with nothing to act on, e.g. "without a certificate".</summary>
        private protected virtual string NothingToDoWord => "had nothing to do";

        /// <summary>What the Verbose summary and the abort message count: "domain(s)", "certificate(s)".</summary>
        private protected virtual string ItemNoun => "domain(s)";

        private protected abstract string ProgressActivity { get; }

        /// <summary>
        /// -WhatIf given or inherited ($WhatIfPreference of a calling function or the session): what ShouldProcess
        /// will answer without asking. Only used to word the preview; the decision is always ShouldProcess's.
        /// </summary>
        private protected bool IsWhatIf =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? bound)
                ? bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        protected override void BeginProcessing()
        {
            // A -Context typed on the command line applies to every input: one that cannot be used ends the command before
            // any input is read. Piped contexts are checked per input, each failing only its own input.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Context)) && Context != null)
            {
                try
                {
                    ConnectionOf(ResolveSession(Context));
                }
                catch (ApigInputException ex)
                {
                    ThrowTerminatingError(NoSessionRecord(ex, Context));
                }
            }
            else
            {
                RequireConnected();
            }

            _batch = new BatchRunner(this, Wake, ThrottleLimit, !AsCompleted.IsPresent, ProgressActivity, StopToken) { HaltOnFailure = StopsOnError() };
        }

        /// <summary>
        /// Runs <paramref name="process"/> for the current input on the pipeline thread: an input error it throws becomes
        /// that input's error record (written at once), then whatever finished meanwhile is written.
        /// </summary>
        private protected void ProcessInput(Func<string> target, Action process)
        {
            Guarded(() =>
            {
                string shown = target();
                try
                {
                    _current = null;
                    _current = ConnectionOf(ResolveSession(Context));
                    process();
                }
                catch (Exception ex) when (IsItemFailure(ex))
                {
                    // Written at once, not in order: with -ErrorAction Stop a bad row must end the batch before the
                    // input held so far is started.
                    Log.Drain(this);
                    ReportItemError(ErrorRecords.ForItem(Unwrap(ex), shown));
                }

                _batch!.DeliverReady();
            });
        }

        protected override void EndProcessing()
        {
            Guarded(() => _batch!.Complete());
            int previewed = Counted(ItemResultKind.Previewed);
            int declined = Counted(ItemResultKind.Declined);
            int nothingToDo = Counted(ItemResultKind.NothingToDo);
            WriteVerbose(string.Format(
                CultureInfo.InvariantCulture,
                "{0} {1}: {2} {3}, {4} unchanged, {5} failed{6}{7}{8}{9}{10}.",
                _counts.Sum(), ItemNoun, Counted(ItemResultKind.Succeeded), SuccessWord, Counted(ItemResultKind.Unchanged), Counted(ItemResultKind.Failed),
                previewed > 0 ? ", " + previewed.ToString(CultureInfo.InvariantCulture) + " " + WouldChangeWord + " (-WhatIf)" : string.Empty,
                declined > 0 ? ", " + declined.ToString(CultureInfo.InvariantCulture) + " skipped" : string.Empty,
                nothingToDo > 0 ? "; " + nothingToDo.ToString(CultureInfo.InvariantCulture) + " " + NothingToDoWord : string.Empty,
                SummaryDetail(),
                ContextsDetail()));
        }

        // Only when the batch spanned several connections: which ones, so a multi-region run says where it acted.
        private string ContextsDetail() =>
            Connections.Count > 1
                ? "; across " + Connections.Count.ToString(CultureInfo.InvariantCulture) + " contexts: " +
                  string.Join("; ", Connections.Select(c => c.Context.Region + " " + c.Context.ProjectId))
                : string.Empty;

        private int Counted(ItemResultKind kind) => _counts[(int)kind];

        /// <summary>More for the end of the Verbose summary, e.g. how often the certificate input was parsed.</summary>
        private protected virtual string SummaryDetail() => string.Empty;

        /// <summary>A read-only item: its result (or failure) is written in input order, or as it finishes with -AsCompleted.</summary>
        private protected void StartWork(string target, Func<CancellationToken, Task<ItemResult>> work)
        {
            ApigContext context = Connection.Context;
            _batch!.Start(target, async ct => Stamped(await work(ct).ConfigureAwait(false), context));
        }

        /// <summary>
        /// A changing item: a concurrent read, then <paramref name="decide"/> on the pipeline thread (ShouldProcess, the
        /// prompt), then the change it returns, concurrently.
        /// </summary>
        private protected void StartChange<TState>(string target, Func<CancellationToken, Task<TState>> read, Func<TState, ItemStep> decide)
        {
            ApigContext context = Connection.Context;
            _batch!.Start<TState>(target, read, state =>
            {
                try
                {
                    ItemStep step = decide(state);
                    if (step.Change is { } change)
                    {
                        return ItemStep.Send(async ct => Stamped(await change(ct).ConfigureAwait(false), context));
                    }

                    return ItemStep.Done(Stamped(step.Result!, context));
                }
                catch (Exception ex) when (IsItemFailure(ex))
                {
                    return ItemStep.Done(ItemResult.Failed(Unwrap(ex)));
                }
            });
        }

        // Every object an item writes remembers the connection it came from (see IApigContextBound).
        private static ItemResult Stamped(ItemResult result, ApigContext context)
        {
            foreach (object output in result.Outputs)
            {
                Stamp(output, context);
            }

            return result;
        }

        /// <summary>
        /// What an item ShouldProcess said no to comes to: under -WhatIf (given or inherited) a preview of a change that
        /// would have been sent, otherwise an item declined at the prompt.
        /// </summary>
        private protected ItemResult NotConfirmed() => IsWhatIf ? ItemResult.Previewed() : ItemResult.Declined();

        /// <summary>
        /// The question of a ConfirmImpact High cmdlet. ShouldProcess always runs (so -WhatIf, given or inherited from a
        /// calling function or the session, never sends anything). <paramref name="force"/>, -Confirm:$false and
        /// $ConfirmPreference = 'None' skip only the question; a session that cannot show it gets an error that says what
        /// to add. <paramref name="action"/> is lower-case, e.g. "delete certificate 'x' (id ...)".
        /// </summary>
        private protected bool ConfirmedHighImpact(string target, string action, bool force)
        {
            string caption = MyInvocation.MyCommand.Name;
            try
            {
                if (!ShouldProcess("Would " + action + ".", Capitalized(action) + "?", caption))
                {
                    return false;
                }

                if (force || ConfirmationAnswered())
                {
                    return true;
                }

                return ShouldContinue(Capitalized(action) + "?", caption, ref _yesToAll, ref _noToAll);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException)
            {
                throw new PSInvalidOperationException(
                    caption + " asks before it changes anything, and this session is non-interactive, so it cannot ask. Nothing was changed for " +
                    target + ". Add -Force to go ahead without asking" +
                    (MyInvocation.BoundParameters.ContainsKey("Confirm") ? " (and leave out -Confirm)" : string.Empty) + ", or -WhatIf to see what would be done.",
                    ex);
            }
        }

        // True when ShouldProcess already asked (-Confirm, $ConfirmPreference Medium or Low) or the caller opted out of
        // questions (-Confirm:$false, $ConfirmPreference None).
        private bool ConfirmationAnswered()
        {
            if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            object? preference = SessionState.PSVariable.GetValue("ConfirmPreference");
            return LanguagePrimitives.TryConvertTo(preference is PSObject wrapped ? wrapped.BaseObject : preference, out ConfirmImpact impact)
                && impact != ConfirmImpact.High;
        }

        private protected static string Capitalized(string text) => text.Length == 0 ? text : text.Substring(0, 1).ToUpperInvariant() + text.Substring(1);

        void IBatchSink.Write(ItemOutcome outcome) => Deliver(outcome);

        void IBatchSink.Progress(ProgressRecord record) => StreamWriter.Progress(this, record);

        void IBatchSink.DrainLog() => Log.Drain(this);

        private void Deliver(ItemOutcome outcome)
        {
            ItemResult result = outcome.Result;
            if (result.Kind == ItemResultKind.Failed)
            {
                ReportItemError(ErrorRecords.ForItem(result.Failure!, outcome.Target));
                return;
            }

            _counts[(int)result.Kind]++;
            if (outcome.ChangeSent)
            {
                _changed.Add(outcome.Target.ToString() ?? string.Empty);
            }

            foreach (object output in result.Outputs)
            {
                WriteObject(output);
            }
        }

        // Under -ErrorAction Stop, WriteError itself ends the command with that record, before the batch could say what
        // it had already changed; so the stop is taken here and the record is completed first.
        private void ReportItemError(ErrorRecord record)
        {
            if (StopsOnError())
            {
                throw new ItemErrorStop(record);
            }

            _counts[(int)ItemResultKind.Failed]++;
            WriteError(record);
        }

        private protected bool StopsOnError()
        {
            object? preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? bound)
                ? bound
                : SessionState.PSVariable.GetValue("ErrorActionPreference");
            return LanguagePrimitives.TryConvertTo(preference is PSObject wrapped ? wrapped.BaseObject : preference, out ActionPreference action)
                && action == ActionPreference.Stop;
        }

        /// <summary>
        /// Any end that is not the normal one (-ErrorAction Stop on an item's error, a prompt that cannot be shown, an
        /// error from downstream, Ctrl+C) cancels what is in flight at once, writes what finished where PowerShell still
        /// allows it, and names in the terminating error every domain whose change was sent, so nothing changes unseen.
        /// </summary>
        private void Guarded(Action body)
        {
            try
            {
                body();
            }
            catch (PipelineStoppedException)
            {
                _batch?.Abort();
                throw;
            }
            catch (Exception ex) when (_batch != null && !(ex is ApigBatchStoppedException))
            {
                BatchAbortReport report = _batch.Abort();
                var unwrittenChanges = new List<string>();
                foreach (ItemOutcome outcome in report.Unwritten)
                {
                    if (outcome.ChangeSent)
                    {
                        unwrittenChanges.Add(outcome.Target.ToString() ?? string.Empty);
                    }

                    try
                    {
                        Deliver(outcome);
                    }
                    catch (Exception)
                    {
                        // Writing is no longer possible (the pipeline is ending): the message below still names them.
                    }
                }

                var changed = _changed.Union(unwrittenChanges).ToList();
                if (changed.Count == 0 && report.InFlight.Count == 0)
                {
                    if (ex is ItemErrorStop stop)
                    {
                        _counts[(int)ItemResultKind.Failed]++;
                        ThrowTerminatingError(stop.ErrorRecord);
                    }

                    throw;
                }

                ThrowTerminatingError(StoppedRecord(ex, changed, report));
            }
        }

        private ErrorRecord StoppedRecord(Exception cause, List<string> changed, BatchAbortReport report)
        {
            ErrorRecord? original = (cause as IContainsErrorRecord)?.ErrorRecord;
            string reason = original?.ErrorDetails?.Message ?? original?.Exception.Message ?? cause.Message;
            string message = "The batch stopped: " + reason.TrimEnd('.') + ".";
            if (changed.Count > 0)
            {
                message += " " + changed.Count.ToString(CultureInfo.InvariantCulture) + " " + ItemNoun + " were already " + SuccessWord + ": " + Names(changed) + ".";
            }

            if (report.InFlight.Count > 0)
            {
                message += " " + report.InFlight.Count.ToString(CultureInfo.InvariantCulture) +
                           " request(s) were cancelled in flight and may have taken effect: " + Names(report.InFlight) + ".";
            }

            string errorId = original?.FullyQualifiedErrorId.Split(',')[0] ?? "BatchStopped";
            var record = new ErrorRecord(
                new ApigBatchStoppedException(message, changed, report.InFlight, cause),
                errorId,
                original?.CategoryInfo.Category ?? ErrorCategory.OperationStopped,
                original?.TargetObject);
            record.ErrorDetails = new ErrorDetails(message)
            {
                // Said of every kind of item (domains, stored certificates), and of removals too, where a re-run finds them gone.
                RecommendedAction = "Fix the cause and run the same command again: what is already done is not sent again, and the rest is done.",
            };
            return record;
        }

        private static string Names(IReadOnlyCollection<string> names) =>
            string.Join(", ", names.Take(NamesListed)) +
            (names.Count > NamesListed ? " and " + (names.Count - NamesListed).ToString(CultureInfo.InvariantCulture) + " more" : string.Empty);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _batch?.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>An item's error under -ErrorAction Stop, on its way to ending the batch.</summary>
    internal sealed class ItemErrorStop : Exception, IContainsErrorRecord
    {
        public ItemErrorStop(ErrorRecord record)
            : base(record.Exception.Message, record.Exception) => ErrorRecord = record;

        public ErrorRecord ErrorRecord { get; }
    }

    /// <summary>A batch ended early; names the domains whose change was sent before it ended.</summary>
    public sealed class ApigBatchStoppedException : Exception
    {
        public ApigBatchStoppedException(string message, IReadOnlyList<string> changed, IReadOnlyList<string> inFlight, Exception innerException)
            : base(message, innerException)
        {
            Changed = changed;
            InFlight = inFlight;
        }

        /// <summary>Domains whose change the server confirmed.</summary>
        public IReadOnlyList<string> Changed { get; }

        /// <summary>Domains whose change was cancelled before an answer: it may or may not have taken effect.</summary>
        public IReadOnlyList<string> InFlight { get; }
    }
}
