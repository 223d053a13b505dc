using Sluice.Engine.Tests.Harness;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Tests;

/// <summary>
/// Results: pkg/pod/status.go (filterResults), pkg/reconciler/pipelinerun/resources/resultrefresolution.go,
/// apply.go (ApplyTaskResults, PropagateResults, ApplyTaskResultsToPipelineResults).
/// </summary>
public sealed class ResultTests
{
    [Fact]
    public async Task A_task_result_reaches_a_later_tasks_params_and_inline_script()
    {
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
                      results:
                        - name: word
                      steps:
                        - name: write
                          image: alpine
                          script: write $(results.word.path) hello
                  - name: consume
                    params:
                      - name: in
                        value: $(tasks.produce.results.word)
                    taskSpec:
                      params:
                        - name: in
                      steps:
                        - name: show
                          image: alpine
                          script: |
                            echo param=$(params.in)
                            echo direct=$(tasks.produce.results.word)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("word", Assert.Single(outcome.TaskRunOf("produce").Status!.Results).Name);
        Assert.Equal("param=hello\ndirect=hello\n", outcome.LogOfTask("consume"));
    }

    [Fact]
    public async Task Array_and_object_results_are_typed_and_reach_params_whole_by_index_and_by_key()
    {
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
                      results:
                        - name: items
                          type: array
                        - name: image
                          type: object
                          properties:
                            url: {type: string}
                            digest: {type: string}
                      steps:
                        - name: write
                          image: alpine
                          script: |
                            write $(results.items.path) ["a","b","c"]
                            write $(results.image.path) {"url":"registry/app","digest":"sha256:1"}
                  - name: consume
                    params:
                      - name: all
                        value: $(tasks.produce.results.items[*])
                      - name: second
                        value: $(tasks.produce.results.items[1])
                      - name: url
                        value: $(tasks.produce.results.image.url)
                      - name: whole
                        value: $(tasks.produce.results.image[*])
                    taskSpec:
                      params:
                        - name: all
                          type: array
                        - name: second
                        - name: url
                        - name: whole
                          type: object
                          properties:
                            url: {type: string}
                            digest: {type: string}
                      steps:
                        - name: show
                          image: alpine
                          command: [echo]
                          args: ["$(params.all[*])", "$(params.second)", "$(params.url)", "$(params.whole.digest)"]
            """);

        var results = outcome.TaskRunOf("produce").Status!.Results.ToDictionary(r => r.Name);
        Assert.Equal(("array", ParamValue.Of(["a", "b", "c"])), (results["items"].Type, results["items"].Value));
        Assert.Equal("object", results["image"].Type);
        Assert.Equal(ParamValue.Of(new Dictionary<string, string> { ["url"] = "registry/app", ["digest"] = "sha256:1" }), results["image"].Value);
        Assert.Equal("a b c b registry/app sha256:1\n", outcome.LogOfTask("consume"));
    }

    [Fact]
    public async Task Pipeline_results_are_computed_from_task_results_of_every_type()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                results:
                  - name: greeting
                    value: $(tasks.produce.results.word) world
                  - name: items
                    type: array
                    value: $(tasks.produce.results.items[*])
                  - name: first
                    value: $(tasks.produce.results.items[0])
                  - name: image
                    type: object
                    value: $(tasks.produce.results.image[*])
                  - name: url
                    value: $(tasks.produce.results.image.url)
                tasks:
                  - name: produce
                    taskSpec:
                      results:
                        - name: word
                        - name: items
                          type: array
                        - name: image
                          type: object
                          properties:
                            url: {type: string}
                      steps:
                        - name: write
                          image: alpine
                          script: |
                            write $(results.word.path) hello
                            write $(results.items.path) ["x","y"]
                            write $(results.image.path) {"url":"u"}
            """);

