using System.Diagnostics;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class StepTests
{
    private readonly DockerFixture _fixture;

    public StepTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_step_that_prints_one_line_and_exits_at_once_shows_the_line()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(steps: 5), Cancel);
        for (var i = 0; i < 5; i++)
        {
            var result = await run.RunAsync(sandbox, run.Step($"echo{i}", "echo", $"line {i}"), Cancel);
            Assert.Equal($"line {i}\n", result.Stdout);
            Assert.Equal(string.Empty, result.Stderr);
            Assert.Equal(0, result.Exit.ExitCode);
        }

        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task Stdout_and_stderr_arrive_apart_and_in_order()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(), Cancel);
        var result = await run.RunAsync(sandbox, run.Script("both", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"), Cancel);
        Assert.Equal("out1\nout2\n", result.Stdout);
        Assert.Equal("err1\nerr2\n", result.Stderr);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task Exit_codes_env_working_dir_and_user_come_from_the_spec()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(steps: 3), Cancel);

        var failing = await run.RunAsync(sandbox, run.Script("fail", "exit 3"), Cancel);
        Assert.Equal(3, failing.Exit.ExitCode);
        Assert.False(failing.Exit.OomKilled);
        Assert.True(failing.Exit.FinishedAt >= failing.Exit.StartedAt, $"{failing.Exit.StartedAt:o} .. {failing.Exit.FinishedAt:o}");
        Assert.True(failing.Exit.StartedAt > DateTimeOffset.UtcNow.AddMinutes(-5));

        var configured = await run.RunAsync(
            sandbox,
            run.Script("env", "echo \"$GREETING\"; pwd; id -u") with { Env = [new("GREETING", "hello world")], WorkingDir = "/tmp", User = "1000" },
            Cancel);
        Assert.Equal("hello world\n/tmp\n1000\n", configured.Stdout);

        var missing = await run.RunAsync(sandbox, run.Step("missing", "/no/such/program"), Cancel);
        Assert.Equal(127, missing.Exit.ExitCode);
        Assert.Contains("/no/such/program", missing.Stderr, StringComparison.Ordinal);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task A_step_sees_neither_files_nor_processes_of_the_step_before()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(steps: 2), Cancel);
        var first = await run.RunAsync(sandbox, run.Script("leave", "touch /m; sleep 300 & echo left"), Cancel);
        Assert.Equal("left\n", first.Stdout);

        var second = await run.RunAsync(
            sandbox,
            run.Script("look", "if [ -e /m ]; then echo file; fi; if ps -o args | grep -v grep | grep -q 'sleep 300'; then echo process; fi; echo clean"),
            Cancel);
        Assert.Equal("clean\n", second.Stdout);
        Assert.Equal(0, second.Exit.ExitCode);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task Kill_ends_a_step_that_ignores_TERM_within_two_seconds()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(), Cancel);
        await using var process = await run.Executor.CreateStepAsync(sandbox, run.Script("stubborn", "trap '' TERM INT; echo ready; sleep 600"), Cancel);
        await process.StartAsync(Cancel);
        await using var output = process.TailAsync(Cancel).GetAsyncEnumerator(Cancel);
        Assert.True(await output.MoveNextAsync());
        Assert.Equal("ready\n", System.Text.Encoding.UTF8.GetString(output.Current.Data.Span));

        var clock = Stopwatch.StartNew();
        await process.KillAsync(Cancel);
        var exit = await process.WaitAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(2), Cancel);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"kill took {clock.Elapsed}");
        Assert.Equal(137, exit.ExitCode);
        await process.KillAsync(Cancel);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task A_step_killed_before_it_starts_never_runs()
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(volumes: [new("ws", new EmptyDirSource())]), Cancel);
        var step = run.Script("never", "touch /workspace/ran") with { Mounts = [new Mount("ws", "/workspace")] };
        await using var process = await run.Executor.CreateStepAsync(sandbox, step, Cancel);
        await process.KillAsync(Cancel);
        await process.StartAsync(Cancel);
        var exit = await process.WaitAsync(Cancel);
        Assert.Equal(137, exit.ExitCode);
        Assert.Null(await sandbox.ReadFileAsync("ws", "ran", 10, Cancel));
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Fact]
    public async Task Large_output_is_held_back_until_read_and_then_arrives_whole()
    {
        const long Size = 64L * 1024 * 1024;
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(), Cancel);
        await using var process = await run.Executor.CreateStepAsync(sandbox, run.Script("flood", $"head -c {Size} /dev/zero; echo done >&2"), Cancel);
        await process.StartAsync(Cancel);

        // Nobody reads yet: a bounded pipeline stops the writer long before 64 MiB have been produced.
        var wait = process.WaitAsync(Cancel).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        Assert.False(wait.IsCompleted, "the step finished although nobody read its output: the output was buffered whole");

        long stdout = 0;
        var stderr = string.Empty;
        await foreach (var chunk in process.TailAsync(Cancel))
        {
            if (chunk.Stream == OutputStream.Stdout)
            {
                stdout += chunk.Data.Length;
                Assert.True(chunk.Data.Length <= 64 * 1024);
            }
            else
            {
                stderr += System.Text.Encoding.UTF8.GetString(chunk.Data.Span);
            }
        }

        Assert.Equal(Size, stdout);
        Assert.Equal("done\n", stderr);
        Assert.Equal(0, (await wait).ExitCode);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }
}
