using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

public sealed partial class PipelineValidationTests
{
    [Theory]
    [InlineData("$(tasks.a.status)")]
    [InlineData("$(tasks.a.reason)")]
    [InlineData("$(tasks.status)")]
    public void A_dag_task_param_cannot_read_execution_status(string value)
    {
        var loaded = Loaded.Validate(Samples.Pipeline($"tasks:\n  - name: a\n    taskRef: {{name: t}}\n  - name: b\n    taskRef: {{name: t}}\n    params:\n      - name: s\n        value: \"{value}\"\n"));

        var diagnostic = loaded.Expect(ExecutionStatus, "spec.tasks[1].params[s].value");
        loaded.At(diagnostic, "value:");
    }

    [Fact]
    public void A_dag_task_when_cannot_read_execution_status()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n  - name: b\n    taskRef: {name: t}\n    when:\n      - input: $(tasks.a.status)\n        operator: in\n        values: [Succeeded]\n"));

        var diagnostic = loaded.Expect(ExecutionStatus, "spec.tasks[1].when[0]");
        loaded.At(diagnostic, "input:");
    }

    [Fact]
    public void A_finally_task_reads_the_status_of_a_dag_task_only()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nfinally:\n  - name: f\n    taskRef: {name: t}\n    params:\n      - name: s\n        value: $(tasks.nope.status)\n"));

        var diagnostic = loaded.Expect("invalid value: pipeline task nope is not defined in the pipeline", "spec.finally[0].params[s].value");
        loaded.At(diagnostic, "value:");
    }

    [Fact]
    public void A_finally_task_cannot_use_another_finally_task_s_result()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nfinally:\n  - name: f1\n    taskRef: {name: t}\n  - name: f2\n    taskRef: {name: t}\n    params:\n      - name: x\n        value: $(tasks.f1.results.r)\n"));

        var diagnostic = loaded.Expect("invalid value: invalid task result reference, final task has task result reference from a final task f1", "spec.finally[1].params[x].value");
        loaded.At(diagnostic, "value:");
    }

    [Fact]
    public void A_finally_task_cannot_use_the_result_of_a_missing_task()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nfinally:\n  - name: f\n    taskRef: {name: t}\n    when:\n      - input: $(tasks.nope.results.r)\n        operator: in\n        values: [x]\n"));

        var diagnostic = loaded.Expect("invalid value: invalid task result reference, final task has task result reference from a task nope which is not defined in the pipeline", "spec.finally[0].when[0]");
        loaded.At(diagnostic, "input:");
    }

    [Fact]
    public void A_pipeline_result_must_hold_an_expression()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nresults:\n  - name: r\n    value: constant\n"));

        var diagnostic = loaded.Expect("invalid value: expected pipeline results to be task result expressions but no expressions were found", "spec.results[0].value");
        loaded.At(diagnostic, "value: constant");
    }

    [Fact]
    public void A_pipeline_result_must_reference_a_task_result()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("params: [{name: x}]\ntasks:\n  - name: a\n    taskRef: {name: t}\nresults:\n  - name: r\n    value: $(params.x)\n"));

        var diagnostic = loaded.Expect("invalid value: expected pipeline results to be task result expressions but an invalid expressions was found", "spec.results[0].value");
        loaded.At(diagnostic, "value: $(params.x)");
    }

    [Fact]
    public void A_pipeline_result_must_reference_an_existing_task()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\nresults:\n  - name: r\n    value: $(tasks.nope.results.r)\n"));

        var diagnostic = loaded.Expect("invalid value: referencing a nonexistent task", "spec.results[0].value");
        loaded.At(diagnostic, "value:");
    }

    [Theory]
    [InlineData("$(tasks.a.results.r)")]
    [InlineData("$(finally.f.results.r)")]
    [InlineData("$(tasks.a.results.r) and $(tasks.a.results.s)")]
    [InlineData("$(tasks.a.results.obj.key)")]
    public void A_pipeline_result_may_reference_tasks_and_finally_tasks(string value) =>
        Loaded.Validate(Samples.Pipeline($"tasks:\n  - name: a\n    taskRef: {{name: t}}\nfinally:\n  - name: f\n    taskRef: {{name: t}}\nresults:\n  - name: r\n    value: \"{value}\"\n")).Clean();

    [Theory]
    [InlineData("$(date)")]
    [InlineData("$(foo.bar)")]
    public void A_task_param_with_an_unknown_variable_prefix_is_refused(string value)
    {
        var loaded = Loaded.Validate(Samples.Pipeline($"tasks:\n  - name: a\n    taskRef: {{name: t}}\n    params:\n      - name: x\n        value: \"{value}\"\n"));

        var diagnostic = loaded.Expect(
            $"invalid value: invalid variable reference \"{value}\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${{VAR}} instead",
            "spec.tasks[0].params[x].value");
        loaded.At(diagnostic, "value:");
    }

    [Fact]
    public void A_when_with_an_unknown_variable_prefix_is_refused()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    when:\n      - input: $(inputs.x)\n        operator: in\n        values: [y]\n"));

        var diagnostic = loaded.Expect(
            "invalid value: invalid variable reference \"$(inputs.x)\", must start with a valid prefix: params, tasks, finally, context, workspaces, or results; if you meant a shell variable, use ${VAR} instead",
            "spec.tasks[0].when[0]");
        loaded.At(diagnostic, "input:");
    }

    [Fact]
    public void A_standalone_Pipeline_must_declare_the_params_its_tasks_use()
    {
        // Pipeline.Validate: validatePipelineParameterUsage ("we do not support propagated parameters").
        var loaded = Loaded.Validate(Samples.Pipeline("params: [{name: revision}]\ntasks:\n  - name: a\n    taskRef: {name: t}\n    params:\n      - name: x\n        value: $(params.revison)\n"));

        var diagnostic = loaded.ExpectNonExistent("revison", "$(params.revison)");
        Assert.Equal("spec.tasks[0].params[x]", diagnostic.FieldPath);
        loaded.At(diagnostic, "value: $(params.revison)");
    }

    [Fact]
    public void A_standalone_Pipeline_s_inline_task_may_use_pipeline_params() =>
        Loaded.Validate(Samples.Pipeline("params: [{name: revision}]\ntasks:\n  - name: a\n    taskSpec:\n      steps:\n        - image: busybox\n          script: echo $(params.revision)\n")).Clean();

    [Fact]
    public void A_standalone_Pipeline_s_inline_task_cannot_use_undeclared_params()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("params: [{name: revision}]\ntasks:\n  - name: a\n    taskSpec:\n      steps:\n        - image: busybox\n          script: echo $(params.nope)\n"));

        var diagnostic = loaded.ExpectNonExistent("nope", "echo $(params.nope)");
        Assert.StartsWith("spec.tasks[0].", diagnostic.FieldPath, StringComparison.Ordinal);
        Assert.EndsWith("steps[0].script", diagnostic.FieldPath, StringComparison.Ordinal);
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void A_PipelineRun_s_inline_pipeline_may_use_params_the_run_passes() =>
        Loaded.Validate(Samples.PipelineRun("""
            params:
              - name: revision
                value: main
            pipelineSpec:
              tasks:
                - name: a
                  taskRef: {name: t}
                  params:
                    - name: x
                      value: $(params.revision)
                - name: b
                  taskSpec:
                    steps:
                      - image: busybox
                        script: echo $(params.revision)
            """)).Clean();

    [Fact]
    public void A_standalone_Pipeline_must_declare_the_workspaces_its_tasks_use()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("workspaces: [{name: source}]\ntasks:\n  - name: a\n    taskRef: {name: t}\n    workspaces:\n      - name: output\n        workspace: src\n"));

        var diagnostic = loaded.Expect("invalid value: pipeline task \"a\" expects workspace with name \"src\" but none exists in pipeline spec", "spec.tasks[0].workspaces[0]");
        loaded.OnLineOf(diagnostic, "workspace: src");
    }

    [Fact]
    public void A_PipelineRun_s_inline_pipeline_is_not_checked_for_workspace_declarations() =>
        Loaded.Validate(Samples.PipelineRun("workspaces:\n  - name: src\n    emptyDir: {}\npipelineSpec:\n  tasks:\n    - name: a\n      taskRef: {name: t}\n      workspaces:\n        - name: output\n          workspace: src\n")).Clean();
}
