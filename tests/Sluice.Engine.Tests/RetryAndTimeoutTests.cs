using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Retries and timeouts: pkg/reconciler/taskrun/taskrun.go (ReconcileKind: HasTimedOut, failTaskRun,
/// terminateStepsInPod; emitReconcileEvents: retryTaskRun), pkg/reconciler/taskrun/resources/apply.go
/// (context.task.retry-count), pkg/reconciler/pipelinerun/resources/apply.go (context.pipelineTask.retries),
/// pkg/reconciler/pipelinerun/timeout.go and pipelinerunstate.go (GetPipelineConditionStatus). Timeouts run on
/// fake time that the harness moves forward while the run is in progress.
/// </summary>
public sealed class RetryAndTimeoutTests
{
    [Fact]
    public async Task A_failed_attempt_is_retried_with_the_retry_count_and_archived_in_retriesStatus()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: flaky
                    retries: 2
                    params:
                      - {name: retries, value: "$(context.pipelineTask.retries)"}
                    taskSpec:
                      params: [{name: retries}]
                      steps:
                        - name: try
                          image: alpine
                          script: |
                            echo attempt $(context.task.retry-count) of $(params.retries)
                            fail-first-attempt
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0");
        var taskRun = outcome.TaskRunOf("flaky");
        Assert.Equal(2, taskRun.Spec.Retries);
        Expect.Condition(taskRun.Status!.Conditions.Single(), "True", "Succeeded");
        Assert.Equal("attempt 0 of 2\nattempt 1 of 2\n", outcome.LogOf("pr-flaky"));
        Expect.Condition(Assert.Single(taskRun.Status.RetriesStatus).Conditions.Single(), "False", "StepFailed");
    }

    [Fact]
    public async Task When_retries_run_out_the_last_failure_stands()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: broken
                    retries: 1
                    taskSpec: {steps: [{name: try, image: alpine, script: exit 4}]}
            """);

        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0");
        var status = outcome.TaskRunOf("broken").Status!;
        Expect.Condition(status.Conditions.Single(), "False", "StepFailed");
        Expect.Condition(Assert.Single(status.RetriesStatus).Conditions.Single(), "False", "StepFailed");
        Assert.Equal(2, outcome.Executor.Sandboxes.Count(s => s == "pr-broken"));
    }

    [Fact]
    public async Task A_taskrun_timeout_fails_with_TaskRunTimeout_and_terminates_its_steps()
    {
        // taskrun.go: "TaskRun %q failed to finish within %q"; terminateStepsInPod gives running and
        // waiting steps exit code 1, reason and terminationReason TaskRunTimeout, and a message.
        var outcome = await new EngineRun { Time = new() }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              timeout: 10s
              taskSpec:
                steps:
                  - {name: wait, image: alpine, script: sleep 3600}
                  - {name: after, image: alpine, script: echo never}
            """);

        Expect.Condition(outcome.Condition, "False", "TaskRunTimeout", "TaskRun \"tr\" failed to finish within \"10s\"");
        var status = outcome.TaskRun.Status!;
        Assert.All(status.Steps, step => Assert.Equal((1, "TaskRunTimeout"), (step.Terminated!.ExitCode, step.Terminated.Reason)));
        Assert.All(status.Steps, step => Assert.Equal("TaskRunTimeout", step.TerminationReason));
        Assert.All(status.Steps, step => Assert.Equal($"Step {step.Name} terminated as pod {status.PodName} is terminated", step.Terminated!.Message));
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        // docs/taskruns.md "Specifying Retries": all TaskRun failures are retriable except cancellation;
        // emitReconcileEvents retries any False condition of a TaskRun that is not cancelled, and the timeout
        // applies to each attempt.
        var outcome = await new EngineRun { Time = new() }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: slow
                    retries: 1
                    timeout: 10s
                    taskSpec: {steps: [{name: wait, image: alpine, script: sleep 3600}]}
            """);

        var status = outcome.TaskRunOf("slow").Status!;
        Expect.Condition(status.Conditions.Single(), "False", "TaskRunTimeout", "TaskRun \"pr-slow\" failed to finish within \"10s\"");
        Assert.Equal("TaskRunTimeout", Assert.Single(status.RetriesStatus).Conditions[0].Reason);
        Assert.Equal(2, outcome.Executor.Sandboxes.Count(s => s == "pr-slow"));
        Expect.Condition(outcome.Condition, "False", "Failed");
    }

    [Fact]
    public async Task A_pipelinerun_timeout_cancels_running_taskruns_and_fails_with_PipelineRunTimeout()
    {
        // timeout.go: running TaskRuns get spec.status TaskRunCancelled with TaskRunCancelledByPipelineTimeoutMsg;
        // SetTimeoutCondition: "PipelineRun %q failed to finish within %q". Finally tasks do not start.
        var outcome = await new EngineRun { Time = new() }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              timeouts:
                pipeline: 10s
              pipelineSpec:
                tasks:
                  - name: slow
                    taskSpec: {steps: [{name: wait, image: alpine, script: sleep 3600}]}
                  - name: after
                    runAfter: [slow]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
                finally:
                  - name: cleanup
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
            """);

        Expect.Condition(outcome.Condition, "False", "PipelineRunTimeout", "PipelineRun \"pr\" failed to finish within \"10s\"");
        Expect.Condition(outcome.ConditionOf("slow"), "False", "TaskRunCancelled", "TaskRun \"pr-slow\" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has timed out.");
        Assert.False(outcome.Ran("after"));
        Assert.False(outcome.Ran("cleanup"));
    }

    [Fact]
    public async Task A_tasks_timeout_cancels_the_tasks_then_runs_finally_and_fails_with_PipelineRunTimeout()
    {
        // pipelinerun.go: HaveTasksTimedOut cancels running DAG tasks with the timeout message; finally tasks
        // run; GetPipelineConditionStatus: "PipelineRun %q failed due to tasks failed to finish within %q".
        var outcome = await new EngineRun { Time = new() }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              timeouts:
                pipeline: 1h
                tasks: 10s
              pipelineSpec:
                tasks:
                  - name: slow
                    taskSpec: {steps: [{name: wait, image: alpine, script: sleep 3600}]}
                finally:
                  - name: report
                    params:
                      - {name: status, value: "$(tasks.slow.status)"}
                      - {name: reason, value: "$(tasks.slow.reason)"}
                    taskSpec:
                      params: [{name: status}, {name: reason}]
                      steps: [{name: show, image: alpine, script: "echo $(params.status) $(params.reason)"}]
            """);

        Expect.Condition(outcome.Condition, "False", "PipelineRunTimeout", "PipelineRun \"pr\" failed due to tasks failed to finish within \"10s\"");
        Assert.Equal(
            ("TaskRunCancelled", "TaskRun \"pr-slow\" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has timed out."),
            (outcome.ConditionOf("slow").Reason, outcome.ConditionOf("slow").Message));
        Assert.Equal("Failed TaskRunCancelled\n", outcome.LogOfTask("report"));
    }
}
