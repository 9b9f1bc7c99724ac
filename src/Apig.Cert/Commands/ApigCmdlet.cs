using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of every Apig.Cert cmdlet: one cancellation source tied to Ctrl+C (StopProcessing), a log queue drained
    /// on the pipeline thread, and the connection lookup.
    /// </summary>
    public abstract class ApigCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopSource = new CancellationTokenSource();
        private PipelineLog? _log;

        protected ApigCmdlet()
        {
            _stopSource.Token.Register(Wake.Set);
        }

        private protected CancellationToken StopToken => _stopSource.Token;

        /// <summary>What the pipeline thread sleeps on while engine work runs: log lines, finished work, Ctrl+C.</summary>
        private protected PipelineSignal Wake { get; } = new PipelineSignal();

        private protected PipelineLog Log => _log ??= new PipelineLog(StreamEnabled("Verbose"), StreamEnabled("Debug"), Wake);

        protected override void StopProcessing() => _stopSource.Cancel();

        // The engine skips building lines (and redacting bodies) nobody will see.
        private bool StreamEnabled(string stream) => StreamWriter.IsEnabled(this, stream);

        /// <summary>Hides Cmdlet.WriteVerbose for every command of the module: never prompts, whatever the preference.</summary>
        public new void WriteVerbose(string text) => StreamWriter.Verbose(this, text);

        /// <summary>Hides Cmdlet.WriteDebug: never prompts (-Debug is Inquire on Windows PowerShell).</summary>
        public new void WriteDebug(string text) => StreamWriter.Debug(this, text);

        /// <summary>Hides Cmdlet.WriteWarning: never prompts (-Debug makes Warning Inquire).</summary>
        public new void WriteWarning(string text) => StreamWriter.Warning(this, text);

        /// <summary>Hides Cmdlet.WriteProgress: left out under an Inquire preference rather than prompting.</summary>
        public new void WriteProgress(ProgressRecord progressRecord) => StreamWriter.Progress(this, progressRecord);

        /// <summary>The current runspace's session, or a terminating error that says to run Connect-Apig.</summary>
        private protected ApigSession RequireSession()
        {
            ApigSession? session = SessionRegistry.Current;
            if (session is null)
            {
                ThrowTerminatingError(ErrorRecords.NotConnected(MyInvocation.MyCommand.Name));
            }

            return session!;
        }

        /// <summary>
        /// Waits for engine work on the pipeline thread, forwarding its log lines as they arrive, so Verbose output
        /// appears while a slow request is still running.
        /// </summary>
        private protected T Await<T>(Task<T> task)
        {
            WaitFor(task);
            return task.GetAwaiter().GetResult();
        }

        private protected void Await(Task task)
        {
            WaitFor(task);
            task.GetAwaiter().GetResult();
        }

        // Sleeps until the task ends or a log line or Ctrl+C wakes the thread. After Ctrl+C the command is ending, so
        // it does not wait for a task that has not yet noticed the cancellation (its failure is observed regardless).
        private void WaitFor(Task task)
        {
            if (!task.IsCompleted)
            {
                task.ContinueWith(
                    (done, signal) =>
                    {
                        _ = done.Exception;
                        ((PipelineSignal)signal!).Set();
                    },
                    Wake,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                while (!task.IsCompleted)
                {
                    Log.Drain(this);
                    if (task.IsCompleted)
                    {
                        break;
                    }

                    if (StopToken.IsCancellationRequested)
                    {
                        throw new PipelineStoppedException();
                    }

                    Wake.Wait();
                }
            }

            Log.Drain(this);
        }

        /// <summary>
        /// True for a failure of the current item, which becomes its error record while the batch goes on. PowerShell's
        /// own exceptions (a stopped pipeline, a prompt refused in a non-interactive session) and Ctrl+C end the command.
        /// </summary>
        private protected bool IsItemFailure(Exception exception) =>
            !StopToken.IsCancellationRequested && !(Unwrap(exception) is IContainsErrorRecord);

        private protected void WriteFailure(Exception exception, object? target)
        {
            Log.Drain(this);
            WriteError(ErrorRecords.From(Unwrap(exception), target));
        }

        private protected static Exception Unwrap(Exception exception) =>
            exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : exception;

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _stopSource.Dispose();
            }
        }
    }
}
