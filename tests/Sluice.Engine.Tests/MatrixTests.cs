using Sluice.Engine.Tests.Harness;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Tests;

/// <summary>
/// Matrix: pkg/apis/pipeline/v1/matrix_types.go (FanOut: the first param varies fastest; include merges into
/// matching combinations or adds new ones; CountCombinations), pipelinerunresolution.go (getNewRunNames,
/// skipBecauseEmptyArrayInMatrixParams, createResultsCacheMatrixedTaskRuns), apply.go (ApplyPipelineTaskContexts).
/// </summary>
public sealed class MatrixTests
{
    [Fact]
    public async Task A_matrix_fans_out_with_the_first_param_fastest_and_include_adds_to_matching_combinations()
    {
        // The combinations of the include example in docs/matrix.md, in FanOut's order.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: browse
                    matrix:
                      params:
                        - {name: platform, value: [linux, mac]}
                        - {name: browser, value: [safari, chrome]}
                      include:
                        - name: linux-url
                          params:
                            - {name: platform, value: linux}
                            - {name: url, value: some-url}
                        - name: non-existent-browser
                          params:
                            - {name: browser, value: i-do-not-exist}
                    taskSpec:
                      params:
                        - {name: platform, default: none}
                        - {name: browser}
                        - {name: url, default: no-url}
                      steps: [{name: show, image: alpine, script: "echo $(params.platform) $(params.browser) $(params.url)"}]
                  - name: count
                    runAfter: [browse]
                    params: [{name: combinations, value: "$(tasks.browse.matrix.length)"}]
                    taskSpec:
                      params: [{name: combinations}]
                      steps: [{name: show, image: alpine, script: "echo $(params.combinations)"}]
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded", "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0");
        var runs = outcome.TaskRunsOf("browse");
        Assert.Equal(["pr-browse-0", "pr-browse-1", "pr-browse-2", "pr-browse-3", "pr-browse-4"], runs.Select(r => r.Metadata.Name));
        Assert.Equal(
            ["linux safari some-url\n", "mac safari no-url\n", "linux chrome some-url\n", "mac chrome no-url\n", "none i-do-not-exist no-url\n"],
            runs.Select(r => outcome.LogOf(r.Metadata.Name!)));
        Assert.Equal([("browser", "safari"), ("platform", "linux"), ("url", "some-url")], runs[0].Spec.Params.Select(p => (p.Name, p.Value.StringValue)));
        Assert.Equal(
            ["pr-browse-0", "pr-browse-1", "pr-browse-2", "pr-browse-3", "pr-browse-4", "pr-count"],
            outcome.PipelineRun.Status!.ChildReferences.Select(c => c.Name));
        Assert.Equal("5\n", outcome.LogOfTask("count"));
    }

    [Fact]
    public async Task A_matrix_param_with_an_empty_array_skips_the_task()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: nothing
                    matrix:
                      params:
                        - {name: item, value: []}
                    taskSpec:
                      params: [{name: item}]
                      steps: [{name: show, image: alpine, script: "echo $(params.item)"}]
                  - name: other
                    taskSpec: {steps: [{name: show, image: alpine, script: echo other}]}
            """);

        Expect.Condition(outcome.Condition, "True", "Completed", "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 1");
        Assert.Equal(new Dictionary<string, string> { ["nothing"] = "Matrix Parameters have an empty array" }, outcome.SkippedTasks);
        Assert.False(outcome.Ran("nothing"));
    }

    [Fact]
    public async Task Results_of_a_matrixed_task_are_aggregated_into_arrays_in_combination_order()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                results:
                  - name: images
                    type: array
                    value: $(tasks.build.results.image[*])
                tasks:
                  - name: build
                    matrix:
                      params:
                        - {name: arch, value: [amd64, arm64, s390x]}
                    taskSpec:
                      params: [{name: arch}]
                      results: [{name: image}]
                      steps: [{name: build, image: alpine, script: "write $(results.image.path) img-$(params.arch)"}]
                  - name: collect
                    params:
                      - {name: images, value: "$(tasks.build.results.image[*])"}
                      - {name: count, value: "$(tasks.build.matrix.image.length)"}
                    taskSpec:
                      params:
                        - {name: images, type: array}
                        - {name: count}
                      steps:
                        - name: show
                          image: alpine
                          command: [echo]
                          args: ["$(params.count)", "$(params.images[*])"]
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("3 img-amd64 img-arm64 img-s390x\n", outcome.LogOfTask("collect"));
        Assert.Equal(ParamValue.Of(["img-amd64", "img-arm64", "img-s390x"]), outcome.Results["images"]);
    }

    [Fact]
    public async Task A_matrix_fed_by_a_pipeline_array_param_fans_out_over_its_items()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - {name: versions, value: ["1.21", "1.22"]}
              pipelineSpec:
                params:
                  - {name: versions, type: array}
                tasks:
                  - name: test
                    matrix:
                      params:
                        - {name: version, value: ["$(params.versions[*])"]}
                    params:
                      - {name: package, value: ./...}
                    taskSpec:
                      params: [{name: version}, {name: package}]
                      steps: [{name: test, image: "golang:$(params.version)", script: "echo $(params.package) on $(params.version)"}]
            """);

        var runs = outcome.TaskRunsOf("test");
        Assert.Equal(["./... on 1.21\n", "./... on 1.22\n"], runs.Select(r => outcome.LogOf(r.Metadata.Name!)));
        Assert.Equal(["golang:1.21", "golang:1.22"], runs.Select(r => outcome.Steps.Single(s => s.TaskRun == r.Metadata.Name).Spec.Image.Requested));
    }
}
