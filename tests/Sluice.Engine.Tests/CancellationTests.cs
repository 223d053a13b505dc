using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Cancelling a run (spec.status Cancelled / TaskRunCancelled): pkg/reconciler/pipelinerun/cancel.go
/// (cancelPipelineRun: TaskRunCancelledByPipelineMsg, "PipelineRun %q was cancelled"), and
/// pkg/reconciler/taskrun/taskrun.go ("TaskRun %q was cancelled. %s" with spec.statusMessage; terminateStepsInPod).
/// </summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task Cancelling_a_pipelinerun_cancels_its_running_taskruns_and_runs_nothing_more()
    {
        var harness = new EngineRun();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = harness.RunCancellableAsync(
            """
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: slow
                    taskSpec:
                      steps:
                        - name: wait
                          image: alpine
                          script: |
                            signal slow-started
                            sleep 3600
                  - name: after
                    runAfter: [slow]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
                finally:
                  - name: cleanup
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
            """,
            cancel.Token);
        await harness.WaitForSignalAsync("slow-started");
        await cancel.CancelAsync();
        var outcome = await running;

        Expect.Condition(outcome.Condition, "False", "Cancelled", "PipelineRun \"pr\" was cancelled");
        var slow = outcome.TaskRunOf("slow").Status!;
        Expect.Condition(slow.Conditions[0], "False", "TaskRunCancelled", "TaskRun \"pr-slow\" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has been cancelled.");
        Assert.False(outcome.Ran("after"));
        Assert.False(outcome.Ran("cleanup"));
        var step = Assert.Single(slow.Steps);
        Assert.Equal((1, "TaskRunCancelled"), (step.Terminated!.ExitCode, step.Terminated.Reason));
        Assert.Equal("TaskRunCancelled", step.TerminationReason);
    }

    [Fact]
    public async Task Cancelling_a_taskrun_gives_TaskRunCancelled_with_its_status_message()
    {
        // A TaskRun cancelled directly has no spec.statusMessage, so the message ends with ". ".
        var harness = new EngineRun();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = harness.RunCancellableAsync(
            """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - name: wait
                    image: alpine
                    script: |
                      signal started
                      sleep 3600
            """,
            cancel.Token);
        await harness.WaitForSignalAsync("started");
        await cancel.CancelAsync();
        var outcome = await running;

        Expect.Condition(outcome.Condition, "False", "TaskRunCancelled", "TaskRun \"tr\" was cancelled. ");
        Assert.Equal(0, outcome.Executor.LiveSandboxes);
    }
}
