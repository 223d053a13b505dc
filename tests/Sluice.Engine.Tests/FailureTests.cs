using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// What a failure does to a PipelineRun: pipelinerunstate.go (IsStopping, getPipelineTasksCount,
/// GetPipelineConditionStatus, GetPipelineTaskStatus), pipelinerunresolution.go (skip: StoppingSkip, getReason),
/// pkg/pod/status.go (updateCompletedTaskRunStatus: FailureIgnored; extractContainerFailureMessage).
/// </summary>
public sealed class FailureTests
{
    [Fact]
    public async Task A_failing_task_stops_scheduling_and_finally_tasks_see_the_execution_status()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: build
                    taskSpec: {steps: [{name: compile, image: alpine, script: exit 1}]}
                  - name: test
                    taskSpec: {steps: [{name: run, image: alpine, script: sleep 0.2}]}
                  - name: publish
                    runAfter: [build]
                    taskSpec: {steps: [{name: push, image: alpine, script: echo never}]}
                  - name: deploy
                    runAfter: [publish]
                    taskSpec: {steps: [{name: apply, image: alpine, script: echo never}]}
                finally:
                  - name: report
                    params:
                      - {name: build-status, value: "$(tasks.build.status)"}
                      - {name: build-reason, value: "$(tasks.build.reason)"}
                      - {name: publish-status, value: "$(tasks.publish.status)"}
                      - {name: publish-reason, value: "$(tasks.publish.reason)"}
                      - {name: all, value: "$(tasks.status)"}
                    taskSpec:
                      params: [{name: build-status}, {name: build-reason}, {name: publish-status}, {name: publish-reason}, {name: all}]
                      steps:
                        - name: show
                          image: alpine
                          script: echo build=$(params.build-status)/$(params.build-reason) publish=$(params.publish-status)/[$(params.publish-reason)] all=$(params.all)
            """);

        // A task already running when another fails finishes (test); unscheduled ones, however deep, are
        // skipped as stopping (skip: IsStopping comes before every other reason).
        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 2");
        Assert.Equal(new Dictionary<string, string> { ["publish"] = "PipelineRun was stopping", ["deploy"] = "PipelineRun was stopping" }, outcome.SkippedTasks);
        Expect.Condition(outcome.ConditionOf("test"), "True", "Succeeded");
        Assert.False(outcome.Ran("publish"));
        Assert.Equal("build=Failed/StepFailed publish=None/[] all=Failed\n", outcome.LogOfTask("report"));
        Assert.NotNull(outcome.PipelineRun.Status!.FinallyStartTime);
    }

    [Fact]
    public async Task A_failed_taskrun_reports_StepFailed_with_the_containers_exit_code_and_reason()
    {
        // getFailureInfo: the first step container with a non-zero exit gives StepFailed;
        // extractContainerFailureMessage: "%q exited with code %d: %s" with the container's terminated reason
        // when it has one. The kubelet gives a non-zero exit the reason "Error", which is what the step's own
        // terminated state reports here too.
        var outcome = await RunFailingStepAsync();

        var failed = outcome.TaskRun.Status!.Steps[1];
        Assert.Equal((3, "Error"), (failed.Terminated!.ExitCode, failed.Terminated.Reason));
        Expect.Condition(outcome.Condition, "False", "StepFailed", "\"step-fail\" exited with code 3: Error");
    }

    [Fact]
    public async Task A_failed_steps_termination_reason_is_its_containers_reason()
    {
        // pkg/pod/status.go: getTerminationReason falls back to the terminated state's reason ("Error") when the
        // entrypoint wrote no Reason and no ExitCode result, as for a plain failure.
        var outcome = await RunFailingStepAsync();

        var (ok, failed) = (outcome.TaskRun.Status!.Steps[0], outcome.TaskRun.Status.Steps[1]);
        Assert.Equal("Completed", ok.TerminationReason);
        Assert.Equal("Error", failed.TerminationReason);
    }

    [Fact]
    public async Task A_pipeline_task_with_onError_continue_fails_as_FailureIgnored_and_the_run_succeeds()
    {
        // IsStopping ignores onError: continue failures; getPipelineTasksCount counts them as IgnoredFailed;
        // GetPipelineConditionStatus writes "(Failed: n (Ignored: n), ...)".
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: flaky
                    onError: continue
                    taskSpec: {steps: [{name: try, image: alpine, script: exit 1}]}
                  - name: next
                    runAfter: [flaky]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo next}]}
                finally:
                  - name: report
                    params:
                      - {name: status, value: "$(tasks.flaky.status)"}
                      - {name: reason, value: "$(tasks.flaky.reason)"}
                      - {name: all, value: "$(tasks.status)"}
                    taskSpec:
                      params: [{name: status}, {name: reason}, {name: all}]
                      steps: [{name: show, image: alpine, script: "echo $(params.status) $(params.reason) $(params.all)"}]
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded", "Tasks Completed: 3 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 0");
        Expect.Condition(outcome.ConditionOf("flaky"), "False", "FailureIgnored");
        Assert.Equal("next\n", outcome.LogOfTask("next"));
        Assert.Equal("Failed FailureIgnored Failed\n", outcome.LogOfTask("report"));
    }

    [Fact]
    public async Task A_skipped_task_makes_the_aggregate_status_Completed()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: ran
                    taskSpec: {steps: [{name: work, image: alpine, script: echo ran}]}
                  - name: guarded
                    when: [{input: "x", operator: in, values: ["y"]}]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
                finally:
                  - name: report
                    params:
                      - {name: all, value: "$(tasks.status)"}
                      - {name: ran, value: "$(tasks.ran.status)"}
                      - {name: guarded, value: "$(tasks.guarded.status)"}
                    taskSpec:
                      params: [{name: all}, {name: ran}, {name: guarded}]
                      steps: [{name: show, image: alpine, script: "echo $(params.all) $(params.ran) $(params.guarded)"}]
            """);

        Expect.Condition(outcome.Condition, "True", "Completed");
        Assert.Equal("Completed Succeeded None\n", outcome.LogOfTask("report"));
    }

    [Fact]
    public async Task A_failing_finally_task_fails_the_run()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: work
                    taskSpec: {steps: [{name: work, image: alpine, script: echo ok}]}
                finally:
                  - name: cleanup
                    taskSpec: {steps: [{name: work, image: alpine, script: exit 2}]}
            """);

        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0");
        Assert.Equal("StepFailed", outcome.ConditionOf("cleanup").Reason);
    }

    [Fact]
    public async Task A_finally_task_that_needs_a_missing_result_is_skipped_and_the_others_run()
    {
        // IsFinallySkipped: skipBecauseResultReferencesAreMissing applies to finally tasks whatever the reason.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: produce
                    taskSpec:
                      results: [{name: out}]
                      steps: [{name: work, image: alpine, script: exit 1}]
                finally:
                  - name: use-result
                    params: [{name: in, value: "$(tasks.produce.results.out)"}]
                    taskSpec:
                      params: [{name: in}]
                      steps: [{name: work, image: alpine, script: echo $(params.in)}]
                  - name: always
                    taskSpec: {steps: [{name: work, image: alpine, script: echo always}]}
            """);

        Expect.Condition(outcome.Condition, "False", "Failed", "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1");
        Assert.Equal(new Dictionary<string, string> { ["use-result"] = "Results were missing" }, outcome.SkippedTasks);
        Assert.Equal("always\n", outcome.LogOfTask("always"));
    }

    private static Task<RunOutcome> RunFailingStepAsync() => new EngineRun().RunAsync("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: tr
        spec:
          taskSpec:
            steps:
              - {name: ok, image: alpine, script: echo fine}
              - {name: fail, image: alpine, script: exit 3}
        """);
}
