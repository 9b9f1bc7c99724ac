using System;
using System.Collections.Generic;
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
        private readonly Dictionary<ApigSession, CommandConnection> _connections = new Dictionary<ApigSession, CommandConnection>();
        private readonly List<CommandConnection> _connectionsInOrder = new List<CommandConnection>();
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

        /// <summary>A terminating error unless this runspace has at least one connection (checked before any input).</summary>
        private protected void RequireConnected()
        {
            if ((SessionRegistry.Existing?.Count ?? 0) == 0)
            {
                ThrowTerminatingError(ErrorRecords.NotConnected(MyInvocation.MyCommand.Name));
            }
        }

        /// <summary>
        /// The session of <paramref name="context"/>, or with none the runspace's default. Throws an
        /// <see cref="ApigInputException"/> naming the context and the fix: of another runspace, disconnected, unknown,
        /// or no default.
        /// </summary>
        private protected ApigSession ResolveSession(ApigContext? context)
        {
            ApigContextRegistry? registry = SessionRegistry.Existing;
            if (context != null)
            {
                return (registry ?? SessionRegistry.ForCurrentRunspace ?? throw NotConnectedInput()).Resolve(context);
            }

            if (registry?.Default is { } session)
            {
                return session;
            }

            if (registry is null || registry.Count == 0)
            {
                throw NotConnectedInput();
            }

            // The id scripts already catch to connect ("NotConnected"): there is no connection this command may use.
            throw new ApigInputException("NotConnected", "Context",
                "No default APIG context in this runspace: " + registry.Count + " context(s) are connected, none of them the default (after Connect-Apig " +
                "-NoDefault, a failed Connect-Apig, or Disconnect-Apig of the default). Pass -Context (Get-ApigContext -ListAvailable lists them), or run " +
                "Connect-Apig again to make a connection the default.");
        }

        private ApigInputException NotConnectedInput() =>
            new ApigInputException("NotConnected", "Context",
                "Not connected to APIG. Run Connect-Apig first (for example: Connect-Apig -Region cn-north-4 -ProjectId <id>), then run " +
                MyInvocation.MyCommand.Name + " again.");

        /// <summary>
        /// The terminating error of a -Context (or default) that cannot be used. Not connected at all keeps its old record;
        /// connected without a default says so under the same id and category.
        /// </summary>
        private protected ErrorRecord NoSessionRecord(ApigInputException cause, object? target)
        {
            if (cause.ErrorId != "NotConnected") return ErrorRecords.From(cause, target);
            ErrorRecord record = ErrorRecords.NotConnected(MyInvocation.MyCommand.Name);
            if ((SessionRegistry.Existing?.Count ?? 0) == 0) return record;
            return new ErrorRecord(new InvalidOperationException(cause.Message, cause), "NotConnected", ErrorCategory.ConnectionError, target)
            {
                ErrorDetails = new ErrorDetails(cause.Message) { RecommendedAction = "Pass -Context, or run Connect-Apig to make a connection the default." },
            };
        }

        /// <summary>
        /// This command's use of <paramref name="session"/>: one client (with this command's log) and the engine objects
        /// made over it, each made on first use and kept for the rest of the command, so caches (groups read once, a
        /// certificate read once) hold per connection and never mix two regions.
        /// </summary>
        private protected CommandConnection ConnectionOf(ApigSession session)
        {
            if (!_connections.TryGetValue(session, out CommandConnection? connection))
            {
                connection = new CommandConnection(session, Log);
                _connections.Add(session, connection);
                _connectionsInOrder.Add(connection);
            }

            return connection;
        }

        /// <summary>Every connection this command used so far, in first-use order (for summaries).</summary>
        private protected IReadOnlyList<CommandConnection> Connections => _connectionsInOrder;

        /// <summary>
        /// Sets <see cref="IApigContextBound.Context"/> on an object about to be written (wrapped in a PSObject or not), so
        /// piping it on acts in the connection it came from.
        /// </summary>
        private protected static void Stamp(object? output, ApigContext context)
        {
            if ((output is PSObject wrapped ? wrapped.BaseObject : output) is IApigContextBound bound)
            {
                bound.Context = context;
            }
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
