using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Sluice.Engine;
using Sluice.Engine.Execution;
using Sluice.Engine.Images;
using Sluice.Execution.Docker;
using Sluice.Hosting;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;

namespace Sluice.Conformance.Tests;

/// <summary>
/// Runs every selected Tekton example, several at a time, on Docker with the stand-in images: once as
/// written, then twice more with every TaskRun cached (<c>sluice run --cache</c>) into a cache of its own,
/// the first of these filling it and the second served from it (DESIGN.md section 8). Writes a report
/// (<see cref="ConformanceReport"/>); tests then check one example each.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ExampleResult> _plain = new();
    private readonly ConcurrentDictionary<string, ExampleResult> _cached = new();
    private readonly ConcurrentDictionary<string, ExampleResult> _rerun = new();
    private string _home = string.Empty;

    /// <summary>The examples of the selected tiers that run offline, from tekton-examples-tiers.tsv.</summary>
    public static ImmutableArray<string> Examples()
    {
        var tiers = (Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_TIERS") ?? "0,1,2").Split(',').Select(int.Parse).ToHashSet();
        return [.. File.ReadAllLines(Path.Combine(ConformancePaths.TektonDirectory, "tekton-examples-tiers.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .Where(f => f.Length >= 3 && tiers.Contains(int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)) && f[2] == "no")
            .Select(f => f[0])];
    }

    /// <summary>The example's run as written, without a cache.</summary>
    public ExampleResult Result(string example) => _plain[example];

    /// <summary>The example's two runs with every TaskRun cached: the one that filled the cache, and the rerun it served.</summary>
    public (ExampleResult Cached, ExampleResult Rerun) CachedResults(string example) => (_cached[example], _rerun[example]);

    /// <summary>How many TaskRuns the cache served across every example's rerun.</summary>
    public int RerunCacheHits => _rerun.Values.Sum(r => r.CacheHits);

    public async ValueTask InitializeAsync()
    {
        _home = Path.Combine(Path.GetTempPath(), $"sluice-conformance-{Environment.ProcessId}");
        Directory.CreateDirectory(_home);
        var diagnostics = new DiagnosticBag();
        var standIns = RecordReader.ReadFile<SluiceConfiguration>(ConformancePaths.StandIns, diagnostics)
            ?? throw new InvalidOperationException($"cannot read {ConformancePaths.StandIns}: {string.Join("; ", diagnostics.ToImmutable())}");
        await using var executor = new DockerExecutor(new DockerExecutorOptions
        {
            StateRoot = _home,
            OwnerId = $"{Environment.MachineName}/{Environment.ProcessId}/{ProcessOwner.StartTicks(Environment.ProcessId)}",
            ImageMirrors = new ImageMirrorMap(standIns.ImageMirrors),
        });
        var options = new EngineOptions { Network = NetworkMode.None, Concurrency = 8, DefaultTimeout = TimeSpan.FromMinutes(5) };
        var plain = new ExampleRunner(executor, options);
        var parallel = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_PARALLEL"), out var p) ? p : 4;
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        await Parallel.ForEachAsync(Examples(), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = budget.Token }, async (example, token) =>
        {
            _plain[example] = await CompareAsync(example, plain.RunAsync, token).ConfigureAwait(false);
            var cacheDirectory = Path.Combine(_home, "caches", example.Replace('/', '_'));
            await using var cache = await ExampleCache.OpenAsync(cacheDirectory, _home, token).ConfigureAwait(false);
            var cached = new ExampleRunner(executor, options, cache.Caching);
            _cached[example] = await CompareAsync(example, cached.RunAsync, token).ConfigureAwait(false);
            _rerun[example] = await CompareAsync(example, cached.RunAsync, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        ConformanceReport.Write(Path.Combine(ConformancePaths.RepositoryRoot, "artifacts", "conformance.txt"), Examples(), _plain, _cached, _rerun);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs the example once and compares what it gave with its expectation; a crash is a difference too.</summary>
    private static async Task<ExampleResult> CompareAsync(string example, Func<string, CancellationToken, Task<ExampleOutcome>> run, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var expectationFile = Path.Combine(ConformancePaths.Expectations, example);
        try
        {
            var expectation = File.Exists(expectationFile) ? Expectation.Load(expectationFile) : null;
            var outcome = await run(example, cancellationToken).ConfigureAwait(false);
            var differences = expectation is null ? [$"no expectation file {expectationFile}"] : OutcomeComparison.Differences(expectation, outcome);
            return new ExampleResult(outcome, differences, clock.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ExampleResult(null, [$"crashed: {e}"], clock.Elapsed);
        }
    }
}
