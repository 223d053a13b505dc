using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Sluice.Engine.Runs;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Store;

namespace Sluice.Benchmarks;

/// <summary>
/// The run history: <c>sluice list</c> over a store of 10,000 runs against the bare start of the same
/// binary and the same query made in process, and a step printing 1 GB recorded by <c>sluice run</c> on
/// Docker against raw <c>docker run ... &gt;/dev/null</c> of the same step, with sluice's peak memory.
/// </summary>
internal static partial class HistoryBenchmarks
{
    private const int StoredRuns = 10_000;
    private const int ListTimings = 9;

    public static async Task<IReadOnlyList<Figure>> RunAsync(string sluice)
    {
        var home = Directory.CreateTempSubdirectory("sluice-bench-history-").FullName;
        try
        {
            var figures = new List<Figure> { await ListAsync(sluice, home).ConfigureAwait(false) };
            figures.AddRange(LargeLog(sluice, home));
            return figures;
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<Figure> ListAsync(string sluice, string home)
    {
        var location = StoreLocation.Sqlite(Path.Combine(home, "sluice.db"));
        var seeding = Stopwatch.StartNew();
        TimeSpan query;
        await using (var store = await RunStore.OpenAsync(location, null, CancellationToken.None).ConfigureAwait(false))
        {
            await SeedAsync(store).ConfigureAwait(false);
            seeding.Stop();
            query = await QueryAsync(store).ConfigureAwait(false);
        }

        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = home, ["NO_COLOR"] = "1" };
        var shown = Measure(sluice, ["list"], environment).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        if (shown != 50)
        {
            throw new InvalidOperationException($"sluice list showed {shown} runs of the {StoredRuns:N0} seeded; expected its default limit of 50");
        }

        var start = Raw.Median(Enumerable.Range(0, ListTimings).Select(_ => Measure(sluice, ["--version"], environment).Elapsed));
        var list = Raw.Median(Enumerable.Range(0, ListTimings).Select(_ => Measure(sluice, ["list"], environment).Elapsed));
        var all = Measure(sluice, ["list", "--limit", "100000", "-o", "json"], environment);
        if (!all.Stdout.Contains($"build-run-{StoredRuns - 1:00000}", StringComparison.Ordinal) || !all.Stdout.Contains("build-run-00000", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("sluice list --limit 100000 -o json did not print every seeded run");
        }

        return new Figure(
            $"history: `sluice list` over {StoredRuns:N0} runs (whole process)",
            list.TotalMilliseconds,
            "ms",
            200,
            string.Create(CultureInfo.InvariantCulture, $"median of {ListTimings}, 50 rows shown; `sluice --version` (the same binary's bare start) takes {start.TotalMilliseconds:0} ms, so list is {list / start:0.00}x a bare start, {(list - start).TotalMilliseconds:0} ms over it; the same query in process takes {query.TotalMilliseconds:0.0} ms; all {StoredRuns:N0} as `-o json` take {all.Elapsed.TotalMilliseconds:0} ms and peak at {all.PeakKilobytes / 1024.0:0} MB RSS; {StoredRuns:N0} PipelineRuns with {2 * StoredRuns:N0} TaskRuns seeded through the store in {seeding.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>The query <c>sluice list</c> makes, in this process with the store already open: the floor under the command.</summary>
    private static async Task<TimeSpan> QueryAsync(RunStore store)
    {
        var query = new RunQuery { Kind = "PipelineRun", Limit = 50 };
        await store.ListAsync(query, CancellationToken.None).ConfigureAwait(false);
        var timings = new List<TimeSpan>();
        for (var i = 0; i < ListTimings; i++)
        {
            var clock = Stopwatch.StartNew();
            var runs = await store.ListAsync(query, CancellationToken.None).ConfigureAwait(false);
            timings.Add(clock.Elapsed);
            if (runs.Count != 50)
            {
                throw new InvalidOperationException($"the store listed {runs.Count} runs; expected 50");
            }
        }

        return Raw.Median(timings);
    }

    private static async Task SeedAsync(RunStore store)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < StoredRuns; i++)
        {
            var at = start.AddMinutes(i);
            var name = string.Create(CultureInfo.InvariantCulture, $"build-run-{i:00000}");
            var uid = Guid.NewGuid().ToString();
            var run = new PipelineRun
            {
                Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = uid, CreationTimestamp = Timestamps.Format(at), Labels = ImmutableSortedDictionary<string, string>.Empty.Add("team", i % 2 == 0 ? "a" : "b") },
                Spec = new PipelineRunSpec { PipelineRef = new PipelineReference { Name = "build" }, Params = [new Param { Name = "revision", Value = ParamValue.Of("main") }] },
                Status = new PipelineRunStatus
                {
                    StartTime = Timestamps.Format(at),
                    CompletionTime = Timestamps.Format(at.AddSeconds(40)),
                    Conditions = [new Condition { Status = i % 7 == 0 ? "False" : "True", Reason = i % 7 == 0 ? "Failed" : "Succeeded", LastTransitionTime = Timestamps.Format(at.AddSeconds(40)) }],
                },
            };
            await store.RecordAsync(new RunRecord { RootUid = uid, Run = run, Owner = "bench/1/1" }, CancellationToken.None).ConfigureAwait(false);
            foreach (var task in new[] { "compile", "test" })
            {
                var child = new TaskRun
                {
                    Metadata = new ObjectMeta { Name = $"{name}-{task}", Namespace = "default", Uid = Guid.NewGuid().ToString(), CreationTimestamp = Timestamps.Format(at) },
                    Spec = new TaskRunSpec { TaskRef = new TaskReference { Name = task } },
                    Status = new TaskRunStatus { PodName = $"{name}-{task}-pod", StartTime = Timestamps.Format(at), CompletionTime = Timestamps.Format(at.AddSeconds(20)), Conditions = [new Condition { Status = "True", Reason = "Succeeded" }] },
                };
                await store.RecordAsync(new RunRecord { RootUid = uid, Run = child, PipelineTask = task }, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs sluice under <c>/usr/bin/time</c>: its wall time, its peak resident set and what it printed.</summary>
    private static (TimeSpan Elapsed, long PeakKilobytes, string Stdout) Measure(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/usr/bin/time");
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("peak-kb %M");
        info.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var (elapsed, stdout, stderr) = Raw.Complete(info);
        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("peak-kb ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"/usr/bin/time printed no peak for {program}: {stderr}");
        return (elapsed, long.Parse(line["peak-kb ".Length..], CultureInfo.InvariantCulture), stdout);
    }
}
