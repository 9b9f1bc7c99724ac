using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert
{
    /// <summary>What one piped input came to: a result object (or nothing), or the failure for its error record.</summary>
    internal sealed class ItemOutcome
    {
        public ItemOutcome(object target, object? result, Exception? failure, bool changeSent)
        {
            Target = target;
            Result = result;
            Failure = failure;
            ChangeSent = changeSent;
        }

        public object Target { get; }

        public object? Result { get; }

        public Exception? Failure { get; }

        /// <summary>True once the item's change request (its second phase) was started: the server may have applied it.</summary>
        public bool ChangeSent { get; }
    }

    /// <summary>What the pipeline thread decided for an item after its read: a final result, a failure, or a change to send.</summary>
    internal sealed class ItemStep
    {
        private ItemStep(object? result, Exception? failure, Func<CancellationToken, Task<object?>>? change)
        {
            Result = result;
            Failure = failure;
            Change = change;
        }

        public object? Result { get; }

        public Exception? Failure { get; }

        public Func<CancellationToken, Task<object?>>? Change { get; }

        public static ItemStep Done(object? result) => new ItemStep(result, null, null);

        public static ItemStep Fail(Exception failure) => new ItemStep(null, failure, null);

        public static ItemStep Send(Func<CancellationToken, Task<object?>> change) => new ItemStep(null, null, change);
    }

    /// <summary>What a batch ended with when it was cut short: the items whose change the server may hold.</summary>
    internal sealed class BatchAbortReport
    {
        public List<ItemOutcome> Unwritten { get; } = new List<ItemOutcome>();

        /// <summary>Changes that were sent and cancelled before an answer: they may or may not have taken effect.</summary>
        public List<string> InFlight { get; } = new List<string>();

        /// <summary>Failures not yet written when the batch ended.</summary>
        public List<string> Failed { get; } = new List<string>();
    }

    /// <summary>
    /// Runs the per-item network work of a cmdlet concurrently, at most ThrottleLimit requests at a time, while every
    /// Write*, ShouldProcess and prompt stays on the pipeline thread.
    /// <para>An item is one request (a read), or two phases: a concurrent read, a decision on the pipeline thread
    /// (ShouldProcess: -WhatIf and -Confirm then know what would really change), and a concurrent change. Results are
    /// written in input order by default (a reorder buffer bounded by the backlog limit) or as they finish.</para>
    /// <para>Nothing starts until the input in hand has been checked: work is held while items keep arriving back to
    /// back (an array, a CSV) and released once input ends, pauses, or fills the backlog. A bad row found locally then
    /// stops a batch with -ErrorAction Stop before anything was sent.</para>
    /// <para>On any termination <see cref="Abort"/> cancels what is in flight at once and says which changes were
    /// sent, so the command can report them.</para>
    /// </summary>
    internal sealed class BatchRunner : IDisposable
    {
        private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>How long input may pause before held work starts: longer than the gap between piped array items.</summary>
        private static readonly TimeSpan s_inputPause = TimeSpan.FromMilliseconds(100);

        /// <summary>How many items may wait per slot before input is slowed down: 32 slots hold up to 1,024.</summary>
        private const int MaxBacklogPerSlot = 32;

        private readonly PSCmdlet _cmdlet;
        private readonly PipelineLog _log;
        private readonly int _throttleLimit;
        private readonly bool _inInputOrder;
        private readonly CancellationTokenSource _abort;
        private readonly Action<ItemOutcome> _deliver;
        private readonly string _activity;
        private readonly object _gate = new object();
        private readonly LinkedList<Launchable> _pending = new LinkedList<Launchable>();
        private readonly BlockingCollection<Finished> _finished = new BlockingCollection<Finished>();
        private readonly Dictionary<long, ItemOutcome> _reorder = new Dictionary<long, ItemOutcome>();
        private readonly Dictionary<long, Finished> _awaitingTurn = new Dictionary<long, Finished>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Timer _releaseTimer;
        private TimeSpan _lastProgress = TimeSpan.Zero;
        private TimeSpan _firstCompletion = TimeSpan.Zero;
        private long _lastInputTicks;
        private long _nextToDeliver;
        private long _nextToDecide;
        private int _inFlight;
        private long _queued;
        private long _delivered;
        private bool _inputComplete;
        private bool _progressShown;
        private volatile bool _released;
        private volatile bool _disposed;

        public BatchRunner(PSCmdlet cmdlet, PipelineLog log, int throttleLimit, bool inInputOrder, string activity, Action<ItemOutcome> deliver, CancellationToken stop)
        {
            _cmdlet = cmdlet;
            _log = log;
            _throttleLimit = Math.Max(1, throttleLimit);
            _inInputOrder = inInputOrder;
            _activity = activity;
            _deliver = deliver;
            _abort = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _releaseTimer = new Timer(_ => ReleaseAfterPause(), null, s_poll, s_poll);
        }

        private CancellationToken Token => _abort.Token;

        /// <summary>Queues a one-request item. Called on the pipeline thread only.</summary>
        public void Start(object target, Func<CancellationToken, Task<object?>> work) => Start(target, work, null);

        /// <summary>
        /// Queues an item; it starts as soon as a slot is free. With <paramref name="decide"/>, the read's result is
        /// handed to it on the pipeline thread, and what it returns ends the item or sends its change. The queue is
        /// bounded: past <see cref="MaxBacklogPerSlot"/> items per slot the pipeline thread waits, delivering results,
        /// so a 50,000-domain pipeline streams instead of being held in memory.
        /// </summary>
        public void Start(object target, Func<CancellationToken, Task<object?>> read, Func<object?, ItemStep>? decide)
        {
            while (_queued - _delivered >= _throttleLimit * MaxBacklogPerSlot)
            {
                _released = true;
                Pump();
                WaitForOne();
            }

            ThrowIfStopped();
            var item = new Launchable(_queued, target, read, decide, isChange: false);
            lock (_gate)
            {
                _pending.AddLast(item);
            }

            _queued++;
            Interlocked.Exchange(ref _lastInputTicks, _clock.Elapsed.Ticks);
            Pump();
            DeliverReady();
        }

        /// <summary>Delivers whatever has finished, without waiting.</summary>
        public void DeliverReady()
        {
            while (_finished.TryTake(out Finished? done))
            {
                Handle(done);
            }

            _log.Drain(_cmdlet);
            ReportProgress();
        }

        /// <summary>All input received: waits for the rest, delivering each outcome as it arrives.</summary>
        public void Complete()
        {
            _inputComplete = true;
            _released = true;
            Pump();
            while (_delivered < _queued)
            {
                WaitForOne();
            }

            _log.Drain(_cmdlet);
            if (_progressShown)
            {
                StreamWriter.Progress(_cmdlet, new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        /// <summary>True once any request of this batch was started.</summary>
        public bool AnythingStarted { get; private set; }

        /// <summary>
        /// Ends the batch now: nothing new starts, what is in flight is cancelled, and the outcomes not yet written
        /// come back (finished ones to write where PowerShell still allows it, changes cut off in flight by name).
        /// </summary>
        public BatchAbortReport Abort()
        {
            _released = false;
            lock (_gate)
            {
                _pending.Clear();
            }

            _abort.Cancel();
            while (Volatile.Read(ref _inFlight) > 0)
            {
                Thread.Sleep(10);
            }

            var report = new BatchAbortReport();
            var leftovers = new List<(long Sequence, ItemOutcome Outcome)>();
            while (_finished.TryTake(out Finished? done))
            {
                // A read still waiting for its decision changed nothing.
                if (done.Item.Decide is null || done.Item.IsChange)
                {
                    leftovers.Add((done.Item.Sequence, done.ToOutcome()));
                }
            }

            foreach (Finished waiting in _awaitingTurn.Values)
            {
                if (waiting.Item.Decide is null)
                {
                    leftovers.Add((waiting.Item.Sequence, waiting.ToOutcome()));
                }
            }

            _awaitingTurn.Clear();
            leftovers.AddRange(_reorder.Select(entry => (entry.Key, entry.Value)));
            _reorder.Clear();
            foreach (var (_, outcome) in leftovers.OrderBy(entry => entry.Sequence))
            {
                if (outcome.Failure is null)
                {
                    report.Unwritten.Add(outcome);
                }
                else if (outcome.ChangeSent && outcome.Failure is OperationCanceledException)
                {
                    report.InFlight.Add(outcome.Target.ToString() ?? string.Empty);
                }
                else
                {
                    report.Failed.Add(outcome.Target.ToString() ?? string.Empty);
                }
            }

            return report;
        }

        public void Dispose()
        {
            _disposed = true;
            _abort.Cancel();
            _releaseTimer.Dispose();
            _abort.Dispose();
            _finished.Dispose();
        }

        private void WaitForOne()
        {
            if (_finished.TryTake(out Finished? done, s_poll))
            {
                Handle(done);
            }
            else
            {
                ThrowIfStopped();
            }

            _log.Drain(_cmdlet);
            ReportProgress();
        }

        private void ReleaseAfterPause()
        {
            if (_disposed || _released || _queued == 0)
            {
                return;
            }

            if (_clock.Elapsed.Ticks - Interlocked.Read(ref _lastInputTicks) >= s_inputPause.Ticks)
            {
                _released = true;
                Pump();
            }
        }

        // Runs on the pipeline thread. In input order, reads are also decided in input order, so -WhatIf lines and
        // -Confirm prompts follow the input the way the results do; the reads themselves still run concurrently.
        private void Handle(Finished done)
        {
            if (!_inInputOrder || done.Item.IsChange)
            {
                HandleInTurn(done);
                return;
            }

            _awaitingTurn[done.Item.Sequence] = done;
            while (_awaitingTurn.TryGetValue(_nextToDecide, out Finished? next))
            {
                _awaitingTurn.Remove(_nextToDecide);
                _nextToDecide++;
                HandleInTurn(next);
            }
        }

        // A read that finished either needs its decision or is the item's outcome.
        private void HandleInTurn(Finished done)
        {
            Launchable item = done.Item;
            if (item.Decide != null && !item.IsChange && done.Failure is null)
            {
                ThrowIfStopped();
                ItemStep step = item.Decide(done.Result);
                if (step.Change != null)
                {
                    var change = new Launchable(item.Sequence, item.Target, step.Change, null, isChange: true);
                    lock (_gate)
                    {
                        // Ahead of new reads: a decided change should not wait behind the backlog.
                        _pending.AddFirst(change);
                    }

                    Pump();
                    return;
                }

                Ready(item.Sequence, new ItemOutcome(item.Target, step.Result, step.Failure, changeSent: false));
                return;
            }

            Ready(item.Sequence, done.ToOutcome());
        }

        private void Ready(long sequence, ItemOutcome outcome)
        {
            if (!_inInputOrder)
            {
                Deliver(outcome);
                return;
            }

            _reorder[sequence] = outcome;
            while (_reorder.TryGetValue(_nextToDeliver, out ItemOutcome? next))
            {
                _reorder.Remove(_nextToDeliver);
                _nextToDeliver++;
                Deliver(next);
            }
        }

        // Starts queued items while slots are free. Runs on the pipeline thread, the release timer and the thread of a finishing item.
        private void Pump()
        {
            var launch = new List<Launchable>();
            lock (_gate)
            {
                while (!Stopping && _inFlight < _throttleLimit && _pending.Count > 0 && (_released || _pending.First.Value.IsChange))
                {
                    _inFlight++;
                    Launchable next = _pending.First.Value;
                    _pending.RemoveFirst();
                    launch.Add(next);
                }
            }

            foreach (Launchable item in launch)
            {
                Launch(item);
            }
        }

        private bool Stopping => _disposed || _abort.IsCancellationRequested;

        private void Launch(Launchable item)
        {
            AnythingStarted = true;
            Task<object?> task;
            try
            {
                task = item.Work!(Token);
            }
            catch (Exception ex)
            {
                task = Task.FromException<object?>(ex);
            }

            task.ContinueWith(
                done =>
                {
                    _finished.Add(new Finished(item, done.Status == TaskStatus.RanToCompletion ? done.Result : null, Failure(done)));
                    lock (_gate)
                    {
                        _inFlight--;
                    }

                    Pump();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        private void Deliver(ItemOutcome outcome)
        {
            _delivered++;
            if (_delivered == 1)
            {
                _firstCompletion = _clock.Elapsed;
            }

            // After Ctrl+C, whatever finished late is not written: the command is ending and must not report work
            // the user asked to stop as if it were the normal outcome.
            ThrowIfStopped();
            _deliver(outcome);
        }

        private void ThrowIfStopped()
        {
            if (Token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private void ReportProgress()
        {
            TimeSpan now = _clock.Elapsed;
            if (now - _lastProgress < s_progressInterval || _queued == 0)
            {
                return;
            }

            _lastProgress = now;
            _progressShown = true;
            var record = new ProgressRecord(1, _activity, string.Format(CultureInfo.InvariantCulture,
                "{0} of {1}{2} done, {3} in flight", _delivered, _queued, _inputComplete ? string.Empty : "+", Volatile.Read(ref _inFlight)));
            if (_inputComplete)
            {
                record.PercentComplete = (int)Math.Min(100, _delivered * 100 / _queued);
                if (_delivered > 0)
                {
                    // The rate since the first result, so the start-up (connection, first lookups) does not skew it.
                    double seconds = Math.Max(0.001, (now - _firstCompletion).TotalSeconds);
                    double perSecond = _delivered > 1 ? (_delivered - 1) / seconds : 0;
                    if (perSecond > 0)
                    {
                        record.SecondsRemaining = (int)Math.Ceiling((_queued - _delivered) / perSecond);
                    }
                }
            }

            StreamWriter.Progress(_cmdlet, record);
        }

        private static Exception? Failure(Task task)
        {
            if (task.IsCanceled)
            {
                return new OperationCanceledException("The operation was stopped.");
            }

            if (task.Exception is null)
            {
                return null;
            }

            return task.Exception.InnerExceptions.Count == 1 ? task.Exception.InnerExceptions[0] : task.Exception;
        }

        private sealed class Launchable
        {
            public Launchable(long sequence, object target, Func<CancellationToken, Task<object?>>? work, Func<object?, ItemStep>? decide, bool isChange)
            {
                Sequence = sequence;
                Target = target;
                Work = work;
                Decide = decide;
                IsChange = isChange;
            }

            public long Sequence { get; }

            public object Target { get; }

            public Func<CancellationToken, Task<object?>>? Work { get; }

            public Func<object?, ItemStep>? Decide { get; }

            public bool IsChange { get; }
        }

        private sealed class Finished
        {
            public Finished(Launchable item, object? result, Exception? failure)
            {
                Item = item;
                Result = result;
                Failure = failure;
            }

            public Launchable Item { get; }

            public object? Result { get; }

            public Exception? Failure { get; }

            public ItemOutcome ToOutcome() => new ItemOutcome(Item.Target, Result, Failure, Item.IsChange);
        }
    }
}
