using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Guards and skipping: pkg/apis/pipeline/v1/when_types.go (AllowsExecution), and
/// pkg/reconciler/pipelinerun/resources/pipelinerunresolution.go (skip: WhenExpressionsSkip, ParentTasksSkip,
/// MissingResultsSkip; skipBecauseParentTaskWasSkipped ignores parents skipped by their own guards).
/// </summary>
public sealed class WhenTests
{
    [Fact]
    public async Task In_and_notin_guards_on_params_run_or_skip_tasks()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - name: env
                  value: dev
                - name: allowed
                  value: [dev, test]
              pipelineSpec:
                params:
                  - name: env
                  - name: allowed
                    type: array
                tasks:
                  - name: in-prod
                    when:
                      - {input: "$(params.env)", operator: in, values: [prod]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo prod}]}
                  - name: notin-prod
                    when:
                      - {input: "$(params.env)", operator: notin, values: [prod]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo not prod}]}
                  - name: in-allowed
                    when:
                      - {input: "$(params.env)", operator: in, values: ["$(params.allowed[*])"]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo allowed}]}
            """);

        Expect.Condition(outcome.Condition, "True", "Completed", "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 1");
        var skipped = Assert.Single(outcome.PipelineRun.Status!.SkippedTasks);
        Assert.Equal(("in-prod", "When Expressions evaluated to false"), (skipped.Name, skipped.Reason));
        var guard = Assert.Single(skipped.WhenExpressions);
        Assert.Equal(("dev", "in", "prod"), (guard.Input, guard.Operator, Assert.Single(guard.Values)));
        Assert.True(outcome.Ran("notin-prod"));
        Assert.True(outcome.Ran("in-allowed"));
    }

    [Fact]
    public async Task Guards_on_results_wait_for_the_result_and_compare_its_value()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: check
                    taskSpec:
                      results: [{name: go}]
                      steps: [{name: work, image: alpine, script: "write $(results.go.path) yes"}]
                  - name: when-yes
                    when:
                      - {input: "$(tasks.check.results.go)", operator: in, values: ["yes"]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo ran}]}
                  - name: when-no
                    when:
                      - {input: "$(tasks.check.results.go)", operator: in, values: ["no"]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo ran}]}
            """);

        Assert.Equal("Completed", outcome.Condition.Reason);
        Assert.Equal(new Dictionary<string, string> { ["when-no"] = "When Expressions evaluated to false" }, outcome.SkippedTasks);
        Assert.Equal("ran\n", outcome.LogOfTask("when-yes"));
        var (start, _) = outcome.SpanOf("pr-when-yes");
        Assert.True(start >= outcome.SpanOf("pr-check").End);
    }

    [Fact]
    public async Task A_guarded_skip_spares_ordering_dependents_but_skips_result_dependents_and_their_dependents()
    {
        // docs/pipelines.md "Guarding a Task only": runAfter dependents still run. A task that needs the
        // skipped task's result is skipped with "Results were missing" (skipBecauseResultReferencesAreMissing);
        // a task after that one is skipped with "Parent Tasks were skipped", since its parent was skipped
        // for a reason other than its own guards.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: guarded
                    when:
                      - {input: "a", operator: in, values: ["b"]}
                    taskSpec:
                      results: [{name: out}]
                      steps: [{name: work, image: alpine, script: "write $(results.out.path) x"}]
                  - name: after-guarded
                    runAfter: [guarded]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo still runs}]}
                  - name: needs-result
                    params:
                      - {name: in, value: "$(tasks.guarded.results.out)"}
                    taskSpec:
                      params: [{name: in}]
                      steps: [{name: work, image: alpine, script: echo $(params.in)}]
                  - name: after-needs-result
                    runAfter: [needs-result]
                    taskSpec: {steps: [{name: work, image: alpine, script: echo never}]}
            """);

        Expect.Condition(outcome.Condition, "True", "Completed", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 3");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["guarded"] = "When Expressions evaluated to false",
                ["needs-result"] = "Results were missing",
                ["after-needs-result"] = "Parent Tasks were skipped",
            },
            outcome.SkippedTasks);
        Assert.Equal("still runs\n", outcome.LogOfTask("after-guarded"));
        Assert.Equal(["pr-after-guarded"], outcome.PipelineRun.Status!.ChildReferences.Select(c => c.Name));
    }

    [Fact]
    public async Task Cel_guards_run_or_skip_tasks()
    {
        // CEL in when needs enable-cel-in-whenexpression; the expression is evaluated after params are
        // substituted (pipelinerunresolution.go: EvaluateCEL).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - {name: branch, value: main}
              pipelineSpec:
                params:
                  - name: branch
                tasks:
                  - name: on-main
                    when:
                      - cel: "'$(params.branch)' == 'main'"
                    taskSpec: {steps: [{name: work, image: alpine, script: echo main}]}
                  - name: on-release
                    when:
                      - cel: "'$(params.branch)'.startsWith('release-')"
                    taskSpec: {steps: [{name: work, image: alpine, script: echo release}]}
            """);

        Assert.Equal("Completed", outcome.Condition.Reason);
        Assert.Equal(new Dictionary<string, string> { ["on-release"] = "When Expressions evaluated to false" }, outcome.SkippedTasks);
        Assert.Equal("main\n", outcome.LogOfTask("on-main"));
    }

    [Fact]
    public async Task A_cel_guard_that_is_not_a_boolean_fails_the_run_before_any_task()
    {
        // pipelinerun.go reconcile: every task's CEL is evaluated before scheduling; an error is
        // MarkFailed(CELEvaluationFailed, "Error evaluating CEL %s: %v", pr.Name, WrapUserError(err)),
        // and LabelUserError prefixes "[User error] ".
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: first
                    taskSpec: {steps: [{name: work, image: alpine, script: echo first}]}
                  - name: odd
                    runAfter: [first]
                    when:
                      - cel: "'text'"
                    taskSpec: {steps: [{name: work, image: alpine, script: echo odd}]}
            """);

        Expect.Condition(outcome.Condition, "False", "CELEvaluationFailed", "[User error] Error evaluating CEL pr: The CEL expression 'text' is not evaluated to a boolean");
        Assert.False(outcome.Ran("first"));
    }

    [Fact]
    public async Task A_pipeline_workspace_bound_variable_can_guard_a_task()
    {
        // pipelinerun/resources/apply.go: ApplyWorkspaces gives $(workspaces.w.bound) at pipeline level.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                workspaces:
                  - name: cache
                    optional: true
                tasks:
                  - name: use-cache
                    when:
                      - {input: "$(workspaces.cache.bound)", operator: in, values: ["true"]}
                    taskSpec: {steps: [{name: work, image: alpine, script: echo cached}]}
            """);

        Assert.Equal(new Dictionary<string, string> { ["use-cache"] = "When Expressions evaluated to false" }, outcome.SkippedTasks);
        Assert.Equal("false", outcome.PipelineRun.Status!.SkippedTasks[0].WhenExpressions[0].Input);
    }
}
