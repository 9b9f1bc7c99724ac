using System;
using System.Collections.Concurrent;
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
    /// Write* stays on the pipeline thread: work finishes into a queue that the pipeline thread drains between items,
    /// while waiting for a free slot, and at the end. Each started item produces exactly one outcome.
    /// </summary>
    internal sealed class BatchRunner : IDisposable
    {
        private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
        private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);

        private readonly Cmdlet _cmdlet;
        private readonly PipelineLog _log;
        private readonly int _throttleLimit;
        private readonly CancellationToken _stop;
        private readonly Action<ItemOutcome> _deliver;
        private readonly string _activity;
        private readonly BlockingCollection<ItemOutcome> _finished = new BlockingCollection<ItemOutcome>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastProgress = TimeSpan.Zero;
        private int _inFlight;
        private int _started;
        private int _completed;
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
        /// Starts one item's work once a slot is free. Called on the pipeline thread only. Nothing new starts after
        /// Ctrl+C: the stop is raised here instead.
        /// </summary>
        public void Start(object target, Func<CancellationToken, Task<object?>> work)
        {
            while (_inFlight >= _throttleLimit)
            {
                WaitForOne();
            }

            ThrowIfStopped();
            _inFlight++;
            _started++;
            Task<object?> task;
            try
            {
                task = work(_stop);
            }
            catch (Exception ex)
            {
                task = Task.FromException<object?>(ex);
            }

            task.ContinueWith(
                done => _finished.Add(new ItemOutcome(target, done.Status == TaskStatus.RanToCompletion ? done.Result : null, Failure(done))),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
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
            while (_inFlight > 0)
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
            ItemOutcome? outcome;
            while (!_finished.TryTake(out outcome, s_poll))
            {
                ThrowIfStopped();
                _log.Drain(_cmdlet);
                ReportProgress();
            }

            Deliver(outcome);
            DeliverReady();
        }

        private void Deliver(ItemOutcome outcome)
        {
            _inFlight--;
            _completed++;
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
            if (now - _lastProgress < s_progressInterval || _started == 0)
            {
                return;
            }

            _lastProgress = now;
            _progressShown = true;
            var record = new ProgressRecord(1, _activity, string.Format(CultureInfo.InvariantCulture,
                "{0} of {1}{2} done, {3} in flight", _completed, _started, _inputComplete ? string.Empty : "+", _inFlight));
            if (_inputComplete && _started > 0)
            {
                record.PercentComplete = Math.Min(100, _completed * 100 / _started);
                if (_completed > 0)
                {
                    double secondsPerItem = now.TotalSeconds / _completed;
                    record.SecondsRemaining = (int)Math.Ceiling(secondsPerItem * (_started - _completed));
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
    }
}
