using Sluice.Execution.Docker;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;

namespace Sluice.Hosting.Tests.Containers;

/// <summary>
/// SDK caching on a real daemon, with several clients on one state directory as several programs (or
/// runs of one) would have. What ran is counted from Docker's event stream, not from Sluice.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class ContainerCacheTests : IAsyncLifetime
{
    private readonly ContainerFixture _fixture;
    private readonly string _home = Path.Combine(Path.GetTempPath(), "sluice-container-tests", Guid.NewGuid().ToString("N"));
    private readonly string _source = Directory.CreateTempSubdirectory("sluice-cache-source-").FullName;

    public ContainerCacheTests(ContainerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_source, "left"));
        Directory.CreateDirectory(Path.Combine(_source, "right"));
        File.WriteAllText(Path.Combine(_source, "left", "l.txt"), "left 1\n");
        File.WriteAllText(Path.Combine(_source, "right", "r.txt"), "right 1\n");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(_home))
        {
            await _fixture.PruneAsync(_home, new CachePrunePolicy { MaxSize = 0 });
            Directory.Delete(_home, recursive: true);
        }

        Directory.Delete(_source, recursive: true);
    }

    [Fact]
    public async Task An_identical_evaluation_in_a_new_client_creates_no_container_and_gives_the_same_outputs()
    {
        string[] first;
        await using (var cold = await ConnectAsync())
        {
            var started = TimeProvider.System.GetUtcNow();
            first = await EvaluateAsync(cold.Client);
            Assert.Equal((4, 6), (await cold.ContainersCreatedAsync(started, "exec"), await cold.ContainersCreatedAsync(started)));
        }

        await using var warm = await ConnectAsync();
        var restarted = TimeProvider.System.GetUtcNow();
        var second = await EvaluateAsync(warm.Client);

        Assert.Equal(first, second);
        Assert.Equal(0, await warm.ContainersCreatedAsync(restarted));
        Assert.Equal(["base\nleft 1\n", "right 1\n"], second[3..]);
    }

    [Fact]
    public async Task A_changed_host_file_runs_again_exactly_the_copy_and_the_execs_after_it()
    {
        await using (var cold = await ConnectAsync())
        {
            await EvaluateAsync(cold.Client);
        }

        File.WriteAllText(Path.Combine(_source, "right", "r.txt"), "right 2\n");
        await using var changed = await ConnectAsync();
        var started = TimeProvider.System.GetUtcNow();
        var outputs = await EvaluateAsync(changed.Client);

        // Only the right branch reads right/: its copy and its one exec, nothing of the trunk or the left.
        Assert.Equal(1, await changed.ContainersCreatedAsync(started, "exec"));
        Assert.Equal(1, await changed.ContainersCreatedAsync(started, "copy"));
        Assert.Equal(2, await changed.ContainersCreatedAsync(started));
        Assert.Equal(["base\nleft 1\n", "right 2\n"], outputs[3..]);
    }

    [Fact]
    public async Task A_deleted_snapshot_image_is_a_miss_and_its_exec_runs_again()
    {
        ContainerSnapshot deleted;
        await using (var cold = await ConnectAsync())
        {
            deleted = await cold.Client.Engine.EvaluateAsync(Trunk(cold.Client).WithExec(["sh", "-c", "cat /proc/sys/kernel/random/uuid | tee /id"]).Op, Cancel);
        }

        await _fixture.Docker.Images.DeleteImageAsync(deleted.SnapshotId, new() { Force = true }, Cancel);
        await using var again = await ConnectAsync();
        var started = TimeProvider.System.GetUtcNow();
        var rebuilt = await again.Client.Engine.EvaluateAsync(Trunk(again.Client).WithExec(["sh", "-c", "cat /proc/sys/kernel/random/uuid | tee /id"]).Op, Cancel);

        Assert.Equal(1, await again.ContainersCreatedAsync(started));
        Assert.Equal(1, await again.ContainersCreatedAsync(started, "exec"));
        Assert.NotEqual(deleted.SnapshotId, rebuilt.SnapshotId);
        Assert.NotEqual(deleted.LastExec!.Stdout, rebuilt.LastExec!.Stdout);
        Assert.True(await _fixture.HasImageAsync(rebuilt.SnapshotId));
    }

    [Fact]
    public async Task With_caching_off_every_op_runs_even_when_the_cache_holds_them()
    {
        string[] cached;
        await using (var cold = await ConnectAsync())
        {
            cached = await EvaluateAsync(cold.Client);
        }

        await using var uncached = await _fixture.ConnectAsync(_home, noCache: true, ownsHome: false);
        var started = TimeProvider.System.GetUtcNow();
        var outputs = await EvaluateAsync(uncached.Client);

        Assert.Equal(4, await uncached.ContainersCreatedAsync(started, "exec"));
        Assert.Equal(6, await uncached.ContainersCreatedAsync(started));
        Assert.Equal(cached[3..], outputs[3..]);
        Assert.NotEqual(cached[..3], outputs[..3]);
    }

    [Fact]
    public async Task Two_clients_evaluating_one_key_at_once_run_it_once()
    {
        await using var first = await ConnectAsync();
        await using var second = await ConnectAsync();
        var started = TimeProvider.System.GetUtcNow();
        string[] argv = ["sh", "-c", "sleep 1; cat /proc/sys/kernel/random/uuid"];

        var outputs = await Task.WhenAll(
            first.Client.Container().From("busybox").WithExec(argv).StdoutAsync(Cancel),
            second.Client.Container().From("busybox").WithExec(argv).StdoutAsync(Cancel));

        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(1, await first.ContainersCreatedAsync(started) + await second.ContainersCreatedAsync(started));
    }

    [Fact]
    public async Task Pruning_the_cache_removes_the_images_of_the_entries_it_removes()
    {
        ContainerSnapshot snapshot;
        await using (var cold = await ConnectAsync())
        {
            snapshot = await cold.Client.Engine.EvaluateAsync(Trunk(cold.Client).Op, Cancel);
        }

        var key = Assert.Single(await _fixture.CacheEntriesAsync(_home)).Key;
        Assert.True(await _fixture.HasImageAsync(DockerExecutor.CachedSnapshotReference(key)));

        var report = await _fixture.PruneAsync(_home, new CachePrunePolicy { MaxSize = 0 });

        Assert.Equal((1, 1), (report.EntriesRemoved, report.SnapshotsRemoved));
        Assert.False(await _fixture.HasImageAsync(snapshot.SnapshotId));
        Assert.False(await _fixture.HasImageAsync(DockerExecutor.CachedSnapshotReference(key)));
    }

    private Task<TestClient> ConnectAsync() => _fixture.ConnectAsync(_home, noCache: false, ownsHome: false);

    private static Container Trunk(SluiceClient client) =>
        client.Container().From("busybox").WithExec(["sh", "-c", "echo base > /base"]);

    /// <summary>
    /// A trunk exec, then a left branch on <c>left/</c> (a copy and two execs) and a right branch on
    /// <c>right/</c> (a copy and one exec): snapshot ids of the three leaves, then two outputs.
    /// </summary>
    private async Task<string[]> EvaluateAsync(SluiceClient client)
    {
        var trunk = Trunk(client);
        var left = trunk.WithDirectory("/left", client.Host.Directory(_source, include: ["left/**"]))
            .WithExec(["sh", "-c", "cat /base /left/left/l.txt > /both"])
            .WithExec(["cat", "/both"]);
        var right = trunk.WithDirectory("/right", client.Host.Directory(_source, include: ["right/**"]))
            .WithExec(["cat", "/right/right/r.txt"]);
        var snapshots = await Task.WhenAll(
            client.Engine.EvaluateAsync(trunk.Op, Cancel),
            client.Engine.EvaluateAsync(left.Op, Cancel),
            client.Engine.EvaluateAsync(right.Op, Cancel));
        return [.. snapshots.Select(s => s.SnapshotId), snapshots[1].LastExec!.Stdout, snapshots[2].LastExec!.Stdout];
    }
}
