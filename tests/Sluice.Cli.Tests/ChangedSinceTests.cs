using Sluice.Cli.Tests.Processes;
using Sluice.Testing;

namespace Sluice.Cli.Tests;

/// <summary>
/// <c>sluice run --changed-since REV</c> in a monorepo made here with git: each TaskRun names its
/// service's directory in <c>sluice.dev/paths</c>, and only those whose directory changed since the
/// revision run. Steps run on the host executor; no Docker.
/// </summary>
public sealed class ChangedSinceTests : IDisposable
{
    private const string Runs = """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: build-agenda
          annotations:
            sluice.dev/paths: agenda-service/, chart
        spec:
          taskSpec:
            steps: [{name: build, image: busybox, script: echo built agenda}]
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: build-c4p
          annotations:
            sluice.dev/paths: c4p-service
        spec:
          taskSpec:
            steps: [{name: build, image: busybox, script: echo built c4p}]
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: check-all
        spec:
          taskSpec:
            steps: [{name: check, image: busybox, script: echo checked all}]
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-changed-since-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Repository => Path.Combine(_work, "repo");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Only_the_runs_whose_paths_changed_start_and_runs_without_paths_always_do()
    {
        await InitAsync();
        await CommitAsync("agenda-service/Program.cs", "v2");

        var (code, output) = await RunAsync("HEAD~1");

        Assert.True(code == 0, output);
        Assert.Contains("TaskRun build-agenda: agenda-service/Program.cs changed since HEAD~1", output, StringComparison.Ordinal);
        Assert.Contains("TaskRun build-c4p skipped: nothing under c4p-service changed since HEAD~1", output, StringComparison.Ordinal);
        Assert.Contains("built agenda", output, StringComparison.Ordinal);
        Assert.DoesNotContain("built c4p", output, StringComparison.Ordinal);
        Assert.Contains("checked all", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_to_a_shared_path_starts_every_run_that_names_it_and_a_look_alike_name_does_not()
    {
        await InitAsync();
        await CommitAsync("chart/values.yaml", "replicas: 2");
        await CommitAsync("c4p-service-old/notes.txt", "not the service");

        var (code, output) = await RunAsync("HEAD~2");

        Assert.True(code == 0, output);
        Assert.Contains("built agenda", output, StringComparison.Ordinal);
        Assert.DoesNotContain("built c4p", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_revision_is_invalid_input_naming_the_fix_and_runs_nothing()
    {
        await InitAsync();

        var (code, output) = await RunAsync("no-such-branch");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("the revision \"no-such-branch\" is not in the repository; fetch it", output, StringComparison.Ordinal);
        Assert.DoesNotContain("checked all", output, StringComparison.Ordinal);
    }

    private async Task InitAsync()
    {
        Directory.CreateDirectory(Repository);
        await GitAsync("init", "--quiet", "--initial-branch=main");
        await File.WriteAllTextAsync(Path.Combine(Repository, "runs.yaml"), Runs, Cancel);
        foreach (var file in new[] { "agenda-service/Program.cs", "c4p-service/Program.cs", "chart/values.yaml" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Repository, file))!);
            await File.WriteAllTextAsync(Path.Combine(Repository, file), "v1", Cancel);
        }

        await GitAsync("add", "-A");
        await GitAsync("commit", "--quiet", "-m", "the services");
    }

    private async Task CommitAsync(string file, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Repository, file))!);
        await File.WriteAllTextAsync(Path.Combine(Repository, file), content, Cancel);
        await GitAsync("add", "-A");
        await GitAsync("commit", "--quiet", "-m", $"change {file}");
    }

    private Task GitAsync(params string[] args) =>
        ProcessRunner.OutputAsync("git", ["-C", Repository, "-c", "user.name=Test", "-c", "user.email=test@sluice.invalid", .. args], TimeSpan.FromMinutes(1), Cancel);

    private async Task<(int ExitCode, string Output)> RunAsync(string revision)
    {
        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = Path.Combine(_work, "home"), ["NO_COLOR"] = "1" };
        var result = await ProcessRunner.RunAsync(SluiceProcess.Program, ["run", "--executor", "host", "--changed-since", revision, "runs.yaml"], TimeSpan.FromMinutes(2), Cancel, Repository, environment);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
