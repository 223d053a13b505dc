using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

/// <summary>
/// Tekton's admission checks of a Pipeline (pkg/apis/pipeline/v1/pipeline_validation.go, when_validation.go,
/// param_types.go and the DAG of pkg/reconciler/pipeline/dag/dag.go), with Tekton's messages and field paths.
/// </summary>
public sealed partial class PipelineValidationTests
{
    private const string ExecutionStatus = "invalid value: pipeline tasks can not refer to execution status of any other pipeline task or aggregate status of tasks";

    [Fact]
    public void A_valid_Pipeline_has_no_diagnostics() =>
        Loaded.Validate(Samples.Pipeline("""
            params:
              - name: revision
            workspaces:
              - name: source
            tasks:
              - name: clone
                taskRef: {name: git-clone}
                params:
                  - name: revision
                    value: $(params.revision)
                workspaces:
                  - name: output
                    workspace: source
              - name: build
                runAfter: [clone]
                taskSpec:
                  steps:
                    - image: golang
                      script: go build $(params.revision)
                params:
                  - name: commit
                    value: $(tasks.clone.results.commit)
            finally:
              - name: notify
                taskRef: {name: notify}
                params:
                  - name: status
                    value: $(tasks.build.status)
                when:
                  - input: $(tasks.status)
                    operator: in
                    values: [Failed]
            results:
              - name: commit
                value: $(tasks.clone.results.commit)
            """)).Clean();

    [Fact]
    public void An_empty_spec_is_refused()
    {
        // PipelineSpec.Validate: ErrGeneric("expected at least one, got none", "description", "params", "resources", "tasks", "workspaces").
        var loaded = Loaded.Validate(Samples.Pipeline("{}"));

        var diagnostic = loaded.Expect("expected at least one, got none");
        Assert.Contains("spec.tasks", diagnostic.FieldPath, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_with_only_a_display_name_is_not_empty()
    {
        // The check is equality.Semantic.DeepEqual(ps, &PipelineSpec{}): any field set makes the spec non-empty.
        var loaded = Loaded.Validate(Samples.Pipeline("displayName: Nothing yet\n"));

        loaded.None("expected at least one, got none");
    }

    [Fact]
    public void A_task_name_is_a_DNS_label()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: Build_It\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value \"Build_It\"", "spec.tasks[0].name");
        loaded.At(diagnostic, "name: Build_It");
    }

