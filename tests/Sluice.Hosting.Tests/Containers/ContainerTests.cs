using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Tests.Containers;

[Collection(ContainerCollection.Name)]
public sealed class ContainerTests
{
    private readonly ContainerFixture _fixture;

    public ContainerTests(ContainerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chained_execs_see_each_others_files_with_the_environment_and_working_directory_set_before_them()
    {
        await using var test = await _fixture.ConnectAsync();
        var built = test.Client.Container().From("busybox")
            .WithEnvVariable("A", "1")
            .WithWorkdir("/src")
            .WithExec(["sh", "-c", "echo one > f"])
            .WithEnvVariable("B", "2")
            .WithExec(["sh", "-c", "echo \"$A $B $(pwd) $(cat f)\""]);

        Assert.Equal("1 2 /src one\n", await built.StdoutAsync(Cancel));
        Assert.Equal("one\n", await built.File("/src/f").ContentsAsync(Cancel));
    }

    [Fact]
    public async Task A_program_can_branch_on_an_awaited_output_and_the_branch_runs_on_that_same_evaluation()
    {
        await using var test = await _fixture.ConnectAsync();
        var probe = test.Client.Container().From("busybox").WithExec(["sh", "-c", "cat /proc/sys/kernel/random/uuid | tee /id"]);

        var id = await probe.StdoutAsync(Cancel);
        var next = id.Length > 0 ? probe.WithExec(["cat", "/id"]) : probe.WithExec(["false"]);

        Assert.Equal(id, await next.StdoutAsync(Cancel));
        Assert.Equal(id, await probe.StdoutAsync(Cancel));
    }

    [Fact]
    public async Task A_branch_does_not_see_the_files_of_its_sibling()
    {
        await using var test = await _fixture.ConnectAsync();
        var trunk = test.Client.Container().From("busybox").WithExec(["touch", "/trunk"]);
        var left = trunk.WithExec(["touch", "/left"]);
        var right = trunk.WithExec(["sh", "-c", "ls /trunk /left 2>&1; true"]);

        await left.SyncAsync(Cancel);
        var seen = await right.StdoutAsync(Cancel);

        Assert.Contains("/trunk", seen.Split('\n'));
        Assert.Contains("No such file", seen, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await left.WithExec(["sh", "-c", "test -e /right && echo right; true"]).StdoutAsync(Cancel));
    }

    [Fact]
    public async Task Independent_branches_awaited_together_run_in_parallel()
    {
        await using var test = await _fixture.ConnectAsync();
        var trunk = await test.Client.Container().From("busybox").WithExec(["true"]).SyncAsync(Cancel);
        var first = trunk.WithExec(["sleep", "2"]);
        var second = trunk.WithExec(["sh", "-c", "sleep 2"]);

        var started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(first.SyncAsync(Cancel), second.SyncAsync(Cancel));
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        TestContext.Current.SendDiagnosticMessage($"two 2 s branches took {elapsed.TotalSeconds:F2} s");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task An_exported_directory_holds_its_files_links_and_empty_directories()
    {
        await using var test = await _fixture.ConnectAsync();
        var built = test.Client.Container().From("busybox").WithExec(
            ["sh", "-c", "mkdir -p /out/empty /out/sub && echo data > /out/sub/file && ln /out/sub/file /out/hard && ln -s sub/file /out/soft"]);
        var export = Path.Combine(Path.GetTempPath(), "sluice-export-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await built.Directory("/out").ExportAsync(export, Cancel);

            Assert.Equal("data\n", await File.ReadAllTextAsync(Path.Combine(export, "sub/file"), Cancel));
            Assert.Equal("data\n", await File.ReadAllTextAsync(Path.Combine(export, "hard"), Cancel));
            Assert.Equal("sub/file", new FileInfo(Path.Combine(export, "soft")).LinkTarget);
            Assert.True(Directory.Exists(Path.Combine(export, "empty")));
        }
        finally
        {
            Directory.Delete(export, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_exec_reports_its_exit_code_and_the_end_of_its_stderr_to_every_value_after_it()
    {
        await using var test = await _fixture.ConnectAsync();
        var failing = test.Client.Container().From("busybox").WithExec(["sh", "-c", "echo working; echo 'boom: no such target' >&2; exit 3"]);

        var error = await Assert.ThrowsAsync<ExecFailedException>(() => failing.SyncAsync(Cancel));
        Assert.Equal(3, error.ExitCode);
        Assert.Equal("boom: no such target\n", error.StderrTail);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("boom: no such target", error.Message, StringComparison.Ordinal);

        var later = await Assert.ThrowsAsync<ExecFailedException>(() => failing.WithExec(["true"]).File("/etc/passwd").ContentsAsync(Cancel));
        Assert.Equal(3, later.ExitCode);
    }

    [Fact]
    public async Task No_container_of_the_run_remains_after_an_evaluation_and_without_the_cache_its_images_go_with_the_client()
    {
        var home = Path.Combine(Path.GetTempPath(), "sluice-container-tests", Guid.NewGuid().ToString("N"));
        var test = await _fixture.ConnectAsync(home, noCache: true, ownsHome: true);
        ContainerSnapshot snapshot;
        await using (test)
        {
            var built = test.Client.Container().From("busybox").WithExec(["sh", "-c", "mkdir /out && echo x > /out/x"]);
            snapshot = await test.Client.Engine.EvaluateAsync(built.Op, Cancel);
            await built.File("/out/x").ContentsAsync(Cancel);
            await Assert.ThrowsAsync<ExecFailedException>(() => built.WithExec(["false"]).SyncAsync(Cancel));

            Assert.Empty(await test.ContainersAsync());
            Assert.True(await _fixture.HasImageAsync(snapshot.SnapshotId));
        }

        Assert.Empty(await test.ContainersAsync());
        Assert.False(await _fixture.HasImageAsync(snapshot.SnapshotId));
    }

    [Fact]
    public async Task A_cache_volume_keeps_its_files_between_containers_that_share_nothing_else()
    {
        var volume = "test-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var test = await _fixture.ConnectAsync();
            var cache = test.Client.CacheVolume(volume);
            await test.Client.Container().From("busybox").WithMountedCache("/root/.nuget", cache)
                .WithExec(["sh", "-c", "echo restored > /root/.nuget/package"]).SyncAsync(Cancel);

            var reader = test.Client.Container().From("busybox").WithEnvVariable("READER", "1").WithMountedCache("/root/.nuget", cache);
            Assert.Equal("restored\n", await reader.WithExec(["cat", "/root/.nuget/package"]).StdoutAsync(Cancel));
        }
        finally
        {
            await _fixture.Docker.Volumes.RemoveAsync("sluice-cache-" + volume, force: true, Cancel);
        }
    }
}
