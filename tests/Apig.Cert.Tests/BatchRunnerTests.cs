using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace Apig.Cert.Tests;

/// <summary>
/// The batch protocol of the cmdlets, without PowerShell: fake work the test finishes through gates, a sink that
/// records writes, and a dedicated thread in the role of the pipeline thread. Input is held until Complete (or a full
/// backlog), never released by the input-pause timer, so each test decides when work starts; no progress tick runs,
/// so only the events under test can wake the pipeline thread.
/// </summary>
public sealed class BatchRunnerTests
{
    private static BatchRunner Runner(RecordingSink sink, int throttleLimit, bool inInputOrder, CancellationToken stop = default, PipelineSignal? wake = null) =>
        new(sink, wake ?? new PipelineSignal(), throttleLimit, inInputOrder, "Testing", stop, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    [Theory]
    [InlineData(true, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(false, new[] { 4, 2, 0, 3, 1 })]
    public async Task Outcomes_come_in_input_order_by_default_and_in_completion_order_with_AsCompleted(bool inInputOrder, int[] expected)
    {
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 5, inInputOrder);
        Gate[] gates = Gate.Many(5);

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < gates.Length; i++)
            {
                Gate gate = gates[i];
                runner.Start("item" + i, ct => gate.Run(ct));
            }

            runner.Complete();
        });
        foreach (Gate gate in gates)
        {
            await gate.Started.Task.Within();
        }

        foreach (int i in new[] { 4, 2, 0, 3, 1 })
        {
            gates[i].Succeed("out" + i);
        }

        await pipeline.Within();

        Assert.Equal(expected.Select(i => (object)("out" + i)), sink.Outcomes.Select(o => o.Result.Outputs.Single()));
        Assert.Empty(sink.OffThreadCalls);
    }

    [Theory]
    [InlineData(true, new[] { 0, 1, 2, 3 })]
    [InlineData(false, new[] { 3, 1, 0, 2 })]
    public async Task Decisions_come_on_the_pipeline_thread_in_input_order_by_default_and_as_reads_finish_with_AsCompleted(bool inInputOrder, int[] expected)
    {
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 4, inInputOrder);
        var reads = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var started = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var decided = new List<int>();
        var decidedOffThread = 0;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < reads.Length; i++)
            {
                int index = i;
                runner.Start<int>(
                    "item" + i,
                    _ =>
                    {
                        started[index].SetResult();
                        return reads[index].Task;
                    },
                    state =>
                    {
                        if (Environment.CurrentManagedThreadId != sink.PipelineThreadId)
                        {
                            decidedOffThread++;
                        }

                        decided.Add(state);
                        return ItemStep.Done(ItemResult.Succeeded(state));
                    });
            }

            runner.Complete();
        });
        foreach (var read in started)
        {
            await read.Task.Within();
        }

        foreach (int i in new[] { 3, 1, 0, 2 })
        {
            reads[i].SetResult(i);
        }

        await pipeline.Within();

        Assert.Equal(expected, decided);
        Assert.Equal(0, decidedOffThread);
        Assert.Equal(4, sink.Outcomes.Count);
    }

    [Fact]
    public async Task With_HaltOnFailure_no_read_after_a_failed_item_is_decided_while_earlier_changes_are_in_flight()
    {
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 3, inInputOrder: true);
        runner.HaltOnFailure = true;
        var reads = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var change = new Gate();
        var decided = new List<int>();

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < reads.Length; i++)
            {
                int index = i;
                runner.Start<int>("item" + i, _ => reads[index].Task, state =>
                {
                    decided.Add(state);
                    return ItemStep.Send(ct => change.Run(ct));
                });
            }

            runner.Complete();
        });
        reads[0].SetResult(0);
        await change.Started.Task.Within();
        // Item 1's read fails while item 0's change is still in flight; item 2's read then succeeds.
        reads[1].SetException(new InvalidOperationException("refused"));
        reads[2].SetResult(2);
        change.Succeed("sent");
        await pipeline.Within();

        Assert.Equal(new[] { 0 }, decided);
        Assert.Equal(new[] { ItemResultKind.Succeeded, ItemResultKind.Failed, ItemResultKind.Failed }, sink.Outcomes.Select(o => o.Result.Kind));
        Assert.IsType<OperationCanceledException>(sink.Outcomes[2].Result.Failure);
        Assert.False(sink.Outcomes[2].ChangeSent);
    }

    [Fact]
    public async Task The_pipeline_thread_blocks_once_ThrottleLimit_times_32_items_wait()
    {
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 1, inInputOrder: true);
        Assert.Equal(32, runner.BacklogLimit);
        Gate[] gates = Gate.Many(runner.BacklogLimit + 8);
        int returned = 0;
        int mostWaiting = 0;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < gates.Length; i++)
            {
                Gate gate = gates[i];
                runner.Start("item" + i, ct => gate.Run(ct));
                Volatile.Write(ref returned, i + 1);
                mostWaiting = Math.Max(mostWaiting, i + 1 - sink.Outcomes.Count);
            }

            runner.Complete();
        });

        // Held input is released by the full backlog: the first item starts while the 33rd Start waits for a slot.
        await gates[0].Started.Task.Within();
        Assert.Equal(32, Volatile.Read(ref returned));
        Assert.False(pipeline.IsCompleted);

        for (int i = 0; i < gates.Length; i++)
        {
            await gates[i].Started.Task.Within();
            gates[i].Succeed(i);
        }

        await pipeline.Within();

        Assert.Equal(32, mostWaiting);
        Assert.Equal(Enumerable.Range(0, gates.Length).Select(i => (object)i), sink.Outcomes.Select(o => o.Result.Outputs.Single()));
    }

    [Fact]
    public async Task No_more_than_ThrottleLimit_items_run_at_once()
    {
        const int throttleLimit = 3;
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit, inInputOrder: false);
        Gate[] gates = Gate.Many(12);
        int running = 0;
        int mostRunning = 0;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < gates.Length; i++)
            {
                Gate gate = gates[i];
                runner.Start("item" + i, ct =>
                {
                    int now = Interlocked.Increment(ref running);
                    InterlockedMax(ref mostRunning, now);
                    return gate.Run(ct);
                });
            }

            runner.Complete();
        });

        for (int i = 0; i < gates.Length; i++)
        {
            if (i >= throttleLimit)
            {
                Interlocked.Decrement(ref running);
                gates[i - throttleLimit].Succeed();
            }

            await gates[i].Started.Task.Within();
            if (i == throttleLimit - 1)
            {
                // Nothing has finished yet, so nothing else may have started.
                Assert.False(gates[throttleLimit].Started.Task.IsCompleted);
            }
        }

        foreach (Gate gate in gates.Skip(gates.Length - throttleLimit))
        {
            Interlocked.Decrement(ref running);
            gate.Succeed();
        }

        await pipeline.Within();

        Assert.Equal(throttleLimit, mostRunning);
        Assert.Equal(gates.Length, sink.Outcomes.Count);
    }

    [Fact]
    public void Every_item_yields_exactly_one_outcome_whatever_its_work_does()
    {
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 2, inInputOrder: true);

        runner.Start("succeeds", _ => Task.FromResult(ItemResult.Succeeded("a")));
        runner.Start("several", _ => Task.FromResult(ItemResult.Succeeded(new object[] { "b", "c" })));
        runner.Start("nothing to do", _ => Task.FromResult(ItemResult.NothingToDo()));
        runner.Start("fails later", async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("late");
        });
        runner.Start("throws at once", _ => throw new InvalidOperationException("at once"));
        runner.Start("returns no task", _ => null!);
        runner.Start("returns no result", _ => Task.FromResult<ItemResult>(null!));
        runner.Start<int>("read fails", _ => Task.FromException<int>(new TimeoutException()), _ => throw new InvalidOperationException("not decided"));
        runner.Start<int>("declined", _ => Task.FromResult(1), _ => ItemStep.Done(ItemResult.Declined()));
        runner.Start<int>("previewed", _ => Task.FromResult(1), _ => ItemStep.Done(ItemResult.Previewed()));
        runner.Start<int>("changed", _ => Task.FromResult(1), _ => ItemStep.Send(_ => Task.FromResult(ItemResult.Succeeded("changed"))));
        runner.Start<int>("change fails", _ => Task.FromResult(1), _ => ItemStep.Send(_ => Task.FromException<ItemResult>(new InvalidOperationException())));
        runner.Complete();

        Assert.Equal(
            new object[]
            {
                "succeeds", "several", "nothing to do", "fails later", "throws at once", "returns no task", "returns no result", "read fails",
                "declined", "previewed", "changed", "change fails",
            },
            sink.Targets());
        Assert.Equal(
            new[]
            {
                ItemResultKind.Succeeded, ItemResultKind.Succeeded, ItemResultKind.NothingToDo, ItemResultKind.Failed, ItemResultKind.Failed,
                ItemResultKind.Failed, ItemResultKind.Failed, ItemResultKind.Failed, ItemResultKind.Declined, ItemResultKind.Previewed,
                ItemResultKind.Succeeded, ItemResultKind.Failed,
            },
            sink.Outcomes.Select(o => o.Result.Kind));
        Assert.Equal(new object[] { "b", "c" }, sink.Outcomes[1].Result.Outputs);
        Assert.Equal("late", sink.Outcomes[3].Result.Failure!.Message);
        Assert.IsType<TimeoutException>(sink.Outcomes[7].Result.Failure);
        Assert.Equal(new[] { "changed", "change fails" }, sink.Outcomes.Where(o => o.ChangeSent).Select(o => (string)o.Target));
    }

    [Fact]
    public async Task Ctrl_C_wakes_the_waiting_pipeline_thread_and_Abort_names_the_changes_cut_off_in_flight()
    {
        using var stop = new CancellationTokenSource();
        var sink = new RecordingSink();
        using BatchRunner runner = Runner(sink, throttleLimit: 4, inInputOrder: true, stop.Token);
        Gate[] changes = Gate.Many(3);
        BatchAbortReport? report = null;
        Exception? ended = null;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < changes.Length; i++)
            {
                Gate change = changes[i];
                runner.Start<int>("domain" + i, _ => Task.FromResult(i), _ => ItemStep.Send(ct => change.Run(ct, honourCancellation: true)));
            }

            try
            {
                runner.Complete();
            }
            catch (Exception ex)
            {
                ended = ex;
                report = runner.Abort();
            }
        });
        foreach (Gate change in changes)
        {
            await change.Started.Task.Within();
        }

        // Nothing finishes and no log line comes: only the stop itself can wake the pipeline thread.
        stop.Cancel();
        await pipeline.Within();

        Assert.IsType<PipelineStoppedException>(ended);
        Assert.Equal(new[] { "domain0", "domain1", "domain2" }, report!.InFlight);
        Assert.Empty(report.Unwritten);
        Assert.Empty(sink.Outcomes);
        Assert.All(changes, change => Assert.True(change.Token.IsCancellationRequested));
    }

    [Fact]
    public async Task Abort_after_an_item_error_returns_finished_changes_not_yet_written_and_cancels_the_rest()
    {
        var sink = new RecordingSink { ThrowOnFailure = true };
        using BatchRunner runner = Runner(sink, throttleLimit: 4, inInputOrder: true);
        Gate[] changes = Gate.Many(3);
        BatchAbortReport? report = null;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            for (int i = 0; i < changes.Length; i++)
            {
                Gate change = changes[i];
                bool honour = i == 2;
                runner.Start<int>("domain" + i, _ => Task.FromResult(i), _ => ItemStep.Send(ct => change.Run(ct, honour)));
            }

            try
            {
                runner.Complete();
            }
            catch (StopOnErrorException)
            {
                report = runner.Abort();
            }
        });
        foreach (Gate change in changes)
        {
            await change.Started.Task.Within();
        }

        // domain1 is done but waits behind domain0 in input order; domain0's error then ends the batch.
        changes[1].Succeed("bound1");
        changes[0].Fail(new InvalidOperationException("refused"));
        await pipeline.Within();

        Assert.Equal(new object[] { "domain0" }, sink.Targets());
        ItemOutcome unwritten = Assert.Single(report!.Unwritten);
        Assert.Equal("domain1", unwritten.Target);
        Assert.True(unwritten.ChangeSent);
        Assert.Equal("bound1", unwritten.Result.Outputs.Single());
        Assert.Equal(new[] { "domain2" }, report.InFlight);
    }

    [Fact]
    public async Task A_log_line_wakes_the_waiting_pipeline_thread_while_the_work_still_runs()
    {
        var wake = new PipelineSignal();
        var log = new PipelineLog(isVerboseEnabled: true, isDebugEnabled: false, wake);
        var sink = new RecordingSink(log);
        using BatchRunner runner = Runner(sink, throttleLimit: 1, inInputOrder: true, wake: wake);
        var gate = new Gate();

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            runner.Start("slow", ct => gate.Run(ct));
            runner.Complete();
        });
        await gate.Started.Task.Within();

        // From another thread, as the engine logs after an await; no progress tick is running to wake it instead.
        log.Verbose("request sent");

        Assert.Equal("request sent", await sink.FirstLogLine.Task.Within());
        Assert.False(pipeline.IsCompleted);
        gate.Succeed();
        await pipeline.Within();
        Assert.Single(sink.Outcomes);
    }

    [Fact]
    public async Task Disposal_while_tasks_still_finish_throws_nothing_and_leaves_no_unobserved_exception()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) =>
        {
            if (e.Exception.Flatten().InnerExceptions.Any(ex => ex is ObjectDisposedException || ex is LateFailureException))
            {
                unobserved.Enqueue(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            Gate[] gates = await DisposeWhileRunningAsync();

            // The tasks end after the runner was disposed: their continuations must still run cleanly.
            gates[0].Succeed();
            gates[1].Fail(new LateFailureException());
            gates[2].Succeed();

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }

        Assert.Empty(unobserved);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<Gate[]> DisposeWhileRunningAsync()
    {
        using var stop = new CancellationTokenSource();
        var sink = new RecordingSink();
        var runner = Runner(sink, throttleLimit: 3, inInputOrder: true, stop.Token);
        Gate[] gates = Gate.Many(3);
        Exception? ended = null;

        Task pipeline = PipelineThread.Run(sink, () =>
        {
            foreach (Gate gate in gates)
            {
                runner.Start("item", ct => gate.Run(ct));
            }

            try
            {
                runner.Complete();
            }
            catch (PipelineStoppedException ex)
            {
                ended = ex;
            }

            // Disposed with all three still running (they ignore cancellation, like requests already sent).
            runner.Dispose();
        });
        foreach (Gate gate in gates)
        {
            await gate.Started.Task.Within();
        }

        stop.Cancel();
        await pipeline.Within();
        Assert.IsType<PipelineStoppedException>(ended);
        Assert.Empty(sink.Outcomes);
        return gates;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class LateFailureException : Exception
    {
    }
}
