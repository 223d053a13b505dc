using System.Diagnostics;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class StepProcessTests
{
    [Fact]
    public async Task Images_resolve_to_the_host_unchanged_and_without_entrypoint()
    {
        await using var context = HostTestContext.Create();

        var image = await context.Executor.ResolveImageAsync("docker.io/library/alpine:3.20", ImagePullPolicy.Always, TestContext.Current.CancellationToken);

        Assert.Equal(("docker.io/library/alpine:3.20", "docker.io/library/alpine:3.20", "host"), (image.Requested, image.Reference, image.ImageId));
        Assert.Empty(image.Entrypoint);
        Assert.Empty(image.Cmd);
        Assert.StartsWith("linux/", image.Platform, StringComparison.Ordinal);
        Assert.Equal("host", context.Executor.Name);
    }

    [Fact]
    public async Task Stdout_and_stderr_arrive_apart_from_the_first_byte()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("out", "printf a; printf B >&2; printf b; printf C >&2; printf c"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("abc", result.Stdout);
        Assert.Equal("BC", result.Stderr);
    }

    [Fact]
    public async Task Output_printed_just_before_exiting_is_all_there()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("burst", "head -c 3000000 /dev/zero | tr '\\0' x; printf end >&2; exit 4"));

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(3_000_000, result.Stdout.Length);
        Assert.All(result.Stdout, c => Assert.Equal('x', c));
        Assert.Equal("end", result.Stderr);
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 255", 255)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    public async Task Exit_codes_are_the_step_s(string script, int expected)
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("exit", script));

        Assert.Equal(expected, result.ExitCode);
    }

    [Fact]
    public async Task A_missing_program_fails_the_step_with_127_and_a_message()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);

        var result = await context.RunAsync(sandbox, HostTestContext.Script("missing", "") with { Argv = ["no-such-program-here"] });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-program-here", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_ends_a_step_that_ignores_TERM_within_two_seconds_and_leaves_no_process()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var marker = LiveProcesses.NewMarker();
        var step = await context.Executor.CreateStepAsync(
            sandbox, HostTestContext.Script("stubborn", "trap '' TERM INT; sleep 600 & sleep 600; wait", marker), cancellationToken);
        await step.StartAsync(cancellationToken);
        var tail = HostTestContext.CollectAsync(step);

        // bwrap, its init, sh and two sleeps.
        await LiveProcesses.WaitForAsync(marker, 4, TimeSpan.FromSeconds(10));
        var stopwatch = Stopwatch.StartNew();
        await step.KillAsync(cancellationToken);
        var exit = await step.WaitAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        var left = await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2) - stopwatch.Elapsed);

        Assert.Equal(137, exit.ExitCode);
        Assert.Empty(left);
        await tail.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        await step.KillAsync(cancellationToken);
    }

    [Fact]
    public async Task A_step_outlives_the_thread_that_started_it()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("long", "echo started; sleep 1; echo survived"), cancellationToken);
        using var running = new ManualResetEventSlim();

        // bwrap --die-with-parent watches the thread that forked it, not the process: the thread
        // that starts a step ends while the step runs.
        var starter = new Thread(() =>
        {
            step.StartAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
            running.Wait(cancellationToken);
        });
        starter.Start();
        var stdout = new List<string>();
        await foreach (var chunk in step.TailAsync(cancellationToken))
        {
            stdout.Add(System.Text.Encoding.UTF8.GetString(chunk.Data.Span));
            running.Set();
            starter.Join();
        }

        Assert.Equal("started\nsurvived\n", string.Concat(stdout));
        Assert.Equal(0, (await step.WaitAsync(cancellationToken)).ExitCode);
    }

    [Fact]
    public async Task Kill_before_start_means_the_step_never_runs()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("never", "touch /workspace/ran"), cancellationToken);

        await step.KillAsync(cancellationToken);
        await step.StartAsync(cancellationToken);
        var exit = await step.WaitAsync(cancellationToken);

        Assert.Equal(137, exit.ExitCode);
        Assert.Null(await sandbox.ReadFileAsync("workspace", "ran", 10, cancellationToken));
    }

    [Fact]
    public async Task A_step_that_prints_more_than_the_buffer_waits_for_its_reader_then_loses_nothing()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        const long Size = 64L * 1024 * 1024;
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("chatty", $"head -c {Size} /dev/zero"), cancellationToken);
        await step.StartAsync(cancellationToken);

        // Nobody reads yet: the bounded buffer fills and the step blocks on its pipe instead of
        // the executor holding 64 MiB.
        var exited = step.WaitAsync(cancellationToken).AsTask();
        var pause = Task.Delay(1500, cancellationToken);
        Assert.Same(pause, await Task.WhenAny(exited, pause));

        long received = 0;
        await foreach (var chunk in step.TailAsync(cancellationToken))
        {
            received += chunk.Data.Length;
        }

        Assert.Equal(Size, received);
        Assert.Equal(0, (await step.WaitAsync(cancellationToken)).ExitCode);
    }

    [Fact]
    public async Task Output_can_be_enumerated_once()
    {
        await using var context = HostTestContext.WithBubblewrap();
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);
        var step = await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("once", "echo hi"), cancellationToken);
        await step.StartAsync(cancellationToken);
        await HostTestContext.CollectAsync(step);

        await Assert.ThrowsAsync<InvalidOperationException>(() => HostTestContext.CollectAsync(step));
    }

    [Fact]
    public async Task Without_bubblewrap_a_step_with_mounts_fails_with_how_to_install_it()
    {
        await using var context = HostTestContext.Create(bubblewrapPath: "/nonexistent/bwrap");
        var cancellationToken = TestContext.Current.CancellationToken;
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), cancellationToken);

        var error = await Assert.ThrowsAsync<SandboxConfigurationException>(
            async () => await context.Executor.CreateStepAsync(sandbox, HostTestContext.Script("mounted", "true"), cancellationToken));

        Assert.False(context.Executor.HasBubblewrap);
        Assert.Contains("apt-get install bubblewrap", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/bwrap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_bubblewrap_a_step_without_mounts_still_runs_in_its_own_session()
    {
        await using var context = HostTestContext.Create(bubblewrapPath: "/nonexistent/bwrap");
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
        var step = HostTestContext.Script("plain", "echo $$; cut -d' ' -f5,6 /proc/$$/stat; pwd") with { Mounts = [] };

        var result = await context.RunAsync(sandbox, step);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{lines[0]} {lines[0]}", lines[1]);
        Assert.Equal("/", lines[2]);
    }

    [Fact]
    public async Task Without_bubblewrap_what_a_step_leaves_in_the_background_dies_with_it()
    {
        await using var context = HostTestContext.Create(bubblewrapPath: "/nonexistent/bwrap");
        var sandbox = await context.Executor.PrepareTaskRunAsync(HostTestContext.Spec(), TestContext.Current.CancellationToken);
        var marker = LiveProcesses.NewMarker();
        var step = HostTestContext.Script("background", "sleep 600 & echo started", marker) with { Mounts = [] };

        var result = await context.RunAsync(sandbox, step);

        Assert.Equal(("started\n", 0), (result.Stdout, result.ExitCode));
        Assert.Empty(await LiveProcesses.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(2)));
    }
}
