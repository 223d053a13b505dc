using System.Diagnostics;
using System.Text;
using Sluice.Engine;
using Sluice.Engine.Runs;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Testing;

namespace Sluice.Benchmarks;

/// <summary>The engine alone: a PipelineRun of 10,000 no-op tasks on the in-memory executor.</summary>
internal static class EngineBenchmark
{
    public static async Task<Figure> RunAsync(int tasks)
    {
        // Steady state: a few warm-up runs first, so that the measured run finds the code compiled and the
        // caches filled (the project turns tiered compilation off; see its csproj).
        for (var i = 0; i < 3; i++)
        {
            await RunOnceAsync(2_000).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var cpu = Environment.CpuUsage.TotalTime;
        var pause = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        var outcome = await RunOnceAsync(tasks).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        collections = GC.CollectionCount(0) - collections;
        cpu = Environment.CpuUsage.TotalTime - cpu;
        pause = GC.GetTotalPauseDuration() - pause;
        if (outcome != "True")
        {
            throw new InvalidOperationException($"the benchmark pipeline did not succeed: {outcome}");
        }

        var perTask = elapsed.TotalMilliseconds * 1000 / tasks;
        return new Figure(
            $"engine alone, {tasks:N0}-task pipeline (in-memory executor)",
            perTask,
            "µs/task",
            50,
            $"{elapsed.TotalMilliseconds:0} ms for {tasks:N0} tasks (fan-out of chains of 10), {allocated / tasks / 1024.0:0.0} KiB allocated per task, {collections} gen0 collections pausing {pause.TotalMilliseconds:0} ms, {cpu.TotalMilliseconds:0} ms of CPU; the executor does no work, so all of it is engine time");
    }

    private static async Task<string> RunOnceAsync(int count)
    {
        var executor = new InMemoryExecutor(_ => new StepBehaviour());
        var pipeline = new PipelineSpec
        {
            Tasks = [.. Enumerable.Range(0, count).Select(i => new PipelineTask
            {
                Name = $"t{i}",
                RunAfter = i % 10 == 0 ? [] : [$"t{i - 1}"],
                TaskSpec = new EmbeddedTask { Task = new TaskSpec { Steps = [new Step { Name = "noop", Image = "busybox", Script = "true" }] } },
            })],
        };
        var run = new PipelineRun { Metadata = new ObjectMeta { Name = "bench" }, Spec = new PipelineRunSpec { PipelineSpec = pipeline } };
        var engine = new RunEngine(executor, new ResourceSetResolver(ResourceSet.Empty), NullRunObserver.Instance, new EngineOptions { Concurrency = 8 });
        var finished = (PipelineRun)await engine.RunAsync(engine.Prepare(run), CancellationToken.None).ConfigureAwait(false);
        return finished.Status?.Conditions.FirstOrDefault()?.Status + " " + finished.Status?.Conditions.FirstOrDefault()?.Message is var text && text.StartsWith("True", StringComparison.Ordinal) ? "True" : new StringBuilder(text).ToString();
    }
}
