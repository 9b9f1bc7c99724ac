using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert
{
    /// <summary>What one piped input came to: a result object (or nothing), or the failure for its error record.</summary>
    internal sealed class ItemOutcome
    {
        public ItemOutcome(object target, object? result, Exception? failure)
        {
            Target = target;
            Result = result;
            Failure = failure;
        }

        public object Target { get; }

        public object? Result { get; }

        public Exception? Failure { get; }
    }

    /// <summary>
    /// Runs the per-item network work of a cmdlet concurrently, at most ThrottleLimit items at a time, while every
    /// Write* stays on the pipeline thread. Items are queued as they arrive and started whenever a slot frees up
    /// (from the finishing task itself, so slots stay busy while the pipeline thread waits on upstream commands);
    /// finished items wait in a queue that the pipeline thread drains between items and at the end. Taking all
    /// input at once also lets progress show a percentage and an estimate. Each started item produces exactly one
    /// outcome; after Ctrl+C nothing new starts.
    /// </summary>
    internal sealed class BatchRunner : IDisposable
    {
        private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>How many items may wait per slot before input is slowed down: 32 slots hold up to 1,024.</summary>
        private const int MaxBacklogPerSlot = 32;

        private readonly Cmdlet _cmdlet;
        private readonly PipelineLog _log;
        private readonly int _throttleLimit;
        private readonly CancellationToken _stop;
        private readonly Action<ItemOutcome> _deliver;
        private readonly string _activity;
        private readonly object _gate = new object();
        private readonly Queue<PendingItem> _pending = new Queue<PendingItem>();
        private readonly BlockingCollection<ItemOutcome> _finished = new BlockingCollection<ItemOutcome>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastProgress = TimeSpan.Zero;
        private TimeSpan _firstCompletion = TimeSpan.Zero;
        private int _inFlight;
        private int _queued;
        private int _delivered;
        private bool _inputComplete;
        private bool _progressShown;

        public BatchRunner(Cmdlet cmdlet, PipelineLog log, int throttleLimit, string activity, Action<ItemOutcome> deliver, CancellationToken stop)
        {
            _cmdlet = cmdlet;
            _log = log;
            _throttleLimit = Math.Max(1, throttleLimit);
            _activity = activity;
            _deliver = deliver;
            _stop = stop;
        }

        /// <summary>
        /// Queues one item's work; it starts as soon as a slot is free. Called on the pipeline thread only. The queue
        /// is bounded: past <see cref="MaxBacklogPerSlot"/> items per slot the pipeline thread waits, delivering
        /// results, so a 50,000-domain pipeline streams instead of being held in memory.
        /// </summary>
        public void Start(object target, Func<CancellationToken, Task<object?>> work)
        {
            while (_queued - _delivered >= _throttleLimit * MaxBacklogPerSlot)
            {
                WaitForOne();
            }

            ThrowIfStopped();
            lock (_gate)
            {
                _pending.Enqueue(new PendingItem(target, work));
            }

            _queued++;
            Pump();
            DeliverReady();
        }

        /// <summary>Delivers whatever has finished, without waiting.</summary>
        public void DeliverReady()
        {
            while (_finished.TryTake(out ItemOutcome? outcome))
            {
                Deliver(outcome);
            }

            _log.Drain(_cmdlet);
            ReportProgress();
        }

        /// <summary>All input received: waits for the rest, delivering each outcome as it arrives.</summary>
        public void Complete()
        {
            _inputComplete = true;
            while (_delivered < _queued)
            {
                WaitForOne();
            }

            _log.Drain(_cmdlet);
            if (_progressShown)
            {
                _cmdlet.WriteProgress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        public void Dispose() => _finished.Dispose();

        private void WaitForOne()
        {
            if (_finished.TryTake(out ItemOutcome? outcome, s_poll))
            {
                Deliver(outcome);
            }
            else
            {
                ThrowIfStopped();
            }

            _log.Drain(_cmdlet);
            ReportProgress();
        }

        // Starts queued items while slots are free. Runs on the pipeline thread and on the thread of a finishing item.
        private void Pump()
        {
            var launch = new List<PendingItem>();
            lock (_gate)
            {
                while (!_stop.IsCancellationRequested && _inFlight < _throttleLimit && _pending.Count > 0)
                {
                    _inFlight++;
                    launch.Add(_pending.Dequeue());
                }
            }

            foreach (PendingItem item in launch)
            {
                Launch(item);
            }
        }

        private void Launch(PendingItem item)
        {
            Task<object?> task;
            try
            {
                task = item.Work(_stop);
            }
            catch (Exception ex)
            {
                task = Task.FromException<object?>(ex);
            }

            task.ContinueWith(
                done =>
                {
                    _finished.Add(new ItemOutcome(item.Target, done.Status == TaskStatus.RanToCompletion ? done.Result : null, Failure(done)));
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
            if (_stop.IsCancellationRequested)
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
                record.PercentComplete = Math.Min(100, _delivered * 100 / _queued);
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

            _cmdlet.WriteProgress(record);
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

        private sealed class PendingItem
        {
            public PendingItem(object target, Func<CancellationToken, Task<object?>> work)
            {
                Target = target;
                Work = work;
            }

            public object Target { get; }

            public Func<CancellationToken, Task<object?>> Work { get; }
        }
    }
}
