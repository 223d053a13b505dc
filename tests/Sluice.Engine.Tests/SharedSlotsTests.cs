using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Engines that share TaskRun slots share the concurrency limit, as the runs of one <c>sluice run</c> do:
/// a TaskRun of its own waits for a slot as a pipeline's TaskRuns do.
/// </summary>
public sealed class SharedSlotsTests
{
    [Fact]
    public async Task A_taskrun_waits_for_a_slot_another_run_holds_and_cancelled_while_waiting_is_recorded_cancelled()
    {
        using var slots = new SemaphoreSlim(1);
        using var cancelFirst = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var cancelSecond = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var holding = await HoldTheSlotAsync(slots, cancelFirst.Token);
        var second = new EngineRun { Slots = slots };

        var waiting = second.RunCancellableAsync(TaskRun("waits", "echo never"), cancelSecond.Token);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        Assert.Empty(second.Executor.Sandboxes);

        await cancelSecond.CancelAsync();
        var waited = await waiting;
        Expect.Condition(waited.Condition, "False", "TaskRunCancelled", "TaskRun \"waits\" was cancelled. ");
        Assert.Empty(second.Executor.Steps);

        await cancelFirst.CancelAsync();
        Expect.Condition((await holding).Condition, "False", "TaskRunCancelled", "TaskRun \"holds\" was cancelled. ");
        Assert.Equal(1, slots.CurrentCount);
    }

    [Fact]
    public async Task A_taskrun_waiting_for_a_slot_starts_once_the_run_holding_it_ends()
    {
        using var slots = new SemaphoreSlim(1);
        using var cancelFirst = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var holding = await HoldTheSlotAsync(slots, cancelFirst.Token);
        var second = new EngineRun { Slots = slots };
        var waiting = second.RunAsync(TaskRun("waits", "echo ran"));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(second.Executor.Sandboxes);

        await cancelFirst.CancelAsync();
        await holding;
        var waited = await waiting;

        Expect.Condition(waited.Condition, "True", "Succeeded");
        Assert.Single(second.Executor.Steps);
    }

    /// <summary>Starts the TaskRun "holds" on an engine of <paramref name="slots"/> and returns its run once it holds a slot, which it keeps until cancelled.</summary>
    private static async Task<Task<RunOutcome>> HoldTheSlotAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var engine = new EngineRun { Slots = slots };
        var holding = engine.RunCancellableAsync(TaskRun("holds", "signal holding\nsleep 3600"), cancellationToken);
        await engine.WaitForSignalAsync("holding");
        return holding;
    }

    private static string TaskRun(string name, string script) => $"""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: {name}
        spec:
          taskSpec:
            steps:
              - name: work
                image: alpine
                script: |
        {string.Join('\n', script.Split('\n').Select(line => "              " + line))}
        """;
}
