using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class SidecarTests
{
    private readonly DockerFixture _fixture;

    public SidecarTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ContainerSpec Sidecar(TestRun run, string name, string script) => run.Script(name, script) with { Name = "sidecar-" + name };

    private static string Httpd(int port, string body) =>
        $"mkdir -p /www && echo {body} > /www/index.html && exec httpd -f -p 127.0.0.1:{port} -h /www";

    [Fact]
    public async Task Steps_reach_a_sidecar_on_localhost_once_its_http_and_exec_checks_pass()
    {
        await using var run = new TestRun(_fixture);
        var spec = run.Sandbox(
            NetworkMode.None,
            steps: 2,
            sidecars:
            [
                new SidecarSpec(
                    Sidecar(run, "web", "sleep 1; " + Httpd(8080, "hello-from-sidecar")),
                    new ReadinessCheck { TcpPort = 8080, HttpPath = "/index.html", Period = TimeSpan.FromMilliseconds(200) }),
                new SidecarSpec(
                    Sidecar(run, "slow", "sleep 1; touch /tmp/ready; exec sleep 600"),
                    new ReadinessCheck { Exec = ["test", "-e", "/tmp/ready"], Period = TimeSpan.FromMilliseconds(200) }),
            ]);
        var sandbox = await run.Executor.PrepareTaskRunAsync(spec, Cancel);

        var first = await run.RunAsync(sandbox, run.Step("fetch", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/index.html"), Cancel);
        Assert.Equal("hello-from-sidecar\n", first.Stdout);
        Assert.Equal(0, first.Exit.ExitCode);

        // The second step joins the same namespace: same loopback, same listener.
        var second = await run.RunAsync(sandbox, run.Step("again", "wget", "-q", "-O", "-", "http://localhost:8080/index.html"), Cancel);
        Assert.Equal("hello-from-sidecar\n", second.Stdout);

        Assert.Equal(["sidecar-web", "sidecar-slow"], sandbox.Sidecars.Select(s => s.Name));
        var containers = await run.ContainersAsync();
        Assert.Single(containers, c => c.Labels[Labels.Role] == Labels.HolderRole);
        Assert.Equal(2, containers.Count(c => c.Labels[Labels.Role] == Labels.SidecarRole && c.State == "running"));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
        Assert.Empty(await run.ContainersAsync());
    }

    [Fact]
    public async Task With_host_networking_a_sidecar_is_checked_on_this_machine_s_loopback()
    {
        await using var run = new TestRun(_fixture);
        var port = Random.Shared.Next(20000, 40000);
        var spec = run.Sandbox(
            NetworkMode.Host,
            sidecars: [new SidecarSpec(Sidecar(run, "web", Httpd(port, "on-host")), new ReadinessCheck { TcpPort = port, HttpPath = "/", Period = TimeSpan.FromMilliseconds(200) })]);
        var sandbox = await run.Executor.PrepareTaskRunAsync(spec, Cancel);

        var result = await run.RunAsync(sandbox, run.Step("fetch", "wget", "-q", "-O", "-", $"http://127.0.0.1:{port}/index.html"), Cancel);
        Assert.Equal("on-host\n", result.Stdout);
        Assert.DoesNotContain(await run.ContainersAsync(), c => c.Labels[Labels.Role] == Labels.HolderRole);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task A_sidecar_that_exits_before_it_is_ready_fails_the_prepare_and_leaves_nothing()
    {
        await using var run = new TestRun(_fixture);
        var spec = run.Sandbox(
            sidecars: [new SidecarSpec(Sidecar(run, "quitter", "echo bye; exit 4"), new ReadinessCheck { Exec = ["true"], InitialDelay = TimeSpan.FromMilliseconds(500) })]);

        var error = await Assert.ThrowsAsync<SandboxConfigurationException>(async () => await run.Executor.PrepareTaskRunAsync(spec, Cancel));

        Assert.Contains("sidecar-quitter exited with code 4", error.Message, StringComparison.Ordinal);
        Assert.Empty(await run.ContainersAsync());
    }

    [Fact]
    public async Task A_sidecar_that_never_becomes_ready_fails_the_prepare_within_its_budget()
    {
        await using var run = new TestRun(_fixture, sidecarReadyTimeout: TimeSpan.FromSeconds(2));
        var spec = run.Sandbox(
            sidecars: [new SidecarSpec(Sidecar(run, "deaf", "exec sleep 600"), new ReadinessCheck { TcpPort = 9, Period = TimeSpan.FromMilliseconds(300) })]);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SandboxConfigurationException>(async () => await run.Executor.PrepareTaskRunAsync(spec, Cancel));

        Assert.Contains("sidecar-deaf did not become ready within 2s", error.Message, StringComparison.Ordinal);
        Assert.Contains("localhost:9", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
        Assert.Empty(await run.ContainersAsync());
    }
}
