using System.Text;
using Sluice.Engine.Execution;
using Mount = Sluice.Engine.Execution.Mount;

namespace Sluice.Execution.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class MountTests
{
    private readonly DockerFixture _fixture;

    public MountTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_write_mount_nested_in_a_read_only_one_and_a_sub_path_work()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(
            run.Sandbox(volumes: [new("steps", new EmptyDirSource()), new("ws", new EmptyDirSource())]),
            Cancel);
        await sandbox.CreateDirectoryAsync("steps", "step-x", 0x1FF, Cancel);
        await sandbox.WriteFileAsync("steps", "step-y/exitCode", "0"u8.ToArray(), 0x1A4, Cancel);

        var step = run.Script(
            "x",
            "touch /tekton/steps/step-x/ok; " +
            "if touch /tekton/steps/step-y/exitCode 2>/dev/null; then echo parent-writable; fi; " +
            "cat /tekton/steps/step-y/exitCode; echo; " +
            "echo data > /data/f") with
        {
            Mounts =
            [
                new Mount("steps", "/tekton/steps", ReadOnly: true),
                new Mount("steps", "/tekton/steps/step-x", SubPath: "step-x"),
                new Mount("ws", "/data", SubPath: "a/b"),
            ],
        };
        var result = await run.RunAsync(sandbox, step, Cancel);

        Assert.Equal(0, result.Exit.ExitCode);
        Assert.Equal("0\n", result.Stdout);
        Assert.NotNull(await sandbox.ReadFileAsync("steps", "step-x/ok", 10, Cancel));
        Assert.Equal("data\n", Encoding.UTF8.GetString((await sandbox.ReadFileAsync("ws", "a/b/f", 100, Cancel))!));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task A_files_volume_is_read_only_even_when_the_mount_does_not_say_so()
    {
        await using var run = new TestRun(_fixture);
        var files = new FilesSource([new SandboxFile("config.txt", "setting=1\n"u8.ToArray())]);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(volumes: [new("cfg", files)]), Cancel);

        var step = run.Script("read", "cat /etc/cfg/config.txt; touch /etc/cfg/new") with { Mounts = [new Mount("cfg", "/etc/cfg")] };
        var result = await run.RunAsync(sandbox, step, Cancel);

        Assert.Equal("setting=1\n", result.Stdout);
        Assert.NotEqual(0, result.Exit.ExitCode);
        Assert.Contains("Read-only file system", result.Stderr, StringComparison.Ordinal);
        Assert.Null(await sandbox.ReadFileAsync("cfg", "new", 10, Cancel));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task A_step_running_as_uid_1000_can_write_an_empty_dir()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(volumes: [new("ws", new EmptyDirSource())]), Cancel);

        var step = run.Script("write", "id -u; echo mine > /workspace/out; mkdir /workspace/dir") with
        {
            User = "1000",
            Mounts = [new Mount("ws", "/workspace")],
        };
        var result = await run.RunAsync(sandbox, step, Cancel);

        Assert.Equal(0, result.Exit.ExitCode);
        Assert.Equal("1000\n", result.Stdout);
        Assert.Equal("mine\n", Encoding.UTF8.GetString((await sandbox.ReadFileAsync("ws", "out", 100, Cancel))!));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task Destroy_removes_the_containers_and_the_sandbox_directory()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(steps: 2, volumes: [new("ws", new EmptyDirSource())]), Cancel);
        await using var started = await run.Executor.CreateStepAsync(sandbox, run.Script("sleep", "sleep 600"), Cancel);
        await started.StartAsync(Cancel);
        await using var created = await run.Executor.CreateStepAsync(sandbox, run.Step("later", "true"), Cancel);
        var root = Directory.GetDirectories(Path.Combine(run.StateRoot, "runs", run.RunUid)).Single();
        Assert.Equal(3, (await run.ContainersAsync()).Count);

        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);

        Assert.Empty(await run.ContainersAsync());
        Assert.False(Directory.Exists(root));
        Assert.Equal(137, (await started.WaitAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Cancel)).ExitCode);
    }
}
