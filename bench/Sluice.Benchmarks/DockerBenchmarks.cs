using System.Diagnostics;
using Sluice.Engine;
using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Execution.Docker;
using Sluice.Hosting;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Benchmarks;

/// <summary>
/// Steps on Docker against raw <c>docker run --rm</c> of the same image and command, both on the default
/// bridge network, removal of containers included on both sides.
/// </summary>
internal static class DockerBenchmarks
{
    private const string Image = "sluice-standin/busybox:bookworm";
    private const int Rounds = 3;

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), $"sluice-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(home);
        await using var executor = new DockerExecutor(new DockerExecutorOptions
        {
            StateRoot = home,
            OwnerId = $"{Environment.MachineName}/{Environment.ProcessId}/{ProcessOwner.StartTicks(Environment.ProcessId)}",
        });
        var engine = new RunEngine(executor, new ResourceSetResolver(ResourceSet.Empty), NullRunObserver.Instance, new EngineOptions { Network = NetworkMode.Bridge });
        Raw.Time("/usr/bin/docker", "run", "--rm", Image, "true");
        await RunAsync(engine, TenSteps()).ConfigureAwait(false);

        var raw = new List<TimeSpan>();
        var steps = new List<TimeSpan>();
        var chain = new List<TimeSpan>();
        for (var round = 0; round < Rounds; round++)
        {
            raw.Add(TimeSpan.FromTicks(Enumerable.Range(0, 10).Sum(_ => Raw.Time("/usr/bin/docker", "run", "--rm", Image, "true").Ticks)));
            steps.Add(await RunAsync(engine, TenSteps()).ConfigureAwait(false));
            chain.Add(await RunAsync(engine, TenTaskChain()).ConfigureAwait(false));
        }

        Directory.Delete(home, recursive: true);
        var rawMedian = Raw.Median(raw);
        var stepsMedian = Raw.Median(steps);
        var chainMedian = Raw.Median(chain);
        return
        [
            new Figure("docker: one Task of 10 `true` steps / 10 raw `docker run --rm`", stepsMedian / rawMedian, "ratio", 0.85, $"{stepsMedian.TotalSeconds:0.00} s vs {rawMedian.TotalSeconds:0.00} s (median of {Rounds}, bridge network, {Image})"),
            new Figure("docker: Pipeline of 10 one-step Tasks in a chain / 10 raw runs", chainMedian / rawMedian, "ratio", 1.2, $"{chainMedian.TotalSeconds:0.00} s vs {rawMedian.TotalSeconds:0.00} s (median of {Rounds})"),
        ];
    }

    private static async Task<TimeSpan> RunAsync(RunEngine engine, Sluice.Model.IResource run)
    {
        var clock = Stopwatch.StartNew();
        var finished = await engine.RunAsync(engine.Prepare(run), CancellationToken.None).ConfigureAwait(false);
        clock.Stop();
        var condition = finished switch
        {
            TaskRun t => t.Status?.Conditions.FirstOrDefault(),
            PipelineRun p => p.Status?.Conditions.FirstOrDefault(),
            _ => null,
        };
        if (condition?.Status != "True")
        {
            throw new InvalidOperationException($"the benchmark run failed: {condition?.Reason} {condition?.Message}");
        }

        return clock.Elapsed;
    }

    private static TaskRun TenSteps() => new()
    {
        Metadata = new ObjectMeta { GenerateName = "bench-steps-" },
        Spec = new TaskRunSpec
        {
            TaskSpec = new TaskSpec { Steps = [.. Enumerable.Range(0, 10).Select(i => new Step { Name = $"s{i}", Image = Image, Command = ["true"] })] },
        },
    };

    private static PipelineRun TenTaskChain() => new()
    {
        Metadata = new ObjectMeta { GenerateName = "bench-chain-" },
        Spec = new PipelineRunSpec
        {
            PipelineSpec = new PipelineSpec
            {
                Tasks = [.. Enumerable.Range(0, 10).Select(i => new PipelineTask
                {
                    Name = $"t{i}",
                    RunAfter = i == 0 ? [] : [$"t{i - 1}"],
                    TaskSpec = new EmbeddedTask { Task = new TaskSpec { Steps = [new Step { Name = "s", Image = Image, Command = ["true"] }] } },
                })],
            },
        },
    };
}