        var results = outcome.Results;
        Assert.Equal(ParamValue.Of("hello world"), results["greeting"]);
        Assert.Equal(ParamValue.Of(["x", "y"]), results["items"]);
        Assert.Equal(ParamValue.Of("x"), results["first"]);
        Assert.Equal(ParamValue.Of(new Dictionary<string, string> { ["url"] = "u" }), results["image"]);
        Assert.Equal(ParamValue.Of("u"), results["url"]);
    }

    [Fact]
    public async Task A_pipeline_result_that_refers_to_a_skipped_task_is_omitted_and_the_run_still_completes()
    {
        // ApplyTaskResultsToPipelineResults: a missing result of a task whose status is not Succeeded
        // makes the pipeline result invalid without an error; the run is Completed because of the skip.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                results:
                  - name: from-skipped
                    value: $(tasks.skipped.results.word)
                  - name: from-run
                    value: $(tasks.ran.results.word)
                tasks:
                  - name: skipped
                    when:
                      - input: "a"
                        operator: in
                        values: ["b"]
                    taskSpec:
                      results:
                        - name: word
                      steps:
                        - name: write
                          image: alpine
                          script: write $(results.word.path) never
                  - name: ran
                    taskSpec:
                      results:
                        - name: word
                      steps:
                        - name: write
                          image: alpine
                          script: write $(results.word.path) yes
            """);

        Expect.Condition(outcome.Condition, "True", "Completed", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 1");
        Assert.Equal(["from-run"], outcome.Results.Keys);
        Assert.False(outcome.Ran("skipped"));
    }

    [Fact]
    public async Task A_pipeline_result_that_a_successful_task_did_not_emit_fails_the_run()
    {
        // pipelinerun.go reconcile: ApplyTaskResultsToPipelineResults returns "invalid pipelineresults %v, the
        // referenced results don't exist" and the run is MarkFailed(CouldntGetPipelineResult,
        // "Failed to get PipelineResult from TaskRun Results for PipelineRun %s: %s").
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                results:
                  - name: out
                    value: $(tasks.quiet.results.word)
                tasks:
                  - name: quiet
                    taskSpec:
                      results: [{name: word}]
                      steps: [{name: work, image: alpine, script: echo no result}]
            """);

        Expect.Condition(outcome.Condition, "False", "CouldntGetPipelineResult", "Failed to get PipelineResult from TaskRun Results for PipelineRun pr: invalid pipelineresults [out], the referenced results don't exist");
        Expect.Condition(outcome.ConditionOf("quiet"), "True", "Succeeded");
        Assert.Empty(outcome.Results);
    }

    [Fact]
    public async Task A_task_that_needs_a_result_a_successful_task_did_not_emit_fails_validation()
    {
        // runNextSchedulableTask: CheckMissingResultReferences gives MissingResultFromCompletedTaskError, the task
        // joins ValidationFailedTask, and GetPipelineConditionStatus reports PipelineValidationFailed with
        // ", Failed Validation: n (errors)" after the counts.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: quiet
                    taskSpec:
                      results: [{name: word}]
                      steps: [{name: work, image: alpine, script: echo no result}]
                  - name: needs-word
                    params: [{name: in, value: "$(tasks.quiet.results.word)"}]
                    taskSpec:
                      params: [{name: in}]
                      steps: [{name: work, image: alpine, script: echo $(params.in)}]
            """);

        Expect.Condition(
            outcome.Condition,
            "False",
            "PipelineValidationFailed",
            "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0, Failed Validation: 1 (task \"quiet\" completed successfully but did not emit the result \"word\", which is referenced by task \"needs-word\")");
        Assert.False(outcome.Ran("needs-word"));
    }

    [Fact]
    public async Task Results_larger_than_four_kilobytes_pass_whole()
    {
        // Locally results are files, so the termination message limit of 4096 bytes does not apply
        // (examples/v1/pipelineruns/alpha/pipelinerun-large-results.yaml).
        var big = new string('r', 5000);
        var outcome = await new EngineRun().RunAsync($$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                results:
                  - name: big
                    value: $(tasks.produce.results.big)
                tasks:
                  - name: produce
                    taskSpec:
                      results:
                        - name: big
                      steps:
                        - name: write
                          image: alpine
                          script: write $(results.big.path) {{big}}
                  - name: consume
                    params:
                      - name: in
                        value: $(tasks.produce.results.big)
                    taskSpec:
                      params:
                        - name: in
                      steps:
                        - name: show
                          image: alpine
                          script: echo $(params.in)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal(big, outcome.Results["big"].StringValue);
        Assert.Equal(big + "\n", outcome.LogOfTask("consume"));
    }

    [Fact]
    public async Task A_standalone_taskrun_reports_its_results_with_their_types()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                results:
                  - name: text
                  - name: list
                    type: array
                steps:
                  - name: write
                    image: alpine
                    script: |
                      write $(results.text.path) some text
                      write $(results.list.path) ["1","2"]
            """);

        var results = outcome.TaskRun.Status!.Results;
        Assert.Equal(["text", "list"], results.Select(r => r.Name));
        Assert.Equal(["string", "array"], results.Select(r => r.Type));
        Assert.Equal(ParamValue.Of("some text"), results[0].Value);
        Assert.Equal(ParamValue.Of(["1", "2"]), results[1].Value);
    }
}
