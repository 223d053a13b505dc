using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class ReapTests
{
    private readonly DockerFixture _fixture;

    public ReapTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_container_carries_the_run_labels_and_a_reap_removes_all_of_them_and_the_run_directory()
    {
        await using var run = new TestRun(_fixture);
        var spec = run.Sandbox(
            steps: 2,
            volumes: [new("ws", new EmptyDirSource())],
            sidecars: [new SidecarSpec(run.Script("idle", "exec sleep 600") with { Name = "sidecar-idle" }, null)]);
        var sandbox = await run.Executor.PrepareTaskRunAsync(spec, Cancel);
        var running = await run.Executor.CreateStepAsync(sandbox, run.Script("busy", "sleep 600"), Cancel);
        await running.StartAsync(Cancel);
        var created = await run.Executor.CreateStepAsync(sandbox, run.Step("next", "true"), Cancel);

        // Seen through Docker, not through the executor's bookkeeping.
        var containers = await run.ContainersAsync();
        Assert.Equal(4, containers.Count);
        Assert.All(containers, c =>
        {
            Assert.Equal(run.RunUid, c.Labels[Labels.RunUid]);
            Assert.Equal(spec.TaskRunUid, c.Labels[Labels.TaskRunUid]);
            Assert.Equal(run.Options.OwnerId, c.Labels[Labels.Owner]);
            Assert.StartsWith($"/sluice-{spec.TaskRunName}-", c.Names.Single(), StringComparison.Ordinal);
        });
        Assert.Equal(
            ["pause", "sidecar-idle", "step-busy", "step-next"],
            containers.Select(c => c.Labels[Labels.Container]).Order(StringComparer.Ordinal));

        var owned = await run.Executor.ListOwnedRunsAsync(Cancel);
        Assert.Contains(new OwnedRun(run.RunUid, run.Options.OwnerId), owned);

        // A second executor, as a later sluice process would be, reaps what the first left.
        await using (var reaper = new DockerExecutor(run.Options with { OwnerId = "reaper" }))
        {
            var report = await reaper.ReapAsync(run.RunUid, Cancel);
            Assert.Equal(new ReapReport(4, 0, 1), report);
        }

        Assert.Empty(await run.ContainersAsync());
        Assert.False(Directory.Exists(Path.Combine(run.StateRoot, "runs", run.RunUid)));
        Assert.DoesNotContain(await run.Executor.ListOwnedRunsAsync(Cancel), r => r.RunUid == run.RunUid);
        Assert.Equal(137, (await running.WaitAsync(Cancel)).ExitCode);
        await running.DisposeAsync();
        await created.DisposeAsync();
    }

    [Fact]
    public async Task A_run_directory_without_containers_is_listed_with_its_owner()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(volumes: [new("ws", new EmptyDirSource())]), Cancel);

        Assert.Empty(await run.ContainersAsync());
        Assert.Contains(new OwnedRun(run.RunUid, run.Options.OwnerId), await run.Executor.ListOwnedRunsAsync(Cancel));
        Assert.Equal(new ReapReport(0, 0, 1), await run.Executor.ReapAsync(run.RunUid, Cancel));
        Assert.False(Directory.Exists(Path.Combine(run.StateRoot, "runs", run.RunUid)));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }
}
