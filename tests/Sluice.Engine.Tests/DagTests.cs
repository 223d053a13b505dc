using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Scheduling: pkg/reconciler/pipeline/dag/dag.go (GetCandidateTasks), pkg/apis/pipeline/v1/pipeline_types.go
/// (PipelineTask.Deps: runAfter plus result references). Order and overlap are measured on the executor's
/// clock: when the engine started and saw the end of each step.
/// </summary>
public sealed class DagTests
{
    [Fact]
    public async Task RunAfter_and_result_references_order_tasks()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: first
                    taskSpec:
                      results:
                        - name: out
                      steps:
                        - name: work
                          image: alpine
                          script: |
                            sleep 0.05
                            write $(results.out.path) one
                  - name: second
                    runAfter: [first]
                    taskSpec:
                      steps:
                        - name: work
                          image: alpine
                          script: sleep 0.05
                  - name: third
                    params:
                      - name: in
                        value: $(tasks.first.results.out)
                    taskSpec:
                      params:
                        - name: in
                      steps:
                        - name: work
                          image: alpine
                          script: echo $(params.in)
                  - name: last
                    runAfter: [second, third]
                    taskSpec:
                      steps:
                        - name: work
                          image: alpine
                          script: echo done
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        AssertAfter(outcome, "pr-second", "pr-first");
        AssertAfter(outcome, "pr-third", "pr-first");
        AssertAfter(outcome, "pr-last", "pr-second");
        AssertAfter(outcome, "pr-last", "pr-third");
    }

    [Fact]
    public async Task Independent_tasks_run_at_the_same_time()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: left
                    taskSpec:
                      steps:
                        - name: work
                          image: alpine
                          script: sleep 0.3
                  - name: right
                    taskSpec:
                      steps:
                        - name: work
                          image: alpine
                          script: sleep 0.3
            """);

        var left = outcome.SpanOf("pr-left");
        var right = outcome.SpanOf("pr-right");
        Assert.True(left.Start < right.End && right.Start < left.End, $"left {left} and right {right} did not overlap");
        Assert.Equal(2, outcome.Executor.MaxLiveSandboxes);
    }

    [Fact]
    public async Task The_concurrency_limit_bounds_how_many_sandboxes_exist_at_once()
    {
        var harness = new EngineRun { Concurrency = 2 };
        var outcome = await harness.RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - {name: t1, taskSpec: {steps: [{name: work, image: alpine, script: sleep 0.1}]}}
                  - {name: t2, taskSpec: {steps: [{name: work, image: alpine, script: sleep 0.1}]}}
                  - {name: t3, taskSpec: {steps: [{name: work, image: alpine, script: sleep 0.1}]}}
                  - {name: t4, taskSpec: {steps: [{name: work, image: alpine, script: sleep 0.1}]}}
                  - {name: t5, taskSpec: {steps: [{name: work, image: alpine, script: sleep 0.1}]}}
                  - name: fan
                    matrix:
                      params:
                        - name: shard
                          value: ["1", "2", "3"]
                    taskSpec:
                      params:
                        - name: shard
                      steps: [{name: work, image: alpine, script: sleep 0.1}]
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal(8, outcome.Executor.Sandboxes.Count);
        Assert.Equal(2, outcome.Executor.MaxLiveSandboxes);
    }

    [Fact]
    public async Task Child_taskruns_are_named_after_the_pipelinerun_and_the_pipeline_task()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: build-
            spec:
              pipelineSpec:
                tasks:
                  - {name: compile, taskSpec: {steps: [{name: work, image: alpine, script: echo hi}]}}
            """);

        Assert.Equal("build-x7k2p", outcome.PipelineRun.Metadata.Name);
        var child = Assert.Single(outcome.PipelineRun.Status!.ChildReferences);
        Assert.Equal(("TaskRun", "tekton.dev/v1", "build-x7k2p-compile", "compile"), (child.Kind, child.ApiVersion, child.Name, child.PipelineTaskName));
        var labels = outcome.TaskRunOf("compile").Metadata.Labels;
        Assert.Equal("build-x7k2p", labels["tekton.dev/pipelineRun"]);
        Assert.Equal("compile", labels["tekton.dev/pipelineTask"]);
    }

    [Theory]
    [InlineData("pipeline-run", "task1", "pipeline-run-task1")]
    [InlineData("pipeline-run", "task2-0123456789-0123456789-0123456789-0123456789-0123456789", "pipeline-runee4a397d6eab67777d4e6f9991cd19e6-task2-0123456789-0")]
    [InlineData("pipeline-run-0123456789-0123456789-0123456789-0123456789", "task3", "pipeline-run-0123456789-0123456789-0123456789-0123456789-task3")]
    [InlineData("pipeline-run-0123456789-0123456789-0123456789-0123456789", "task2-0123456789-0123456789-0123456789-0123456789-0123456789", "pipeline-run-0123456789-012345607ad8c7aac5873cdfabe472a68996b5c")]
    [InlineData("pipeline-run-0123456789-0123456789-0123456789-0123456789-0123", "build", "pipeline-run-0123456789-0071686fbea732b16a2e82a65c7668737-build")]
    public async Task Long_child_names_are_shortened_as_kmeta_ChildName_does(string pipelineRun, string pipelineTask, string expected)
    {
        // The first four rows are the table in docs/pipelineruns.md; the last is kmeta.ChildName's other
        // branch (parent[:31-len(suffix)] + md5(parent) + suffix).
        var outcome = await new EngineRun().RunAsync($$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: {{pipelineRun}}
            spec:
              pipelineSpec:
                tasks:
                  - name: {{pipelineTask}}
                    taskSpec:
                      steps: [{name: work, image: alpine, script: echo hi}]
            """);

        Assert.Equal(expected, Assert.Single(outcome.PipelineRun.Status!.ChildReferences).Name);
    }

    private static void AssertAfter(RunOutcome outcome, string later, string earlier)
    {
        var (laterStart, _) = outcome.SpanOf(later);
        var (_, earlierEnd) = outcome.SpanOf(earlier);
        Assert.True(laterStart >= earlierEnd, $"{later} started at {laterStart} before {earlier} ended at {earlierEnd}");
    }
}
