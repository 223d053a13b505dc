using System.Globalization;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class ReapTests
{
    [Fact]
    public async Task Reaping_a_dead_owner_s_run_kills_its_leftover_processes_and_removes_its_directory()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dead = HostTestContext.WithBubblewrap();
        await using var reaper = HostTestContext.Create(stateRoot: dead.StateRoot, owner: "reaper");
        var marker = LiveProcesses.NewMarker();
        var spec = HostTestContext.Spec();
        var sandbox = await dead.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var step = await dead.Executor.CreateStepAsync(sandbox, HostTestContext.Script("forever", "trap '' TERM; sleep 600 & sleep 600", marker), cancellationToken);
        await step.StartAsync(cancellationToken);
        await LiveProcesses.WaitForAsync(marker, 4, TimeSpan.FromSeconds(10));

        // The owner is gone as far as anyone can tell: nothing destroys the sandbox.
        var owned = await reaper.Executor.ListOwnedRunsAsync(cancellationToken);
        var report = await reaper.Executor.ReapAsync(spec.RunUid, cancellationToken);

        Assert.Contains(new OwnedRun(spec.RunUid, dead.Owner), owned);
        Assert.Equal(new ReapReport(0, 1, 1), report);
        Assert.Empty(await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2)));
        Assert.False(Directory.Exists(reaper.Volumes.RunDirectory(spec.RunUid)));
        Assert.DoesNotContain(await reaper.Executor.ListOwnedRunsAsync(cancellationToken), r => r.RunUid == spec.RunUid);
    }

    [Fact]
    public async Task Reaping_never_kills_a_pid_whose_start_time_differs_from_the_record()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var owner = HostTestContext.WithBubblewrap();
        await using var reaper = HostTestContext.Create(stateRoot: owner.StateRoot, owner: "reaper");
        var marker = LiveProcesses.NewMarker();
        var spec = HostTestContext.Spec();
        var sandbox = await owner.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var step = await owner.Executor.CreateStepAsync(sandbox, HostTestContext.Script("other", "sleep 600", marker), cancellationToken);
        await step.StartAsync(cancellationToken);
        await LiveProcesses.WaitForAsync(marker, 3, TimeSpan.FromSeconds(10));
        var record = Path.Combine(owner.Volumes.RunDirectory(spec.RunUid), $"build-{spec.TaskRunUid[..8]}", ProcessRecords.FileName);
        var fields = Assert.Single(await File.ReadAllLinesAsync(record, cancellationToken)).Split(' ');
        var pid = int.Parse(fields[0], CultureInfo.InvariantCulture);
        var startTime = ulong.Parse(fields[1], CultureInfo.InvariantCulture);

        // As if the recorded process had ended and the kernel had given its pid to a newer one.
        await File.WriteAllTextAsync(record, ProcessRecords.Format(pid, startTime - 1, "step-other"), cancellationToken);
        var report = await reaper.Executor.ReapAsync(spec.RunUid, cancellationToken);

        Assert.Equal(new ReapReport(0, 0, 1), report);
        Assert.True(LiveProcesses.WithMarker(marker).Count >= 3, "the processes behind the mismatched record were killed");
        await step.KillAsync(cancellationToken);
        Assert.Empty(await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Destroy_kills_what_is_left_and_removes_the_sandbox_but_not_the_run_s_claims()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var context = HostTestContext.WithBubblewrap();
        var marker = LiveProcesses.NewMarker();
        var spec = HostTestContext.Spec(NetworkMode.Host, new SandboxVolume("cache", new ClaimSource("cache", RunScoped: true)));
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("left", "sleep 600", marker), cancellationToken);
        await step.StartAsync(cancellationToken);
        await LiveProcesses.WaitForAsync(marker, 3, TimeSpan.FromSeconds(10));

        await context.Executor.DestroyTaskRunAsync(sandbox, cancellationToken);

        var run = context.Volumes.RunDirectory(spec.RunUid);
        Assert.Empty(LiveProcesses.WithMarker(marker));
        Assert.Equal(137, (await step.WaitAsync(cancellationToken)).ExitCode);
        Assert.Equal(["claims", LocalVolumes.OwnerFileName], Directory.EnumerateFileSystemEntries(run).Select(Path.GetFileName).Where(n => n != SandboxTrash.DirectoryName && n != SandboxPool.DirectoryName).Order());
        await WaitUntilEmptyAsync(Path.Combine(run, SandboxTrash.DirectoryName));
        Assert.Equal(new ReapReport(0, 0, 1), await context.Executor.ReapAsync(spec.RunUid, cancellationToken));
        Assert.True((await context.Executor.ReapAsync(spec.RunUid, cancellationToken)).IsEmpty);
    }

    private static async Task WaitUntilEmptyAsync(string directory)
    {
        for (var i = 0; i < 100 && Directory.EnumerateFileSystemEntries(directory).Any(); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }
}
