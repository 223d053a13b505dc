using Sluice.Store;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Processes;

/// <summary>
/// <c>sluice run</c> of files with several runs starts them all at once, as <c>kubectl create</c> of them
/// would on Tekton: they share the <c>--concurrency</c> limit, each line they print names its run, one
/// failing fails the command without stopping the others, and Ctrl-C cancels every one. Steps run on the
/// host executor and meet in a named claim, which every run of the machine shares. Needs the stand-in
/// images' files and bubblewrap that eng/ installs; no Docker.
/// </summary>
public sealed class RunsAtOnceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-at-once-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private string Home => Path.Combine(_directory, "home");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_runs_of_one_command_run_at_the_same_time()
    {
        // Each step waits for the file the other writes: both succeed only when both run at once.
        var file = Write(TaskRun("left", "touch /workspace/meet/left\nwait_for /workspace/meet/right"), TaskRun("right", "touch /workspace/meet/right\nwait_for /workspace/meet/left"));

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("left  | TaskRun left Succeeded", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("right | TaskRun right Succeeded", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_line_of_several_runs_starts_with_the_name_of_its_run_padded_to_the_longest()
    {
        var file = Write(
            TaskRun("a", "echo from a"),
            """
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pipeline-b
            spec:
              pipelineSpec:
                tasks:
                  - name: say
                    taskSpec:
                      steps: [{name: echo, image: busybox, script: echo from b}]
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var lines = result.Stdout.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.StartsWith("a          | ", StringComparison.Ordinal) || line.StartsWith("pipeline-b | ", StringComparison.Ordinal), line));
        Assert.Contains("a          | [run] from a", lines);
        Assert.Contains("pipeline-b | [say/echo] from b", lines);
        Assert.Contains("pipeline-b | → say started (pipeline-b-say)", lines);
        Assert.Contains("a          | TaskRun a started", lines);
        // A summary is one piece: the logs line follows its run's outcome.
        var outcome = Array.IndexOf(lines, lines.Single(l => l.StartsWith("pipeline-b | PipelineRun pipeline-b Succeeded", StringComparison.Ordinal)));
        Assert.StartsWith("pipeline-b |   logs: ", lines[outcome + 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_run_fails_the_command_and_the_others_still_complete()
    {
        var file = Write(TaskRun("fails", "echo failing; exit 3"), TaskRun("succeeds", "sleep 1; echo still done"));

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == ExitCodes.RunFailed, result.Stdout + result.Stderr);
        Assert.Contains("fails    | TaskRun fails StepFailed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("succeeds | [run] still done", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("succeeds | TaskRun succeeds Succeeded", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_concurrency_limit_holds_across_the_runs_of_a_command()
    {
        // A step that finds the other's mark ran beside it.
        const string Alone = "if [ -e /workspace/meet/busy ]; then echo not alone; exit 1; fi\ntouch /workspace/meet/busy\nsleep 1\nrm /workspace/meet/busy";
        var file = Write(TaskRun("first", Alone), TaskRun("second", Alone));

        var result = await RunAsync(file, "--concurrency", "1");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.DoesNotContain("not alone", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_sequential_each_run_starts_when_the_one_before_ended_and_lines_have_no_prefix()
    {
        var file = Write(TaskRun("before", "sleep 1; touch /workspace/meet/done"), TaskRun("after", "test -e /workspace/meet/done && echo found it"));

        var result = await RunAsync(file, "--sequential");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("[run] found it", result.Stdout.Split('\n'));
        Assert.DoesNotContain(" | ", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_cancels_every_run_and_each_is_recorded_cancelled()
    {
        var file = Write(TaskRun("one", "echo waiting; sleep 600"), TaskRun("two", "echo waiting; sleep 600"));
        using var sluice = SluiceProcess.Start(Home, "run", "--executor", "host", "--config", StandIns, file);
        await sluice.WaitForOutputAsync("one | [run] waiting", TimeSpan.FromMinutes(2));
        await sluice.WaitForOutputAsync("two | [run] waiting", TimeSpan.FromMinutes(2));

        await sluice.SignalAsync("INT");
        await sluice.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(sluice.ExitCode == ExitCodes.RunFailed, sluice.Output);
        Assert.Contains("one | TaskRun one TaskRunCancelled", sluice.Output, StringComparison.Ordinal);
        Assert.Contains("two | TaskRun two TaskRunCancelled", sluice.Output, StringComparison.Ordinal);
        await using var store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(Home, "sluice.db")), null, Cancel);
        var runs = await store.ListAsync(new RunQuery { Kind = "TaskRun" }, Cancel);
        Assert.Equal(["one", "two"], runs.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.Equal(("False", "TaskRunCancelled"), (r.Succeeded, r.Reason)));
    }

    /// <summary>A TaskRun of one step <c>run</c> with the claim <c>meet</c> at /workspace/meet and <c>wait_for FILE</c> (at most a minute).</summary>
    private static string TaskRun(string name, string script) => $$"""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: {{name}}
        spec:
          workspaces:
            - name: meet
              persistentVolumeClaim: {claimName: meet}
          taskSpec:
            workspaces: [{name: meet}]
            steps:
              - name: run
                image: busybox
                script: |
                  wait_for() { i=0; while [ ! -e "$1" ]; do i=$((i+1)); if [ $i -gt 600 ]; then echo "no $1 within a minute"; exit 1; fi; sleep 0.1; done; }
        {{string.Join('\n', script.Split('\n').Select(line => "          " + line))}}
        """;

    private string Write(params string[] documents)
    {
        var path = Path.Combine(_directory, "runs.yaml");
        File.WriteAllText(path, string.Join("\n---\n", documents).Replace("\r\n", "\n", StringComparison.Ordinal), new System.Text.UTF8Encoding(false));
        return path;
    }

    private async Task<ProcessResult> RunAsync(string file, params string[] options)
    {
        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = Home, ["NO_COLOR"] = "1" };
        return await ProcessRunner.RunAsync(SluiceProcess.Program, ["run", "--executor", "host", "--config", StandIns, .. options, file], TimeSpan.FromMinutes(3), Cancel, _directory, environment);
    }
}
