using System.Diagnostics;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class IsolationTests
{
    [Fact]
    public async Task Files_written_to_the_root_and_background_processes_of_one_step_are_gone_in_the_next()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
        var marker = LiveProcesses.NewMarker();

        var first = await context.RunAsync(
            sandbox,
            HostTestContext.Script("first", "echo left > /left-behind; echo left > /tmp/left-behind; (sleep 600 &) ; nohup sleep 601 >/dev/null 2>&1 & echo started", marker));
        var leftAfterFirst = await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2));
        var second = await context.RunAsync(
            sandbox,
            HostTestContext.Script("second", "ls /left-behind /tmp/left-behind 2>&1; ps -e -o comm= | grep -c sleep"));

        Assert.Equal(("started\n", 0), (first.Stdout, first.ExitCode));
        Assert.Empty(leftAfterFirst);
        Assert.Contains("'/left-behind': No such file or directory", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("'/tmp/left-behind': No such file or directory", second.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("\n0\n", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_is_exactly_the_spec_s_plus_a_default_PATH_and_no_HOME()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
        var step = HostTestContext.Script("env", "env | sort", new KeyValuePair<string, string>("GREETING", "hello world"), new KeyValuePair<string, string>("EMPTY", string.Empty), new KeyValuePair<string, string>("GREETING", "overridden"));

        var result = await context.RunAsync(sandbox, step);

        // sh adds PWD to what it exports; /proc shows the environment the process was given.
        Assert.Equal(
            ["EMPTY=", "GREETING=overridden", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PWD=/"],
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var raw = await context.RunAsync(sandbox, HostTestContext.Script("environ", "tr '\\0' '\\n' < /proc/$$/environ | sort", new KeyValuePair<string, string>("PATH", "/usr/bin:/bin")));
        Assert.Equal(["PATH=/usr/bin:/bin"], raw.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_read_only_root_filesystem_leaves_only_volumes_writable()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
        var step = HostTestContext.Script(
            "ro-root",
            "touch /file 2>/dev/null || echo root-ro; touch /tmp/file 2>/dev/null || echo tmp-ro; touch /workspace/file && echo workspace-rw") with
        {
            ReadOnlyRootFilesystem = true,
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal("root-ro\ntmp-ro\nworkspace-rw\n", result.Stdout);
    }

    [Fact]
    public async Task Extra_hosts_are_added_to_the_host_s_etc_hosts()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var spec = HostTestContext.Spec() with { ExtraHosts = ["registry.local:10.1.2.3", "ip6.local:fd00::1"] };
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("hosts", "grep -E 'registry.local|ip6.local|localhost' /etc/hosts | tr -s ' \\t' ' '"));

        Assert.Contains("10.1.2.3 registry.local\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fd00::1 ip6.local\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("localhost", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("registry.local", await File.ReadAllTextAsync("/etc/hosts", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Working_directory_is_the_spec_s_and_created_when_missing()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);

        var inWorkspace = await context.RunAsync(sandbox, HostTestContext.Script("wd", "pwd; touch here") with { WorkingDir = "/workspace/src" });
        var byDefault = await context.RunAsync(sandbox, HostTestContext.Script("root", "pwd"));

        Assert.Equal("/workspace/src\n", inWorkspace.Stdout);
        Assert.NotNull(await sandbox.ReadFileAsync("workspace", "src/here", 10, cancellationToken));
        Assert.Equal("/\n", byDefault.Stdout);
    }

    [Fact]
    public async Task A_step_with_another_user_runs_as_that_user_and_writes_its_emptyDir()
    {
        HostTestContext.RequireRoot();
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var step = HostTestContext.Script("user", "id -u; id -g; id -G; echo mine > /workspace/by-1000; echo r > /tekton/results/r; touch /tmp/ok && echo tmp-ok") with
        {
            User = "1000:3000",
        };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1000\n3000\n3000\ntmp-ok\n", result.Stdout);
        var written = Path.Combine(context.Volumes.RunDirectory(sandbox.Spec.RunUid), $"build-{sandbox.Spec.TaskRunUid[..8]}", "workspace", "by-1000");
        Assert.Equal("1000:3000", Owner(written));
    }

    [Fact]
    public async Task A_root_step_has_Docker_s_default_capabilities_not_all()
    {
        HostTestContext.RequireRoot();
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var plain = await context.RunAsync(sandbox, HostTestContext.Script("caps", "grep CapEff /proc/self/status"));
        var privileged = await context.RunAsync(sandbox, HostTestContext.Script("priv", "grep CapEff /proc/self/status") with { Privileged = true });

        // CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW,
        // SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP: Docker's 0xa80425fb.
        Assert.Equal("CapEff:\t00000000a80425fb\n", plain.Stdout);
        Assert.NotEqual(plain.Stdout, privileged.Stdout);
    }

    [Fact]
    public async Task Network_none_has_only_loopback()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(NetworkMode.None), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("net", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"));

        Assert.Equal("lo\n", result.Stdout);
    }

    [Fact]
    public async Task Network_host_and_bridge_are_the_host_s_namespace_and_none_is_another()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var host = new FileInfo("/proc/self/ns/net").LinkTarget;
        var seen = new Dictionary<NetworkMode, string>();

        foreach (var mode in new[] { NetworkMode.Host, NetworkMode.Bridge, NetworkMode.None })
        {
            var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(mode), TestContext.Current.CancellationToken);
            seen[mode] = (await context.RunAsync(sandbox, HostTestContext.Script("ns", "readlink /proc/self/ns/net"))).Stdout.Trim();
        }

        Assert.Equal(host, seen[NetworkMode.Host]);
        Assert.Equal(host, seen[NetworkMode.Bridge]);
        Assert.NotEqual(host, seen[NetworkMode.None]);
    }

    private static string Owner(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }
}
