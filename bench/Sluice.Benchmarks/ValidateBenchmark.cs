using System.Diagnostics;

namespace Sluice.Benchmarks;

/// <summary><c>sluice validate</c> over every conformance file, process start-up included.</summary>
internal static class ValidateBenchmark
{
    public static Figure Run(string sluice, string conformance)
    {
        var files = Directory.EnumerateFiles(Path.Combine(conformance, "tekton", "v1"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var times = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var info = new ProcessStartInfo(sluice) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("validate");
            foreach (var file in files)
            {
                info.ArgumentList.Add(file);
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            _ = process.StandardOutput.ReadToEnd();
            _ = process.StandardError.ReadToEnd();
            process.WaitForExit();
            times.Add(clock.Elapsed);
        }

        var startup = Raw.Median(Enumerable.Range(0, 5).Select(_ => Raw.Time(sluice, "--version")));
        var median = Raw.Median(times.Skip(2));
        return new Figure($"sluice validate of all {files.Length} conformance files", median.TotalSeconds, "s", 0.5, $"median of 5 runs after 2 warm-ups, process start-up included ({startup.TotalMilliseconds:0} ms of it is `sluice --version`)");
    }
}
