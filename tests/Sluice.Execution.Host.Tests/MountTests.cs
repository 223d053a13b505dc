using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class MountTests
{
    [Fact]
    public async Task Tekton_paths_and_workspaces_show_what_the_engine_wrote_and_take_what_the_step_writes()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var spec = HostTestContext.Spec(
            NetworkMode.Host,
            new SandboxVolume("scripts", new FilesSource([new SandboxFile("script-0", "#!/bin/sh\necho from-script\n"u8.ToArray(), 0x1ED)])),
            new SandboxVolume("source", new ClaimSource("source-pvc", RunScoped: true)));
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        await sandbox.WriteFileAsync("source", "README", "hello from the claim"u8.ToArray(), 0x1A4, cancellationToken);
        await sandbox.CreateDirectoryAsync("steps", "step-one", 0x1FF, cancellationToken);
        await sandbox.CreateSymlinkAsync("steps", "0", "step-one", cancellationToken);
        var step = HostTestContext.Script(
            "one",
            "/tekton/scripts/script-0; cat /workspace/source/README; echo; readlink /tekton/steps/0; " +
            "echo 42 > /tekton/results/answer; echo built > /workspace/source/out; ls -a /workspace") with
        {
            Mounts =
            [
                .. HostTestContext.TektonMounts,
                new Mount("scripts", "/tekton/scripts", ReadOnly: true),
                new Mount("source", "/workspace/source"),
            ],
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["from-script", "hello from the claim", "step-one", ".", "..", "source"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("42\n", Encoding.UTF8.GetString((await sandbox.ReadFileAsync("results", "answer", 100, cancellationToken))!));
        Assert.Equal("built\n", Encoding.UTF8.GetString((await sandbox.ReadFileAsync("source", "out", 100, cancellationToken))!));
    }

    [Fact]
    public async Task Read_only_mounts_and_file_volumes_refuse_writes_while_nested_mounts_inside_them_work()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var spec = HostTestContext.Spec(
            NetworkMode.Host,
            new SandboxVolume("config", new FilesSource([new SandboxFile("app.yaml", "a: 1\n"u8.ToArray())])),
            new SandboxVolume("cache", new EmptyDirSource()),
            new SandboxVolume("inner", new EmptyDirSource()));
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var step = HostTestContext.Script(
            "ro",
            "cat /etc/app/app.yaml; " +
            "touch /etc/app/new 2>/dev/null && echo config-writable; " +
            "touch /cache/new 2>/dev/null && echo cache-writable; " +
            "touch /cache/inner/new && echo inner-writable") with
        {
            Mounts =
            [
                new Mount("config", "/etc/app"),
                new Mount("cache", "/cache", ReadOnly: true),
                new Mount("inner", "/cache/inner"),
            ],
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a: 1\ninner-writable\n", result.Stdout);
        Assert.NotNull(await sandbox.ReadFileAsync("inner", "new", 10, cancellationToken));
    }

    [Fact]
    public async Task A_SubPath_mount_shows_only_that_directory_and_is_created_when_missing()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var spec = HostTestContext.Spec(NetworkMode.Host, new SandboxVolume("data", new EmptyDirSource()));
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        await sandbox.WriteFileAsync("data", "top-secret", "no"u8.ToArray(), 0x1A4, cancellationToken);
        await sandbox.WriteFileAsync("data", "app/config/settings", "yes"u8.ToArray(), 0x1A4, cancellationToken);
        var step = HostTestContext.Script("sub", "cat /settings/settings; echo; ls /settings; ls /fresh; echo made > /fresh/file") with
        {
            Mounts =
            [
                new Mount("data", "/settings", SubPath: "app/config"),
                new Mount("data", "/fresh", SubPath: "not/there/yet"),
            ],
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("yes\nsettings\n", result.Stdout);
        Assert.Equal("made\n", Encoding.UTF8.GetString((await sandbox.ReadFileAsync("data", "not/there/yet/file", 10, cancellationToken))!));
    }

    [Fact]
    public async Task A_SubPath_that_leaves_its_volume_is_refused()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var spec = HostTestContext.Spec(NetworkMode.Host, new SandboxVolume("data", new EmptyDirSource()));
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var dotDot = HostTestContext.Script("dots", "true") with { Mounts = [new Mount("data", "/d", SubPath: "../../..")] };
        var first = HostTestContext.Script("plant", "ln -s /etc /data/escape") with { Mounts = [new Mount("data", "/data")] };
        var linked = HostTestContext.Script("follow", "ls /d") with { Mounts = [new Mount("data", "/d", SubPath: "escape")] };

        await Assert.ThrowsAsync<SandboxConfigurationException>(async () => await context.Executor.CreateStepAsync(sandbox, dotDot, cancellationToken));
        Assert.Equal(0, (await context.RunAsync(sandbox, first)).ExitCode);
        var step = await context.Executor.CreateStepAsync(sandbox, linked, cancellationToken);
        var error = await Assert.ThrowsAsync<SandboxConfigurationException>(async () => await step.StartAsync(cancellationToken));
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SandboxConfigurationException>(async () => await step.WaitAsync(cancellationToken));
    }

    [Fact]
    public async Task A_mount_point_missing_under_a_host_directory_is_made_in_the_sandbox_not_on_the_host()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var hostPath = $"/usr/local/sluice-test-{Guid.NewGuid():N}/deeper";
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var step = HostTestContext.Script("under-usr", $"echo inside > {hostPath}/file; cat {hostPath}/file; test -d /usr/local/bin && echo host-still-there") with
        {
            Mounts = [new Mount("workspace", hostPath)],
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("inside\nhost-still-there\n", result.Stdout);
        Assert.False(Directory.Exists(Path.GetDirectoryName(hostPath)), "the mount point must not appear on the host");
        Assert.NotNull(await sandbox.ReadFileAsync("workspace", "file", 10, cancellationToken));
    }

    [Fact]
    public async Task Mount_points_for_new_top_level_directories_do_not_appear_on_the_host_root()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("paths", "test -d /workspace && test -d /tekton/results && echo ok"));

        Assert.Equal("ok\n", result.Stdout);
        Assert.False(Directory.Exists("/tekton"));
        Assert.False(Directory.Exists("/workspace"));
    }

    [Fact]
    public async Task The_host_filesystem_is_read_only_and_tmp_is_the_step_s_own()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var marker = $"/tmp/sluice-test-{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(marker, "host", TestContext.Current.CancellationToken);
        try
        {
            var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
            var result = await context.RunAsync(
                sandbox,
                HostTestContext.Script("ro-host", $"test -e {marker} || echo no-host-tmp; touch /usr/sluice-test 2>/dev/null || echo usr-read-only; ls /tmp | wc -l"));

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("no-host-tmp\nusr-read-only\n0\n", result.Stdout);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Other_sandboxes_under_the_state_root_are_hidden()
    {
        // Where the state root usually is ($HOME/.sluice), not under /tmp, which steps never see anyway.
        var stateRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sluice-host-tests", Guid.NewGuid().ToString("N"));
        await using var context = HostTestContext.Create(stateRoot: stateRoot);
        var cancellationToken = TestContext.Current.CancellationToken;
        var other = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        await other.WriteFileAsync("workspace", "secret", "other run"u8.ToArray(), 0x1A4, cancellationToken);
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("peek", $"ls -A {stateRoot} | wc -l; ls /workspace | wc -l"));

        Assert.True(context.Executor.HasBubblewrap);
        Assert.Equal("0\n0\n", result.Stdout);
        await context.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(stateRoot)!);
    }

    [Fact]
    public async Task Unknown_volumes_and_relative_mount_paths_are_configuration_errors()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        ImmutableArray<Mount>[] wrong = [[new Mount("nope", "/x")], [new Mount("workspace", "relative/path")], [new Mount("workspace", "/a/../b")]];

        foreach (var mounts in wrong)
        {
            await Assert.ThrowsAsync<SandboxConfigurationException>(
                async () => await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("bad", "true") with { Mounts = mounts }, cancellationToken));
        }
    }
}
