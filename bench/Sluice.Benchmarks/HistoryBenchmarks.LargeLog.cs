using System.Globalization;

namespace Sluice.Benchmarks;

/// <summary>A step printing 1 GB: recorded by sluice on Docker, against raw <c>docker run</c> of the same step.</summary>
internal static partial class HistoryBenchmarks
{
    private const long Gigabyte = 1L << 30;
    private const string Image = "sluice-standin/busybox:bookworm";
    private const int Rounds = 3;

    private static IEnumerable<Figure> LargeLog(string sluice, string home)
    {
        var large = Path.Combine(home, "large");
        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = large, ["NO_COLOR"] = "1" };
        var big = Write(home, "big.yaml", Gigabyte);
        var empty = Write(home, "empty.yaml", 0);
        Raw.Time("/bin/sh", "-c", $"{DockerRun(0)} >/dev/null");
        Measure(sluice, ["run", "--quiet", "--network", "none", empty], environment);
        Directory.Delete(Path.Combine(large, "logs"), recursive: true);
        var raw = new List<TimeSpan>();
        var rawEmpty = new List<TimeSpan>();
        var recorded = new List<TimeSpan>();
        var recordedEmpty = new List<TimeSpan>();
        var peak = 0L;
        var emptyPeak = 0L;
        for (var round = 0; round < Rounds; round++)
        {
            raw.Add(Raw.Time("/bin/sh", "-c", $"{DockerRun(Gigabyte)} >/dev/null"));
            var run = Measure(sluice, ["run", "--quiet", "--network", "none", big], environment);
            recorded.Add(run.Elapsed);
            peak = Math.Max(peak, run.PeakKilobytes);
            CheckLog(Path.Combine(large, "logs"));
            rawEmpty.Add(Raw.Time("/bin/sh", "-c", $"{DockerRun(0)} >/dev/null"));
            var idle = Measure(sluice, ["run", "--quiet", "--network", "none", empty], environment);
            recordedEmpty.Add(idle.Elapsed);
            emptyPeak = Math.Max(emptyPeak, idle.PeakKilobytes);
            Directory.Delete(Path.Combine(large, "logs"), recursive: true);
        }

        var rawThroughput = Gigabyte / Raw.Median(raw).TotalSeconds / (1 << 20);
        var recordedThroughput = Gigabyte / Raw.Median(recorded).TotalSeconds / (1 << 20);
        var rawMarginal = Gigabyte / (Raw.Median(raw) - Raw.Median(rawEmpty)).TotalSeconds / (1 << 20);
        var recordedMarginal = Gigabyte / (Raw.Median(recorded) - Raw.Median(recordedEmpty)).TotalSeconds / (1 << 20);
        yield return new Figure(
            "history: 1 GB step on Docker, sluice's peak memory",
            peak / 1024.0,
            "MB",
            150,
            string.Create(CultureInfo.InvariantCulture, $"peak RSS of `sluice run --quiet` over {Rounds} runs, the step's 1 GiB log streamed to its file (size checked) and recorded in the history; the same step printing nothing peaks at {emptyPeak / 1024.0:0} MB"));
        yield return new Figure(
            "history: 1 GB step on Docker, recording / raw `docker run >/dev/null` throughput",
            recordedThroughput / rawThroughput,
            "ratio",
            0.8,
            string.Create(CultureInfo.InvariantCulture, $"whole runs, medians of {Rounds}: sluice {Raw.Median(recorded).TotalSeconds:0.00} s ({recordedThroughput:0} MB/s) vs `{DockerRun(Gigabyte)} >/dev/null` {Raw.Median(raw).TotalSeconds:0.00} s ({rawThroughput:0} MB/s); with each side's 0-byte run subtracted (sluice {Raw.Median(recordedEmpty).TotalSeconds:0.00} s, raw {Raw.Median(rawEmpty).TotalSeconds:0.00} s) the ratio is {recordedMarginal / rawMarginal:0.00}"),
            LowerIsBetter: false);
    }

    /// <summary>Raw Docker with what sluice asks of it: no network, no log driver, output over the attach stream.</summary>
    private static string DockerRun(long bytes) => $"/usr/bin/docker run --rm --log-driver none --network none {Image} sh -c '{Script(bytes)}'";

    private static string Script(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"yes \"sluice history benchmark: one line of a large step log, 63 bytes\" | head -c {bytes}");

    private static void CheckLog(string logs)
    {
        var files = Directory.GetFiles(logs, "step-print.log", SearchOption.AllDirectories);
        if (files.Length != 1 || new FileInfo(files[0]).Length != Gigabyte)
        {
            throw new InvalidOperationException($"expected one step log of {Gigabyte} bytes under {logs}; found {string.Join(", ", files.Select(f => $"{f} ({new FileInfo(f).Length} bytes)"))}");
        }
    }

    private static string Write(string home, string name, long bytes)
    {
        var path = Path.Combine(home, name);
        File.WriteAllText(path, $$"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: large-log-
            spec:
              taskSpec:
                steps:
                  - name: print
                    image: {{Image}}
                    script: |
                      {{Script(bytes)}}
            """);
        return path;
    }
}
