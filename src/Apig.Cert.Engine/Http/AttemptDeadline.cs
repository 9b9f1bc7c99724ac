using System;
using System.Threading;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The time one attempt may take, sending and reading the body together, on top of the caller's cancellation. A
    /// struct: one per attempt, and the linked source it wraps is the only allocation it needs.
    /// </summary>
    internal readonly struct AttemptDeadline : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _caller;

        private AttemptDeadline(CancellationTokenSource source, CancellationToken caller)
        {
            _source = source;
            _caller = caller;
        }

        public static AttemptDeadline Start(TimeSpan timeout, CancellationToken caller)
        {
            var source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            source.CancelAfter(timeout);
            return new AttemptDeadline(source, caller);
        }

        /// <summary>Cancelled when the deadline passes or the caller cancels.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>
        /// Whether a cancellation seen now is this attempt's timeout, which is retried, rather than the caller stopping,
        /// which ends everything.
        /// </summary>
        public bool IsTimeout => !_caller.IsCancellationRequested;

        public void Dispose() => _source?.Dispose();
    }
}
