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
/// Runs every selected Tekton example once, several at a time, on Docker with the stand-in images, and
/// writes a report ending with <c>N passed, N failed</c>. Tests then check one example each.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, (ExampleOutcome? Outcome, List<string> Differences, TimeSpan Took)> _results = new();
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

    public (ExampleOutcome? Outcome, List<string> Differences, TimeSpan Took) Result(string example) => _results[example];

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
        var runner = new ExampleRunner(executor, new EngineOptions { Network = NetworkMode.None, Concurrency = 8, DefaultTimeout = TimeSpan.FromMinutes(5) });
        var parallel = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_PARALLEL"), out var p) ? p : 4;
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        await Parallel.ForEachAsync(Examples(), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = budget.Token }, async (example, token) =>
        {
            var clock = Stopwatch.StartNew();
            var expectationFile = Path.Combine(ConformancePaths.Expectations, example);
            try
            {
                var expectation = File.Exists(expectationFile) ? Expectation.Load(expectationFile) : null;
                var outcome = await runner.RunAsync(example, token).ConfigureAwait(false);
                var differences = expectation is null ? [$"no expectation file {expectationFile}"] : OutcomeComparison.Differences(expectation, outcome);
                _results[example] = (outcome, differences, clock.Elapsed);
            }
            catch (Exception e) when (e is not OperationCanceledException || !budget.IsCancellationRequested)
            {
                _results[example] = (null, [$"crashed: {e}"], clock.Elapsed);
            }
        }).ConfigureAwait(false);
        WriteReport();
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

    private void WriteReport()
    {
        var lines = new List<string>();
        var passed = 0;
        foreach (var example in Examples())
        {
            if (!_results.TryGetValue(example, out var result))
            {
                lines.Add($"FAIL {example}: not run (time budget exhausted)");
                continue;
            }

            if (result.Differences.Count == 0)
            {
                passed++;
                lines.Add($"pass {example} ({result.Took.TotalSeconds:0.0}s)");
            }
            else
            {
                lines.Add($"FAIL {example} ({result.Took.TotalSeconds:0.0}s)");
                lines.AddRange(result.Differences.Select(d => "       " + d));
            }
        }

        var total = Examples().Length;
        lines.Add($"{passed} passed, {total - passed} failed");
        var report = Path.Combine(ConformancePaths.RepositoryRoot, "artifacts", "conformance.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        File.WriteAllLines(report, lines);
    }
}
