using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

/// <summary>A finished TaskRun's directories serve the next TaskRun of its run, and only when nothing of it can show.</summary>
public sealed class RecyclingTests
{
    [Fact]
    public async Task The_next_TaskRun_of_the_run_gets_the_directories_empty_and_as_writable_as_new()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var context = HostTestContext.WithBubblewrap();
        var first = HostTestContext.Spec();
        var sandbox = await context.Executor.PrepareTaskRunAsync(first, cancellationToken);
        await sandbox.CreateDirectoryAsync("steps", "step-mess/results", 0x1FF, cancellationToken);
        await sandbox.CreateSymlinkAsync("steps", "0", "step-mess", cancellationToken);
        var mess = await context.RunAsync(sandbox, HostTestContext.Script(
            "mess",
            "mkdir -p /workspace/a/b && echo secret > /workspace/a/b/file && echo x > /workspace/.hidden && ln -s / /workspace/root && " +
            "mkfifo /tekton/home/fifo && chmod 700 /tekton/home && echo 42 > /tekton/results/answer && echo done"));
        await sandbox.WriteFileAsync("steps", "step-mess/exitCode", "0"u8.ToArray(), 0x1A4, cancellationToken);
        await context.Executor.DestroyTaskRunAsync(sandbox, cancellationToken);
        var pool = Path.Combine(context.Volumes.RunDirectory(first.RunUid), SandboxPool.DirectoryName);
        var pooled = Directory.GetDirectories(pool);

        var next = await context.Executor.PrepareTaskRunAsync(first with { TaskRunUid = Guid.NewGuid().ToString("N"), TaskRunName = "next" }, cancellationToken);
        var look = await context.RunAsync(next, HostTestContext.Script(
            "look",
            "ls -A /workspace /tekton/home /tekton/results /tekton/steps; stat -c '%a %U' /workspace /tekton/home /tekton/results /tekton/steps"));

        Assert.Equal(("done\n", 0), (mess.Stdout, mess.ExitCode));
        Assert.Single(pooled);
        Assert.Empty(Directory.GetDirectories(pool));
        Assert.Equal(0, look.ExitCode);
        Assert.Equal(
            ["/tekton/home:", "/tekton/results:", "/tekton/steps:", "/workspace:", "777 root", "777 root", "777 root", "777 root"],
            look.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sandbox_whose_step_had_to_be_killed_is_deleted_rather_than_recycled()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var context = HostTestContext.WithBubblewrap();
        var spec = HostTestContext.Spec();
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var marker = LiveProcesses.NewMarker();
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("forever", "sleep 600", marker), cancellationToken);
        await step.StartAsync(cancellationToken);
        await LiveProcesses.WaitForAsync(marker, 3, TimeSpan.FromSeconds(10));

        await context.Executor.DestroyTaskRunAsync(sandbox, cancellationToken);

        var pool = Path.Combine(context.Volumes.RunDirectory(spec.RunUid), SandboxPool.DirectoryName);
        Assert.False(Directory.Exists(pool) && Directory.EnumerateDirectories(pool).Any());
    }

    [Fact]
    public async Task Directories_never_pass_from_one_run_to_another()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var context = HostTestContext.WithBubblewrap();
        var first = HostTestContext.Spec();
        var sandbox = await context.Executor.PrepareTaskRunAsync(first, cancellationToken);
        await context.RunAsync(sandbox, HostTestContext.Script("one", "true"));
        await context.Executor.DestroyTaskRunAsync(sandbox, cancellationToken);

        var other = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);

        Assert.Single(Directory.GetDirectories(Path.Combine(context.Volumes.RunDirectory(first.RunUid), SandboxPool.DirectoryName)));
        Assert.Equal(new ReapReport(0, 0, 1), await context.Executor.ReapAsync(first.RunUid, cancellationToken));
        await context.Executor.DestroyTaskRunAsync(other, cancellationToken);
    }
}
