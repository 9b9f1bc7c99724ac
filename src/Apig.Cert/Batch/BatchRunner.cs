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
    /// <summary>
    /// Runs the per-item network work of a cmdlet concurrently, at most ThrottleLimit requests at a time, while every
    /// write, ShouldProcess and prompt stays on the pipeline thread.
    /// <para>An item is one request (a read), or two phases: a concurrent read, a decision on the pipeline thread
    /// (ShouldProcess: -WhatIf and -Confirm then know what would really change), and a concurrent change. Results are
    /// written in input order by default (a reorder buffer bounded by the backlog limit) or as they finish.</para>
    /// <para>Nothing starts until the input in hand has been checked: work is held while items keep arriving back to
    /// back (an array, a CSV) and released once input ends, pauses, or fills the backlog. A bad row found locally then
    /// stops a batch with -ErrorAction Stop before anything was sent.</para>
    /// <para>While it waits, the pipeline thread sleeps on one <see cref="PipelineSignal"/>, set by a finishing item, a
    /// queued log line, a progress tick and Ctrl+C; it never polls.</para>
    /// <para>On any termination <see cref="Abort"/> cancels what is in flight at once and says which changes were
    /// sent, so the command can report them.</para>
    /// </summary>
    internal sealed class BatchRunner : IDisposable
    {
        private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>How long input may pause before held work starts: longer than the gap between piped array items.</summary>
        private static readonly TimeSpan s_inputPause = TimeSpan.FromMilliseconds(100);

        /// <summary>How many items may wait per slot before input is slowed down: 32 slots hold up to 1,024.</summary>
        internal const int MaxBacklogPerSlot = 32;

        private readonly IBatchSink _sink;
        private readonly PipelineSignal _wake;
        private readonly int _throttleLimit;
        private readonly bool _inInputOrder;
        private readonly string _activity;
        private readonly TimeSpan _inputPause;
        private readonly TimeSpan _progressInterval;
        private readonly CancellationTokenSource _abort;
        private readonly CancellationToken _token;
        private readonly object _gate = new object();
        private readonly LinkedList<Launchable> _pending = new LinkedList<Launchable>();

        // Never disposed: a task cancelled by Abort or Dispose may still finish and add to it afterwards.
        private readonly ConcurrentQueue<Finished> _finished = new ConcurrentQueue<Finished>();
        private readonly Dictionary<long, ItemOutcome> _reorder = new Dictionary<long, ItemOutcome>();
        private readonly Dictionary<long, Finished> _awaitingTurn = new Dictionary<long, Finished>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Timer _releaseTimer;
        private Timer? _progressTicker;
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
        private bool _releaseArmed;
        private volatile bool _released;
        private volatile bool _disposed;
        private bool _halted;

        /// <remarks><paramref name="inputPause"/>: how long input must pause before held work starts (default 100 ms);
        /// Timeout.InfiniteTimeSpan holds it until the backlog fills or input ends, so a test decides when work starts.
        /// <paramref name="progressInterval"/>: how often progress is refreshed while nothing else happens (default 250 ms);
        /// Timeout.InfiniteTimeSpan refreshes it only on other events.</remarks>
        public BatchRunner(IBatchSink sink, PipelineSignal wake, int throttleLimit, bool inInputOrder, string activity, CancellationToken stop,
            TimeSpan? inputPause = null, TimeSpan? progressInterval = null)
        {
            _sink = sink;
            _wake = wake;
            _throttleLimit = Math.Max(1, throttleLimit);
            _inInputOrder = inInputOrder;
            _activity = activity;
            _inputPause = inputPause ?? s_inputPause;
            _progressInterval = progressInterval ?? s_progressInterval;
            _abort = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _token = _abort.Token;
            _token.Register(wake.Set);
            _releaseTimer = new Timer(_ => ReleaseAfterPause(), null, Timeout.Infinite, Timeout.Infinite);
        }

        /// <summary>
        /// Set under -ErrorAction Stop: once an item fails, no later read is decided, so no change is sent after the failure
        /// that is about to end the batch (its outcome may still wait behind earlier changes in flight).
        /// </summary>
        public bool HaltOnFailure { get; set; }

        /// <summary>The most items that may be queued and not yet written before <see cref="Start(object, Func{CancellationToken, Task{ItemResult}})"/> waits.</summary>
        public int BacklogLimit => _throttleLimit * MaxBacklogPerSlot;

        /// <summary>Queues a one-request item. Called on the pipeline thread only.</summary>
        public void Start(object target, Func<CancellationToken, Task<ItemResult>> work) => Enqueue(target, work, null);

        /// <summary>
        /// Queues a two-phase item: <paramref name="read"/> runs concurrently, its result goes to <paramref name="decide"/>
        /// on the pipeline thread, and what that returns ends the item or sends its change.
        /// </summary>
        public void Start<TState>(object target, Func<CancellationToken, Task<TState>> read, Func<TState, ItemStep> decide) =>
            Enqueue(target, read, finishedRead => decide(((Task<TState>)finishedRead).Result));

        /// <summary>Delivers whatever has finished, without waiting.</summary>
        public void DeliverReady()
        {
            while (_finished.TryDequeue(out Finished? done))
            {
                Handle(done);
            }

            _sink.DrainLog();
            ReportProgress();
        }

        /// <summary>All input received: waits for the rest, delivering each outcome as it arrives.</summary>
        public void Complete()
        {
            _inputComplete = true;
            Release();
            DeliverReady();
            while (_delivered < _queued)
            {
                WaitForEvent();
                DeliverReady();
            }

            _sink.DrainLog();
            if (_progressShown)
            {
                _sink.Progress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

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

            if (!_disposed)
            {
                _abort.Cancel();
            }

            while (Volatile.Read(ref _inFlight) > 0)
            {
                _wake.Wait();
            }

            var report = new BatchAbortReport();
            var leftovers = new List<(long Sequence, ItemOutcome Outcome)>();
            while (_finished.TryDequeue(out Finished? done))
            {
                // A read still waiting for its decision changed nothing.
                if (!done.IsReadToDecide)
                {
                    leftovers.Add((done.Item.Sequence, done.ToOutcome()));
                }
            }

            foreach (Finished waiting in _awaitingTurn.Values)
            {
                if (!waiting.IsReadToDecide)
                {
                    leftovers.Add((waiting.Item.Sequence, waiting.ToOutcome()));
                }
            }

            _awaitingTurn.Clear();
            leftovers.AddRange(_reorder.Select(entry => (entry.Key, entry.Value)));
            _reorder.Clear();
            foreach (var (_, outcome) in leftovers.OrderBy(entry => entry.Sequence))
            {
                Exception? failure = outcome.Result.Failure;
                if (failure is null)
                {
                    report.Unwritten.Add(outcome);
                }
                else if (outcome.ChangeSent && failure is OperationCanceledException)
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

        /// <summary>
        /// Cancels what is still running. Tasks may finish after this returns; they still find everything they touch
        /// usable, and the cancellation source goes with the last of them.
        /// </summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _abort.Cancel();
            bool nothingRunning;
            lock (_gate)
            {
                _disposed = true;
                _releaseTimer.Dispose();
                _progressTicker?.Dispose();
                nothingRunning = _inFlight == 0;
            }

            if (nothingRunning)
            {
                _abort.Dispose();
            }
        }

        private void Enqueue(object target, Func<CancellationToken, Task> work, Func<Task, ItemStep>? decide)
        {
            // Bounded: past the backlog limit the pipeline thread waits, delivering results, so a 50,000-domain
            // pipeline streams instead of being held in memory.
            while (_queued - _delivered >= BacklogLimit)
            {
                Release();
                DeliverReady();
                if (_queued - _delivered < BacklogLimit)
                {
                    break;
                }

                WaitForEvent();
            }

            ThrowIfStopped();
            var item = new Launchable(_queued, target, work, decide, isChange: false);
            lock (_gate)
            {
                _pending.AddLast(item);
            }

            _queued++;
            Interlocked.Exchange(ref _lastInputTicks, _clock.Elapsed.Ticks);
            if (!_released && !_releaseArmed && _inputPause != Timeout.InfiniteTimeSpan)
            {
                _releaseArmed = true;
                ArmRelease(_inputPause);
            }

            Pump();
            DeliverReady();
        }

        // Sleeps until an item finishes, a log line is queued, a progress tick comes or the batch is stopped.
        private void WaitForEvent()
        {
            if (_progressTicker is null && _progressInterval != Timeout.InfiniteTimeSpan)
            {
                _progressTicker = new Timer(_ => _wake.Set(), null, _progressInterval, _progressInterval);
            }

            _wake.Wait();
            ThrowIfStopped();
        }

        private void Release()
        {
            _released = true;
            Pump();
        }

        // Runs on the release timer's thread: held work starts once input has been quiet for the input pause.
        private void ReleaseAfterPause()
        {
            if (_disposed || _released)
            {
                return;
            }

            long quietTicks = _clock.Elapsed.Ticks - Interlocked.Read(ref _lastInputTicks);
            if (quietTicks >= _inputPause.Ticks)
            {
                Release();
            }
            else
            {
                ArmRelease(TimeSpan.FromTicks(_inputPause.Ticks - quietTicks));
            }
        }

        private void ArmRelease(TimeSpan due)
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _releaseTimer.Change(due, Timeout.InfiniteTimeSpan);
                }
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
            if (done.IsReadToDecide)
            {
                ThrowIfStopped();
                if (_halted)
                {
                    Ready(item.Sequence, new ItemOutcome(item.Target, ItemResult.Failed(new OperationCanceledException(
                        "Not started: an earlier input failed, and -ErrorAction Stop ends the command there.")), changeSent: false));
                    return;
                }

                ItemStep step = item.Decide!(done.Task);
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

                NoteFailure(step.Result!);
                Ready(item.Sequence, new ItemOutcome(item.Target, step.Result!, changeSent: false));
                return;
            }

            ItemOutcome outcome = done.ToOutcome();
            NoteFailure(outcome.Result);
            Ready(item.Sequence, outcome);
        }

        private void NoteFailure(ItemResult result)
        {
            if (HaltOnFailure && result.Kind == ItemResultKind.Failed)
            {
                _halted = true;
            }
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

        private bool Stopping => _disposed || _token.IsCancellationRequested;

        private void Launch(Launchable item)
        {
            // On the thread pool: the synchronous start of a request (its body, its signature, the socket write) would
            // otherwise run on the pipeline thread, which is the one serial step of a batch.
            // The item's own task is what finishes it (its decision reads the typed result), so the start is awaited
            // separately; a start that throws finishes the item with that failure.
            Task<Task> started = Task.Factory.StartNew(
                () => item.Work(_token) ?? Task.FromException(new InvalidOperationException("The work of this item returned no task.")),
                CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
            started.ContinueWith(
                start =>
                {
                    if (start.Status != TaskStatus.RanToCompletion)
                    {
                        Finish(item, start);
                        return;
                    }

                    start.Result.ContinueWith(done => Finish(item, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // On the thread that completed the item's task. Must not throw: nothing would observe it.
        private void Finish(Launchable item, Task done)
        {
            // The failure is read here, not when the outcome is written: a batch that ends first still observes it.
            _finished.Enqueue(new Finished(item, done, Failure(done)));
            bool lastAfterDispose;
            lock (_gate)
            {
                _inFlight--;
                lastAfterDispose = _disposed && _inFlight == 0;
            }

            _wake.Set();
            if (lastAfterDispose)
            {
                _abort.Dispose();
            }
            else
            {
                Pump();
            }
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
            _sink.Write(outcome);
        }

        private void ThrowIfStopped()
        {
            if (_token.IsCancellationRequested)
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

            _sink.Progress(record);
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
            public Launchable(long sequence, object target, Func<CancellationToken, Task> work, Func<Task, ItemStep>? decide, bool isChange)
            {
                Sequence = sequence;
                Target = target;
                Work = work;
                Decide = decide;
                IsChange = isChange;
            }

            public long Sequence { get; }

            public object Target { get; }

            /// <summary>A Task of ItemResult, or for a read to decide on, a Task of whatever <see cref="Decide"/> takes.</summary>
            public Func<CancellationToken, Task> Work { get; }

            public Func<Task, ItemStep>? Decide { get; }

            public bool IsChange { get; }
        }

        private sealed class Finished
        {
            public Finished(Launchable item, Task task, Exception? failure)
            {
                Item = item;
                Task = task;
                Failure = failure;
            }

            public Launchable Item { get; }

            public Task Task { get; }

            public Exception? Failure { get; }

            /// <summary>A read that succeeded and waits for its decision: not yet an outcome.</summary>
            public bool IsReadToDecide => Item.Decide != null && Failure is null;

            public ItemOutcome ToOutcome() =>
                new ItemOutcome(
                    Item.Target,
                    Failure != null
                        ? ItemResult.Failed(Failure)
                        : ((Task<ItemResult>)Task).Result ?? ItemResult.Failed(new InvalidOperationException("The work of this item returned no result.")),
                    Item.IsChange);
        }
    }
}
