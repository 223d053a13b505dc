using Sluice.Engine.Caching;
using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests.Caching;

/// <summary>TaskRuns and the cache (DESIGN.md section 5): who opts in, what the key holds, what a hit restores.</summary>
public sealed class TaskRunCacheTests
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: build
          annotations:
            sluice.dev/cache: "true"
            sluice.dev/cache-inputs: source:src
            sluice.dev/cache-outputs: source:out
        spec:
          params:
            - name: flavour
          workspaces:
            - name: source
          results:
            - name: digest
            - name: files
              type: array
          steps:
            - name: compile
              image: alpine
              script: |
                echo compiling $(params.flavour)
                write $(results.digest.path) sha256:abc
                write $(results.files.path) ["a","b"]
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: pr
        spec:
          workspaces:
            - name: ws
              persistentVolumeClaim:
                claimName: data
          pipelineSpec:
            workspaces:
              - name: ws
            tasks:
              - name: build
                taskRef:
                  name: build
                params:
                  - name: flavour
                    value: FLAVOUR
                workspaces:
                  - name: source
                    workspace: ws
                timeout: TIMEOUT
                retries: RETRIES
                displayName: DISPLAY
              - name: use
                params:
                  - name: digest
                    value: $(tasks.build.results.digest)
                taskSpec:
                  params:
                    - name: digest
                  steps:
                    - name: show
                      image: alpine
                      script: echo got $(params.digest)
            finally:
              - name: report
                params:
                  - name: status
                    value: $(tasks.build.status)
                when:
                  - input: $(tasks.build.status)
                    operator: in
                    values: ["Succeeded"]
                taskSpec:
                  params:
                    - name: status
                  steps:
                    - name: show
                      image: alpine
                      script: echo build was $(params.status)
        """;

    [Fact]
    public async Task A_second_run_restores_results_and_outputs_without_running_a_step_and_succeeds_as_a_run_would()
    {
        var cache = new InMemoryCache();
        cache.Files["data:src"] = "main.go v1";
        cache.Files["data:out"] = "binary v1";
        var first = await RunAsync(cache, Pipeline);
        Assert.Contains(first.Steps, s => s.Container == "step-compile");
        Assert.Equal("false", first.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Single(cache.Puts);

        cache.Files.TryRemove("data:out", out _);
        var second = await RunAsync(cache, Pipeline);

        Assert.DoesNotContain(second.Steps, s => s.Container == "step-compile");
        var build = second.TaskRunOf("build");
        Expect.Condition(build.Status!.Conditions.Single(), "True", "Succeeded", "All Steps have completed executing");
        Assert.Equal("true", build.Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Equal(first.TaskRunOf("build").Metadata.Name, build.Metadata.Annotations[CacheAnnotations.Source]);
        Assert.Equal(first.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Key], build.Metadata.Annotations[CacheAnnotations.Key]);
        Assert.Equal(first.TaskRunOf("build").Status!.Results, build.Status.Results);
        Assert.Equal("binary v1", cache.Files["data:out"]);
        Assert.Equal(["data:out"], cache.Restored);
        Assert.Equal("got sha256:abc\n", second.LogOfTask("use"));
        Assert.Equal("build was Succeeded\n", second.LogOfTask("report"));
        Expect.Condition(second.Condition, "True", "Succeeded");
        Assert.Single(cache.Puts);
    }

    [Fact]
    public async Task A_hit_reports_each_steps_exit_code_and_reasons_and_the_artifacts_later_tasks_read_as_the_run_did()
    {
        const string Steps = """
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: produce
                    taskSpec:
                      steps:
                        - name: tolerated
                          image: alpine
                          onError: continue
                          script: exit 3
                        - name: skipped
                          image: alpine
                          when:
                            - input: "a"
                              operator: in
                              values: ["b"]
                          script: echo never
                        - name: write
                          image: alpine
                          script: write $(artifacts.path) {"outputs":[{"name":"image","values":[{"uri":"pkg:a"}]}]}
                  - name: consume
                    runAfter: [produce]
                    taskSpec:
                      steps:
                        - name: read
                          image: alpine
                          script: echo $(tasks.produce.outputs.image)
            """;
        var cache = new InMemoryCache();
        var first = await RunAsync(cache, Steps, mode: CacheMode.All);
        var second = await RunAsync(cache, Steps, mode: CacheMode.All);

        var (ran, restored) = (first.TaskRunOf("produce").Status!, second.TaskRunOf("produce").Status!);
        Assert.Equal("true", second.TaskRunOf("produce").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Equal([(3, "Completed", "Continued"), (0, "Completed", "Skipped"), (0, "Completed", "Completed")], restored.Steps.Select(s => (s.Terminated!.ExitCode, s.Terminated.Reason, s.TerminationReason)));
        Assert.Equal(ran.Steps.Select(s => (s.Name, s.Terminated!.ExitCode, s.Terminated.Reason, s.TerminationReason)), restored.Steps.Select(s => (s.Name, s.Terminated!.ExitCode, s.Terminated.Reason, s.TerminationReason)));
        Assert.Equal(ran.Artifacts!.ToJsonString(), restored.Artifacts!.ToJsonString());
        Assert.Equal("true", second.TaskRunOf("consume").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.DoesNotContain(second.Steps, s => s.Container == "step-read");
        Expect.Condition(second.Condition, "True", "Succeeded");
    }

    [Fact]
    public async Task Timeouts_retries_and_display_names_leave_the_key_alone()
    {
        var cache = new InMemoryCache();
        await RunAsync(cache, Pipeline);
        var second = await RunAsync(cache, Pipeline, timeout: "5m", retries: "2", display: "Build it");

        Assert.Equal("true", second.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Single(cache.Claims.Distinct());
    }

    [Fact]
    public async Task A_changed_param_or_input_file_is_a_miss_and_runs_the_steps()
    {
        var cache = new InMemoryCache();
        cache.Files["data:src"] = "main.go v1";
        await RunAsync(cache, Pipeline);

        var otherParam = await RunAsync(cache, Pipeline, flavour: "release");
        Assert.Equal("false", otherParam.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Contains(otherParam.Steps, s => s.Container == "step-compile");

        cache.Files["data:src"] = "main.go v2";
        var otherInput = await RunAsync(cache, Pipeline);
        Assert.Equal("false", otherInput.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Equal(3, cache.Puts.Distinct().Count());
    }

    [Fact]
    public async Task Paths_may_name_params_whose_values_or_defaults_they_take()
    {
        var withParams = Pipeline
            .Replace("sluice.dev/cache-inputs: source:src", "sluice.dev/cache-inputs: source:$(params.flavour)", StringComparison.Ordinal)
            .Replace("sluice.dev/cache-outputs: source:out", "sluice.dev/cache-outputs: source:$(params.output)", StringComparison.Ordinal)
            .Replace("\n  params:\n    - name: flavour\n", "\n  params:\n    - name: flavour\n    - name: output\n      default: bin\n", StringComparison.Ordinal);
        Assert.NotEqual(Pipeline, withParams);
        var cache = new InMemoryCache();
        cache.Files["data:release"] = "release sources v1";
        cache.Files["data:bin"] = "binary v1";
        await RunAsync(cache, withParams, flavour: "release");
        cache.Files.TryRemove("data:bin", out _);

        var second = await RunAsync(cache, withParams, flavour: "release");

        Assert.Equal("true", second.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Equal(["data:bin"], cache.Restored);
        cache.Files["data:release"] = "release sources v2";
        var changed = await RunAsync(cache, withParams, flavour: "release");
        Assert.Equal("false", changed.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
    }

    [Fact]
    public async Task A_failed_run_is_not_stored_and_the_next_run_runs_again()
    {
        var failing = Pipeline.Replace("write $(results.files.path) [\"a\",\"b\"]", "exit 3", StringComparison.Ordinal);
        var cache = new InMemoryCache();
        var first = await RunAsync(cache, failing);
        Expect.Condition(first.ConditionOf("build"), "False", "StepFailed");
        Assert.Empty(cache.Puts);

        var second = await RunAsync(cache, failing);
        Assert.Contains(second.Steps, s => s.Container == "step-compile");
        Assert.Equal("false", second.TaskRunOf("build").Metadata.Annotations[CacheAnnotations.Hit]);
        Assert.Empty(cache.Puts);
    }

    [Fact]
    public async Task Unannotated_runs_never_reach_the_cache_and_keep_their_annotations()
    {
        var cache = new InMemoryCache();
        var plain = Pipeline.Replace("sluice.dev/cache: \"true\"", "example.com/owner: team", StringComparison.Ordinal);
        var outcome = await RunAsync(cache, plain);
        await RunAsync(cache, plain);

        Assert.Empty(cache.Claims);
        Assert.DoesNotContain(outcome.TaskRunOf("build").Metadata.Annotations.Keys, k => k.StartsWith("sluice.dev/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cache_flag_opts_every_task_in_unless_one_says_false_and_no_cache_opts_all_out()
    {
        var cache = new InMemoryCache();
        var all = await RunAsync(cache, Pipeline, mode: CacheMode.All);
        Assert.Equal(["build", "report", "use"], CachedTasks(all));

        var optedOut = await RunAsync(new InMemoryCache(), Pipeline.Replace("sluice.dev/cache: \"true\"", "sluice.dev/cache: \"false\"", StringComparison.Ordinal), mode: CacheMode.All);
        Assert.Equal(["report", "use"], CachedTasks(optedOut));

        var off = new InMemoryCache();
        var none = await RunAsync(off, Pipeline, mode: CacheMode.Off);
        Assert.Empty(CachedTasks(none));
        Assert.Empty(off.Claims);
    }

    [Fact]
    public async Task An_embedded_task_specs_metadata_or_the_run_opts_in()
    {
        const string Embedded = """
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              pipelineSpec:
                tasks:
                  - name: one
                    taskSpec:
                      metadata:
                        annotations:
                          sluice.dev/cache: "true"
                      steps:
                        - name: s
                          image: alpine
                          script: echo one
                  - name: two
                    taskSpec:
                      steps:
                        - name: s
                          image: alpine
                          script: echo two
            """;
        Assert.Equal(["one"], CachedTasks(await RunAsync(new InMemoryCache(), Embedded)));

        var onRun = Embedded.Replace("  name: pr\n", "  name: pr\n  annotations:\n    sluice.dev/cache: \"true\"\n", StringComparison.Ordinal);
        Assert.Equal(["one", "two"], CachedTasks(await RunAsync(new InMemoryCache(), onRun)));
    }

    [Theory]
    [InlineData("sluice.dev/cache: \"true\"", "sluice.dev/cache: \"yes\"", "annotation sluice.dev/cache is \"yes\"; write \"true\" or \"false\"")]
    [InlineData("sluice.dev/cache-inputs: source:src", "sluice.dev/cache-inputs: src", "annotation sluice.dev/cache-inputs names workspace \"src\" in \"src\", but the Task declares source")]
    [InlineData("sluice.dev/cache-outputs: source:out", "sluice.dev/cache-outputs: source:../x", "annotation sluice.dev/cache-outputs: \"source:../x\": the path must be relative to the workspace, without empty, . or .. segments, such as source:src/app")]
    public async Task A_malformed_annotation_fails_the_task_run_with_a_message_that_names_it(string line, string malformed, string message)
    {
        var outcome = await RunAsync(new InMemoryCache(), Pipeline.Replace(line, malformed, StringComparison.Ordinal));
        Expect.Condition(outcome.ConditionOf("build"), "False", "TaskRunValidationFailed", message);
    }

    private static Task<RunOutcome> RunAsync(InMemoryCache cache, string yaml, string flavour = "debug", string timeout = "1h", string retries = "0", string display = "Build", CacheMode mode = CacheMode.Annotated) =>
        new EngineRun { Caching = cache.Caching, CacheMode = mode }.RunAsync(yaml
            .Replace("FLAVOUR", flavour, StringComparison.Ordinal)
            .Replace("TIMEOUT", timeout, StringComparison.Ordinal)
            .Replace("RETRIES", retries, StringComparison.Ordinal)
            .Replace("DISPLAY", display, StringComparison.Ordinal));

    private static string[] CachedTasks(RunOutcome outcome) =>
        [.. new[] { "build", "use", "report", "one", "two" }
            .Where(t => outcome.Ran(t) && outcome.TaskRunOf(t).Metadata.Annotations.ContainsKey(CacheAnnotations.Key))
            .Order(StringComparer.Ordinal)];
}
