using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Steps as Tekton's entrypoint runs them: pkg/entrypoint/entrypointer.go (Go: onError continue, skipping after
/// a failure, step timeouts), cmd/entrypoint/main.go (exit codes), pkg/pod/status.go (getTerminationReason,
/// extractContainerFailureMessage), pkg/pod/entrypoint.go (StepName).
/// </summary>
public sealed class StepTests
{
    [Fact]
    public async Task A_step_with_onError_continue_records_its_exit_code_and_the_next_step_reads_it()
    {
        // With onError: continue the container exits 0 (main.go) so the kubelet's reason is "Completed";
        // the real code comes back through the ExitCode result (extractExitCodeFromResults) and
        // getTerminationReason gives "Continued". The exit code file holds the code.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - name: lint
                    image: alpine
                    onError: continue
                    script: exit 3
                  - name: report
                    image: alpine
                    script: |
                      echo path=$(steps.step-lint.exitCode.path)
                      cat $(steps.step-lint.exitCode.path)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded", "All Steps have completed executing");
        var lint = outcome.TaskRun.Status!.Steps[0];
        Assert.Equal(("lint", "step-lint"), (lint.Name, lint.Container));
        Assert.Equal("path=/tekton/steps/step-lint/exitCode\n3", outcome.LogOf("tr"));
        Assert.Equal((3, "Continued"), (lint.Terminated!.ExitCode, lint.TerminationReason));
        Assert.Equal("Completed", lint.Terminated.Reason);
    }

    [Fact]
    public async Task Steps_after_a_failed_step_are_skipped()
    {
        // A later step's entrypoint finds the .err post file, writes terminationReason Skipped and exits 1.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {name: fail, image: alpine, script: exit 1}
                  - {name: after, image: alpine, script: echo never}
            """);

        Assert.Equal("StepFailed", outcome.Condition.Reason);
        var after = outcome.TaskRun.Status!.Steps[1];
        Assert.Equal((1, "Error", "Skipped"), (after.Terminated!.ExitCode, after.Terminated.Reason, after.TerminationReason));
        Assert.DoesNotContain(outcome.Steps, s => s.Container == "step-after");
    }

    [Fact]
    public async Task Successful_steps_are_Completed_and_unnamed_steps_are_named_by_index()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {image: alpine, script: echo one}
                  - {name: named, image: alpine, script: echo two}
            """);

        var steps = outcome.TaskRun.Status!.Steps;
        Assert.Equal(["unnamed-0", "named"], steps.Select(s => s.Name));
        Assert.Equal(["step-unnamed-0", "step-named"], steps.Select(s => s.Container));
        Assert.All(steps, s => Assert.Equal((0, "Completed", "Completed"), (s.Terminated!.ExitCode, s.Terminated.Reason, s.TerminationReason)));
        Assert.Equal("one\ntwo\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_script_without_a_shebang_runs_under_sh_with_set_e()
    {
        // pkg/pod/script.go: defaultScriptPreamble.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {name: plain, image: alpine, script: echo plain}
            """);

        Assert.Equal("#!/bin/sh\nset -e\necho plain", outcome.ScriptOf("tr", "step-plain"));
    }

    [Fact]
    public async Task A_step_timeout_ends_the_step_with_TimeoutExceeded_and_fails_the_taskrun()
    {
        // entrypointer.go: the deadline gives terminationReason TimeoutExceeded and exit 1 (main.go);
        // extractContainerFailureMessage: "%q exited because the step exceeded the specified timeout limit".
        var outcome = await new EngineRun { Time = new() }.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {name: slow, image: alpine, timeout: 5s, script: sleep 3600}
                  - {name: after, image: alpine, script: echo never}
            """);

        Expect.Condition(outcome.Condition, "False", "StepFailed", "\"step-slow\" exited because the step exceeded the specified timeout limit");
        var (slow, after) = (outcome.TaskRun.Status!.Steps[0], outcome.TaskRun.Status.Steps[1]);
        Assert.Equal((1, "TimeoutExceeded"), (slow.Terminated!.ExitCode, slow.TerminationReason));
        Assert.Equal("Skipped", after.TerminationReason);
    }

    [Fact]
    public async Task A_step_guarded_by_when_is_skipped_with_exit_code_zero()
    {
        // entrypointer.go: a step whose when is false writes Skipped, a post file and exit code 0.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - {name: mode, value: quick}
              taskSpec:
                params:
                  - name: mode
                steps:
                  - name: thorough
                    image: alpine
                    when:
                      - {input: "$(params.mode)", operator: in, values: [full]}
                    script: echo thorough
                  - name: always
                    image: alpine
                    script: cat $(steps.step-thorough.exitCode.path)
            """);

        Assert.Equal("Succeeded", outcome.Condition.Reason);
        var thorough = outcome.TaskRun.Status!.Steps[0];
        Assert.Equal((0, "Skipped"), (thorough.Terminated!.ExitCode, thorough.TerminationReason));
        Assert.Equal("0", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task StepTemplate_fields_fill_in_what_a_step_leaves_out_and_env_merges_by_name()
    {
        // pkg/apis/pipeline/v1/merge.go: MergeStepsWithStepTemplate (strategic merge; env by name).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                stepTemplate:
                  image: alpine
                  workingDir: /workspace/src
                  env:
                    - {name: SHARED, value: from-template}
                    - {name: OVERRIDDEN, value: from-template}
                steps:
                  - name: inherit
                    script: echo inherit
                  - name: own
                    image: busybox
                    workingDir: /tmp
                    env:
                      - {name: OVERRIDDEN, value: from-step}
                      - {name: EXTRA, value: step-only}
                    script: echo own
            """);

        var inherit = outcome.Steps.Single(s => s.Container == "step-inherit").Spec;
        var own = outcome.Steps.Single(s => s.Container == "step-own").Spec;
        Assert.Equal(("alpine", "/workspace/src"), (inherit.Image.Requested, inherit.WorkingDir));
        Assert.Equal(("busybox", "/tmp"), (own.Image.Requested, own.WorkingDir));
        var inheritEnv = inherit.Env.ToDictionary(e => e.Key, e => e.Value);
        var ownEnv = own.Env.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(("from-template", "from-template"), (inheritEnv["SHARED"], inheritEnv["OVERRIDDEN"]));
        Assert.Equal(("from-template", "from-step", "step-only"), (ownEnv["SHARED"], ownEnv["OVERRIDDEN"], ownEnv["EXTRA"]));
    }
}
