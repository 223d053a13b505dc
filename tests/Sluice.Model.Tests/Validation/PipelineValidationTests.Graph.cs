using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

public sealed partial class PipelineValidationTests
{
    private const string MissingCompile = "invalid value: couldn't add link between publish and compile: task publish depends on compile but compile wasn't present in Pipeline";

    [Fact]
    public void Two_tasks_of_one_name_are_one_problem()
    {
        // Tekton reports the name (ErrMultipleOneOf) and again the graph ("already present in Graph"); one mistake is one problem.
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n  - name: a\n    taskRef: {name: t}\n"));

        var diagnostic = Assert.Single(loaded.Diagnostics);
        Assert.Equal("expected exactly one, got both", diagnostic.Message);
        loaded.At(diagnostic, "name: a", 2);
    }

    [Fact]
    public void A_graph_error_behind_a_duplicate_name_is_still_found()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("tasks:\n  - name: a\n    runAfter: [nope]\n    taskRef: {name: t}\n  - name: a\n    taskRef: {name: t}\n"));

        loaded.Expect("expected exactly one, got both");
        var diagnostic = loaded.Expect("invalid value: couldn't add link between a and nope: task a depends on nope but nope wasn't present in Pipeline", "spec.tasks");
        loaded.At(diagnostic, "runAfter:");
    }

    [Fact]
    public void A_result_reference_to_a_missing_task_is_reported_at_the_param_that_makes_it()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: publish
                taskRef: {name: t}
                params:
                  - name: other
                    value: plain
                  - name: digest
                    value: $(tasks.compile.results.digest)
            """));

        var diagnostic = loaded.Expect(MissingCompile, "spec.tasks");
        loaded.At(diagnostic, "value: $(tasks.compile");
    }

    [Fact]
    public void A_result_reference_in_a_when_input_is_reported_at_the_input()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: publish
                taskRef: {name: t}
                when:
                  - input: $(tasks.compile.results.digest)
                    operator: in
                    values: ["x"]
            """));

        var diagnostic = loaded.Expect(MissingCompile, "spec.tasks");
        loaded.At(diagnostic, "input:");
    }

    [Fact]
    public void A_result_reference_in_an_inline_spec_is_reported_at_the_task_spec()
    {
        var loaded = Loaded.Validate(Samples.Pipeline("""
            tasks:
              - name: publish
                taskSpec:
                  steps:
                    - image: busybox
                      script: echo $(tasks.compile.results.digest)
            """));

        var diagnostic = loaded.Expect(MissingCompile, "spec.tasks");
        loaded.At(diagnostic, "taskSpec:");
    }
}