    [Fact]
    public void Task_names_are_unique_across_tasks_and_finally()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nfinally:\n  - name: a\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("expected exactly one, got both", "spec.finally[0].name");
        loaded.At(diagnostic, "name: a", 2);
    }

    [Fact]
    public void A_task_names_exactly_one_of_taskRef_and_taskSpec()
    {
        // PipelineTask.validateRefOrSpec: ErrGeneric("expected exactly one, got multiple", taskRef, taskSpec).
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    taskSpec:\n      steps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("expected exactly one, got multiple", "spec.tasks[0].taskRef, spec.tasks[0].taskSpec");
        loaded.OnLineOf(diagnostic, "taskSpec:");
    }

    [Fact]
    public void A_task_without_taskRef_or_taskSpec_is_refused()
    {
        // PipelineTask.validateRefOrSpec: apis.ErrMissingOneOf(taskRef, taskSpec).
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    params: [{name: x, value: y}]\n"));

        var diagnostic = loaded.Expect("expected exactly one, got neither", "spec.tasks[0].taskRef, spec.tasks[0].taskSpec");
        loaded.OnLineOf(diagnostic, "name: a");
    }

    [Fact]
    public void A_runAfter_cycle_is_reported_with_Tekton_s_text()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: a
                runAfter: [b]
                taskRef: {name: t}
              - name: b
                runAfter: [a]
                taskRef: {name: t}
            """));

        var diagnostic = loaded.Expect("invalid value: cycle detected; task \"a\" depends on \"b\"", "spec.tasks");
        loaded.At(diagnostic, "runAfter: [b]");
    }

    [Fact]
    public void A_cycle_through_result_references_is_a_cycle_too()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: a
                taskRef: {name: t}
                params: [{name: x, value: $(tasks.c.results.r)}]
              - name: b
                taskRef: {name: t}
                when: [{input: $(tasks.a.results.r), operator: in, values: ["1"]}]
              - name: c
                runAfter: [b]
                taskRef: {name: t}
            """));

        // Reported where a refers to c: the param whose value uses c's result.
        var diagnostic = loaded.Expect("invalid value: cycle detected; task \"a\" depends on \"c\"", "spec.tasks");
        loaded.At(diagnostic, "value: $(tasks.c.results.r)");
    }

    [Fact]
    public void A_runAfter_to_a_missing_task_is_reported_with_Tekton_s_text()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    runAfter: [nope]\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value: couldn't add link between a and nope: task a depends on nope but nope wasn't present in Pipeline", "spec.tasks");
        loaded.At(diagnostic, "runAfter:");
    }

    [Fact]
    public void A_result_reference_to_a_missing_task_is_a_missing_link()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n  - name: b\n    taskRef: {name: t}\n    params:\n      - name: x\n        value: $(tasks.nope.results.r)\n"));

        var diagnostic = loaded.Expect("invalid value: couldn't add link between b and nope: task b depends on nope but nope wasn't present in Pipeline", "spec.tasks");
        Assert.True(diagnostic.Location.Line >= Position.Of(loaded.Yaml, "name: b").Line, $"expected a location in task b, got {diagnostic.Location}");
    }

    [Fact]
    public void A_finally_task_cannot_have_runAfter()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nfinally:\n  - name: f\n    runAfter: [a]\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value: no runAfter allowed under spec.finally, final task f has runAfter specified", "spec.finally[0]");
        loaded.At(diagnostic, "runAfter:");
    }

    [Fact]
    public void Finally_without_tasks_is_refused()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("finally:\n  - name: f\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value: spec.tasks is empty but spec.finally has 1 tasks", "spec.finally");
        loaded.At(diagnostic, "finally:");
    }

    [Fact]
    public void Pipeline_workspace_declarations_are_unique()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("workspaces:\n  - name: w\n  - name: w\ntasks:\n  - name: a\n    taskRef: {name: t}\n"));

        var diagnostic = loaded.Expect("invalid value: workspace with name \"w\" appears more than once", "spec.workspaces[1]");
        loaded.At(diagnostic, "name: w", 2);
    }

    [Fact]
    public void A_task_s_params_are_unique()
    {
        // Params.validateDuplicateParameters.
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    params:\n      - name: x\n        value: \"1\"\n      - name: x\n        value: \"2\"\n"));

        var diagnostic = loaded.Expect("parameter names must be unique, the parameter \"x\" is also defined at", "spec.tasks[0].params[1].name");
        loaded.At(diagnostic, "name: x", 2);
    }

    [Fact]
    public void A_pipeline_task_onError_has_two_values()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    onError: ignore\n"));

        var diagnostic = loaded.Expect("invalid value: ignore", "spec.tasks[0].OnError");
        loaded.At(diagnostic, "onError:");
        Assert.Equal("PipelineTask OnError must be either \"continue\" or \"stopAndFail\"", diagnostic.Fix);
    }

    [Fact]
    public void A_pipeline_task_cannot_continue_on_error_and_retry()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    onError: continue\n    retries: 2\n"));

        var diagnostic = loaded.Expect("PipelineTask OnError cannot be set to \"continue\" when Retries is greater than 0", "spec.tasks[0]");
        loaded.At(diagnostic, "onError:");
    }

    [Fact]
    public void A_when_operator_is_in_or_notin()
    {
        // WhenExpression.validateWhenExpressionFields.
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    when:\n      - input: x\n        operator: contains\n        values: [x]\n"));

        var diagnostic = loaded.Expect("invalid value: operator \"contains\" is not recognized. valid operators: in,notin", "spec.tasks[0].when[0]");
        loaded.At(diagnostic, "operator:");
    }

    [Fact]
    public void A_when_needs_values()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    when:\n      - input: x\n        operator: in\n        values: []\n"));

        var diagnostic = loaded.Expect("invalid value: expecting non-empty values field", "spec.tasks[0].when[0]");
        loaded.At(diagnostic, "input:");
    }

    [Fact]
    public void An_inline_task_spec_is_validated_as_a_Task()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskSpec:\n      steps:\n        - image: busybox\n          onError: ignore\n"));

        var diagnostic = loaded.Expect("invalid value: \"ignore\"", "spec.tasks[0].taskSpec.steps[0].onError");
        loaded.At(diagnostic, "onError:");
    }

    [Fact]
    public void A_custom_task_ref_needs_apiVersion_and_kind()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef:\n      kind: Wait\n"));

        var diagnostic = loaded.Expect("invalid value: custom task ref must specify apiVersion", "spec.tasks[0].taskRef.apiVersion");
        loaded.At(diagnostic, "kind: Wait");
    }

}
