using System.Globalization;

namespace Sluice.Conformance.Tests;

/// <summary>How one run of an example compared with its expectation.</summary>
/// <param name="Outcome">What the run gave, or null when it crashed.</param>
/// <param name="Differences">One line per difference from the expectation; empty when it matched.</param>
/// <param name="Took">How long the run took.</param>
public sealed record ExampleResult(ExampleOutcome? Outcome, List<string> Differences, TimeSpan Took)
{
    /// <summary>How many TaskRuns the cache served.</summary>
    public int CacheHits => Outcome?.CacheHits ?? 0;

    /// <summary>How many TaskRuns the run had.</summary>
    public int TaskRuns => Outcome?.Runs.Sum(r => r.TaskRuns.Length) ?? 0;
}

/// <summary>
/// The suite's report, <c>artifacts/conformance.txt</c>: a line per example run as written, then a line
/// per example run with the cache (its first run and its rerun, with how many TaskRuns the rerun took
/// from the cache), each failure followed by its differences, and last one line with both counts.
/// </summary>
public static class ConformanceReport
{
    /// <summary>Writes the report; an example missing from a pass was not run before the time budget ran out.</summary>
    public static void Write(
        string path,
        IReadOnlyList<string> examples,
        IReadOnlyDictionary<string, ExampleResult> plain,
        IReadOnlyDictionary<string, ExampleResult> cached,
        IReadOnlyDictionary<string, ExampleResult> rerun)
    {
        var lines = new List<string>();
        var passed = 0;
        foreach (var example in examples)
        {
            if (!plain.TryGetValue(example, out var result))
            {
                lines.Add($"FAIL {example}: not run (time budget exhausted)");
            }
            else if (result.Differences.Count == 0)
            {
                passed++;
                lines.Add($"pass {example} ({Seconds(result.Took)})");
            }
            else
            {
                lines.Add($"FAIL {example} ({Seconds(result.Took)})");
                lines.AddRange(result.Differences.Select(d => "       " + d));
            }
        }

        lines.Add("with --cache: each example run twice into a cache of its own, the rerun served from what the first run stored:");
        var passedCached = 0;
        foreach (var example in examples)
        {
            if (!cached.TryGetValue(example, out var first) || !rerun.TryGetValue(example, out var second))
            {
                lines.Add($"FAIL {example} with --cache: not run (time budget exhausted)");
                continue;
            }

            var line = $"{example} with --cache ({Seconds(first.Took)}, {first.CacheHits} of {first.TaskRuns} from the cache; rerun {Seconds(second.Took)}, {second.CacheHits} of {second.TaskRuns} TaskRuns from the cache)";
            if (first.Differences.Count == 0 && second.Differences.Count == 0)
            {
                passedCached++;
                lines.Add("pass " + line);
            }
            else
            {
                lines.Add("FAIL " + line);
                lines.AddRange(first.Differences.Select(d => "       first run: " + d));
                lines.AddRange(second.Differences.Select(d => "       rerun: " + d));
            }
        }

        var hits = rerun.Values.Sum(r => r.CacheHits);
        lines.Add($"{passed} passed, {examples.Count - passed} failed; with --cache: {passedCached} passed, {examples.Count - passedCached} failed, {hits} TaskRuns served from the cache");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines);
    }

    private static string Seconds(TimeSpan took) => took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
