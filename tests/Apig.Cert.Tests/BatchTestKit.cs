using System.Collections.Concurrent;
using System.Management.Automation;

namespace Apig.Cert.Tests;

/// <summary>Records what a batch writes, and checks every write comes on the pipeline thread.</summary>
internal sealed class RecordingSink : IBatchSink
{
    private readonly PipelineLog? _log;

    public RecordingSink(PipelineLog? log = null) => _log = log;

    /// <summary>The thread that drives the runner; set by <see cref="PipelineThread"/>.</summary>
    public int PipelineThreadId { get; set; } = Environment.CurrentManagedThreadId;

    public List<ItemOutcome> Outcomes { get; } = new();

    public List<string> LogLines { get; } = new();

    public List<string> OffThreadCalls { get; } = new();

    /// <summary>Completed with the first log line the pipeline thread writes.</summary>
    public TaskCompletionSource<string> FirstLogLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Thrown from Write for a failed item, the way -ErrorAction Stop ends a batch from WriteError.</summary>
    public bool ThrowOnFailure { get; set; }

    public void Write(ItemOutcome outcome)
    {
        CheckThread(nameof(Write));
        Outcomes.Add(outcome);
        if (ThrowOnFailure && outcome.Result.Kind == ItemResultKind.Failed)
        {
            throw new StopOnErrorException();
        }
    }

    public void Progress(ProgressRecord record) => CheckThread(nameof(Progress));

    public void DrainLog()
    {
        CheckThread(nameof(DrainLog));
        while (_log != null && _log.TryTake(out LogLine line))
        {
            LogLines.Add(line.Message);
            FirstLogLine.TrySetResult(line.Message);
        }
    }

    public List<object> Targets() => Outcomes.Select(o => o.Target).ToList();

    private void CheckThread(string call)
    {
        if (Environment.CurrentManagedThreadId != PipelineThreadId)
        {
            lock (OffThreadCalls)
            {
                OffThreadCalls.Add(call);
            }
        }
    }
}

internal sealed class StopOnErrorException : Exception
{
}

/// <summary>Fake work whose end the test decides: it says when it started, then waits for the test.</summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource<ItemResult> _result = new();

    public TaskCompletionSource<bool> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Token { get; private set; }

    /// <summary>The work: ignores cancellation unless <paramref name="honourCancellation"/>, like a request already on the wire.</summary>
    public Task<ItemResult> Run(CancellationToken token, bool honourCancellation = false)
    {
        Token = token;
        if (honourCancellation)
        {
            token.Register(() => _result.TrySetCanceled(token));
        }

        Started.TrySetResult(true);
        return _result.Task;
    }

    public void Succeed(object? output = null) => _result.SetResult(ItemResult.Succeeded(output));

    public void Fail(Exception failure) => _result.SetException(failure);

    public static Gate[] Many(int count) => Enumerable.Range(0, count).Select(_ => new Gate()).ToArray();
}

/// <summary>A dedicated thread that plays PowerShell's pipeline thread, so the test thread can steer the fake work.</summary>
internal static class PipelineThread
{
    /// <summary>Guards against a hang only; no test measures time.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static Task Run(RecordingSink sink, Action body)
    {
        var ready = new ManualResetEventSlim();
        Task task = Task.Factory.StartNew(
            () =>
            {
                sink.PipelineThreadId = Environment.CurrentManagedThreadId;
                ready.Set();
                body();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        ready.Wait();
        return task;
    }

    public static Task Within(this Task task) => task.WaitAsync(HangGuard);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(HangGuard);
}
