using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;
using Sluice.Store.Tests;

namespace Sluice.Cli.Tests.History;

/// <summary>
/// The history through the real <c>sluice</c> program: a SIGKILLed run is shown failed by the next
/// command with its logs kept and nothing left behind, <c>describe -o json</c> of a real run is valid
/// against Tekton's CRDs, cancel reaches another process, rerun and start reproduce runs. Needs what
/// eng/ installs: Docker with the stand-in images, bubblewrap.
/// </summary>
public sealed partial class HistoryProcessTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-history-tests-").FullName;
    private readonly int _marker = Random.Shared.Next(100_000, 999_999);

    private string Home => Path.Combine(_directory, "home");

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("docker")]
    [InlineData("host")]
    public async Task A_run_whose_sluice_was_killed_is_shown_failed_by_the_next_command_with_its_logs_and_nothing_left_behind(string executor)
    {
        string name;
        using (var sluice = SluiceProcess.Start(Home, "run", "--executor", executor, "--network", "none", "--config", StandIns, Write("killed.yaml", KilledPipeline())))
        {
            await sluice.WaitForOutputAsync($"before the kill {_marker}", StartLimit);
            name = Started().Match(sluice.Output).Groups[1].Value;
            await sluice.SignalAsync("KILL");
            await sluice.WaitForExitAsync(StopLimit);
        }

        var taskRun = $"{name}-wait";
        Assert.NotEmpty(executor == "docker" ? await Leftovers.ContainersOfAsync(taskRun) : Leftovers.ProcessesWith($"sleep {_marker}"));

        var (describeExit, description) = await SluiceProcess.RunAsync(Home, "describe", name);

        Assert.True(describeExit == 0, description);
        Assert.Matches(@"STATUS\s*\n\s*\S+ ago\s+\S+\s+EngineStopped", description);
        Assert.Contains("the sluice process running it (pid", description, StringComparison.Ordinal);
        Assert.Matches(@"-first\s+first\s+\S+ ago\s+\S+\s+Succeeded", description);
        Assert.Empty(await Leftovers.ContainersOfAsync(taskRun));
        Assert.Empty(Leftovers.ProcessesWith($"sleep {_marker}"));
        Assert.Empty(Leftovers.RunDirectories(Home));

        var (_, logs) = await SluiceProcess.RunAsync(Home, "logs", name);
        Assert.Contains("[first : quick] first done", logs, StringComparison.Ordinal);
        Assert.Contains($"[wait : sleep] before the kill {_marker}", logs, StringComparison.Ordinal);
        var (_, list) = await SluiceProcess.RunAsync(Home, "list");
        Assert.Matches($@"{name}\s+False\s+EngineStopped", list);

        // Run ids are never reused: the next run of the same file gets a new name and uid.
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--executor", "host", "--config", StandIns, Write("quick.yaml", Quick()));
        Assert.True(exitCode == 0, output);
        var runs = await ListJsonAsync("taskruns");
        var all = runs.Concat(await ListJsonAsync("pipelineruns")).ToList();
        Assert.Equal(all.Count, all.Select(r => r["metadata"]!["uid"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(all.Count, all.Select(r => r["metadata"]!["name"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Describe_json_of_a_real_run_and_of_its_taskruns_is_valid_against_tektons_crds()
    {
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--executor", "host", "--config", StandIns, Write("pipeline.yaml", FailingPipeline()));
        Assert.True(exitCode == 1, output);
        var name = Started().Match(output).Groups[1].Value;

        var (describeExit, json) = await SluiceProcess.RunAsync(Home, "describe", name, "-o", "json");

        Assert.True(describeExit == 0, json);
        var run = JsonNode.Parse(json)!;
        Assert.Equal("PipelineRun", run["kind"]!.GetValue<string>());
        Assert.Equal("False", run["status"]!["conditions"]![0]!["status"]!.GetValue<string>());
        Assert.Empty(CrdSchemas.Validate(run));
        foreach (var child in run["status"]!["childReferences"]!.AsArray())
        {
            var (_, childJson) = await SluiceProcess.RunAsync(Home, "describe", child!["name"]!.GetValue<string>(), "-o", "json");
            var taskRun = JsonNode.Parse(childJson)!;
            Assert.Equal("TaskRun", taskRun["kind"]!.GetValue<string>());
            Assert.Empty(CrdSchemas.Validate(taskRun));
        }

        var (_, yaml) = await SluiceProcess.RunAsync(Home, "describe", name, "-o", "yaml");
        Assert.StartsWith("apiVersion: tekton.dev/v1\nkind: PipelineRun\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_from_another_process_ends_the_run_cancelled_as_ctrl_c_does()
    {
        using var sluice = SluiceProcess.Start(Home, "run", "--executor", "host", "--config", StandIns, Write("killed.yaml", KilledPipeline()));
        await sluice.WaitForOutputAsync($"before the kill {_marker}", StartLimit);
        var name = Started().Match(sluice.Output).Groups[1].Value;

        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "cancel", name, "--wait");
        await sluice.WaitForExitAsync(StopLimit);

        TestContext.Current.SendDiagnosticMessage($"sluice cancel to the run's end took {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.True(exitCode == 0, output);
        Assert.Contains("ended: Cancelled", output, StringComparison.Ordinal);
        Assert.Equal(1, sluice.ExitCode);
        Assert.Empty(Leftovers.ProcessesWith($"sleep {_marker}"));
        var (_, list) = await SluiceProcess.RunAsync(Home, "list", "--status", "cancelled");
        Assert.Contains(name, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_start_and_rerun_with_the_same_inputs_reproduce_a_run_from_the_stored_definitions()
    {
        var file = Write("pipeline.yaml", FailingPipeline());
        var (applyExit, applied) = await SluiceProcess.RunAsync(Home, "apply", "-f", file);
        Assert.True(applyExit == 0, applied);
        Assert.Contains("pipeline.tekton.dev/compile-and-test created (version 1)", applied, StringComparison.Ordinal);
        Assert.Contains("unchanged (version 1)", (await SluiceProcess.RunAsync(Home, "apply", "-f", file)).Output, StringComparison.Ordinal);
        Assert.Matches(@"compile-and-test\s+1\s", (await SluiceProcess.RunAsync(Home, "get", "pipelines")).Output);

        var (startExit, started) = await SluiceProcess.RunAsync(Home, "start", "pipeline", "compile-and-test", "-p", "revision=v1", "--executor", "host", "--config", StandIns);
        Assert.True(startExit == 1, started);
        var first = Started().Match(started).Groups[1].Value;
        Assert.Contains("[compile/make] compiling v1", started, StringComparison.Ordinal);

        var (rerunExit, rerun) = await SluiceProcess.RunAsync(Home, "rerun", "--last", "--same-inputs", "--executor", "host", "--config", StandIns);
        Assert.True(rerunExit == 1, rerun);
        Assert.Contains("pinned compile revision to commit 1a2b3c", rerun, StringComparison.Ordinal);
        Assert.Contains("[compile/make] compiling 1a2b3c", rerun, StringComparison.Ordinal);
        var (_, description) = await SluiceProcess.RunAsync(Home, "describe", "--last");
        Assert.Contains("Pipeline:    compile-and-test (stored version 1)", description, StringComparison.Ordinal);

        // The started run again, with one param changed (the rerun above ran a pinned definition).
        var (plainExit, plain) = await SluiceProcess.RunAsync(Home, "rerun", first, "-p", "revision=v9", "--executor", "host", "--config", StandIns);
        Assert.True(plainExit == 1, plain);
        Assert.Contains("[compile/make] compiling v9", plain, StringComparison.Ordinal);
        Assert.Equal(3, (await ListJsonAsync("pipelineruns")).Count);
    }

    [Fact]
    public async Task Delete_and_prune_remove_runs_and_their_logs()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await SluiceProcess.RunAsync(Home, "run", "--executor", "host", "--config", StandIns, Write("quick.yaml", Quick()))).ExitCode);
        }

        var names = (await ListJsonAsync("taskruns")).Select(r => r["metadata"]!["name"]!.GetValue<string>()).ToList();
        var (deleteExit, deleted) = await SluiceProcess.RunAsync(Home, "delete", names[0]);
        Assert.True(deleteExit == 0, deleted);
        var (pruneExit, pruned) = await SluiceProcess.RunAsync(Home, "prune", "--keep", "1");
        Assert.True(pruneExit == 0, pruned);
        Assert.Contains("1 run removed", pruned, StringComparison.Ordinal);

        Assert.Equal([names[1]], (await ListJsonAsync("taskruns")).Select(r => r["metadata"]!["name"]!.GetValue<string>()));
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(Home, "logs")));
    }

    public void Dispose()
    {
        foreach (var pid in Leftovers.ProcessesWith($"sleep {_marker}"))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(@"(?:PipelineRun|TaskRun) (\S+) started")]
    private static partial Regex Started();

    private async Task<List<JsonNode>> ListJsonAsync(string kind)
    {
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "list", kind, "-o", "json");
        Assert.True(exitCode == 0, output);
        return [.. JsonNode.Parse(output)!["items"]!.AsArray().OfType<JsonNode>()];
    }

    private string KilledPipeline() => $$"""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: killed-
        spec:
          pipelineSpec:
            tasks:
              - name: first
                taskSpec:
                  steps:
                    - name: quick
                      image: busybox
                      script: echo first done
              - name: wait
                runAfter: [first]
                taskSpec:
                  steps:
                    - name: sleep
                      image: busybox
                      script: |
                        trap '' TERM INT
                        echo "before the kill {{_marker}}"
                        sleep {{_marker}}
        """;

    private static string FailingPipeline() => """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata:
          name: compile-and-test
        spec:
          params:
            - name: revision
              default: main
          tasks:
            - name: compile
              params:
                - name: revision
                  value: $(params.revision)
              taskSpec:
                params:
                  - name: revision
                results:
                  - name: commit
                  - name: IMAGE_URL
                  - name: IMAGE_DIGEST
                steps:
                  - name: make
                    image: busybox
                    script: |
                      echo "compiling $(params.revision)"
                      printf '1a2b3c' > $(results.commit.path)
                      printf 'registry.local/app' > $(results.IMAGE_URL.path)
                      printf 'sha256:0123abcd' > $(results.IMAGE_DIGEST.path)
            - name: test
              runAfter: [compile]
              taskSpec:
                steps:
                  - name: unit
                    image: busybox
                    script: |
                      echo "FAIL: widget_test"
                      exit 3
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: compile-and-test-run-
        spec:
          pipelineRef:
            name: compile-and-test
        """;

    private static string Quick() => """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          generateName: quick-
        spec:
          taskSpec:
            steps:
              - name: echo
                image: busybox
                script: echo done
        """;

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal), new System.Text.UTF8Encoding(false));
        return path;
    }
}
