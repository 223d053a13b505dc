using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class SidecarTests
{
    [Theory]
    [InlineData(NetworkMode.Host)]
    [InlineData(NetworkMode.None)]
    public async Task A_step_reaches_a_sidecar_on_loopback_once_its_HTTP_check_passes(NetworkMode network)
    {
        if (network == NetworkMode.None)
        {
            HostTestContext.RequireRoot();
        }

        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreePort();
        var marker = LiveProcesses.NewMarker();

        // httpd starts serving only after a second, so a step that ran before the check passed would fail.
        var server = new ContainerSpec
        {
            Name = "sidecar-web",
            Argv = ["/bin/sh", "-c", $"echo sidecar-up; mkdir -p /tmp/www; echo served > /tmp/www/index.html; sleep 1; exec busybox httpd -f -v -p 127.0.0.1:{port} -h /tmp/www"],
            Env = [marker],
        };
        var spec = HostTestContext.Spec(network) with
        {
            Sidecars = [new SidecarSpec(server, new ReadinessCheck { TcpPort = port, HttpPath = "/index.html", Period = TimeSpan.FromMilliseconds(100) })],
        };

        var stopwatch = Stopwatch.StartNew();
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);
        var readyAfter = stopwatch.Elapsed;
        var result = await context.RunAsync(sandbox, HostTestContext.Script("client", $"busybox wget -q -O - http://127.0.0.1:{port}/index.html"));
        var sidecar = Assert.Single(sandbox.Sidecars);
        await context.Executor.DestroyTaskRunAsync(sandbox, cancellationToken);
        var (sidecarOut, sidecarErr) = await HostTestContext.CollectAsync(sidecar);

        Assert.True(readyAfter >= TimeSpan.FromSeconds(1), $"ready after {readyAfter}, before the server could listen");
        Assert.Equal((0, "served\n"), (result.ExitCode, result.Stdout));
        Assert.Equal("sidecar-web", sidecar.Name);
        Assert.Equal("sidecar-up\n", sidecarOut);
        Assert.Contains("response:200", sidecarErr, StringComparison.Ordinal);
        Assert.Empty(await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2)));
        Assert.Equal(137, (await sidecar.WaitAsync(cancellationToken)).ExitCode);
    }

    [Fact]
    public async Task A_sidecar_on_network_none_is_not_reachable_from_the_host()
    {
        HostTestContext.RequireRoot();
        await using var context = HostTestContext.WithBubblewrap();
        var port = FreePort();
        var server = new ContainerSpec { Name = "sidecar-nc", Argv = ["busybox", "nc", "-l", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] };
        var spec = HostTestContext.Spec(NetworkMode.None) with
        {
            Sidecars = [new SidecarSpec(server, new ReadinessCheck { TcpPort = port, Period = TimeSpan.FromMilliseconds(50) })],
        };

        await context.Executor.PrepareTaskRunAsync(spec, TestContext.Current.CancellationToken);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_exec_check_runs_with_the_sidecar_s_mounts_and_gates_the_sandbox()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sidecar = new ContainerSpec
        {
            Name = "sidecar-slow",
            Argv = ["/bin/sh", "-c", "sleep 1; touch /shared/ready; exec sleep 600"],
            Mounts = [new Mount("workspace", "/shared")],
        };
        var spec = HostTestContext.Spec() with
        {
            Sidecars = [new SidecarSpec(sidecar, new ReadinessCheck { Exec = ["test", "-e", "/shared/ready"], Period = TimeSpan.FromMilliseconds(100) })],
        };

        var stopwatch = Stopwatch.StartNew();
        var sandbox = await context.Executor.PrepareTaskRunAsync(spec, cancellationToken);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1));
        Assert.NotNull(await sandbox.ReadFileAsync("workspace", "ready", 10, cancellationToken));
    }

    [Fact]
    public async Task A_sidecar_that_dies_before_it_is_ready_fails_the_sandbox_and_leaves_nothing()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sidecar = new ContainerSpec { Name = "sidecar-crash", Argv = ["/bin/sh", "-c", "echo broken >&2; exit 3"] };
        var spec = HostTestContext.Spec() with
        {
            Sidecars = [new SidecarSpec(sidecar, new ReadinessCheck { TcpPort = FreePort(), Period = TimeSpan.FromMilliseconds(50) })],
        };

        var error = await Assert.ThrowsAsync<SandboxConfigurationException>(
            async () => await context.Executor.PrepareTaskRunAsync(spec, TestContext.Current.CancellationToken));

        Assert.Contains("sidecar-crash exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(context.Volumes.RunDirectory(spec.RunUid), $"build-{spec.TaskRunUid[..8]}")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
