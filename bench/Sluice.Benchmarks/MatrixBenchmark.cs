using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Benchmarks;

/// <summary>
/// <c>sluice run --executor host</c> of one pipeline task whose matrix fans out to 50 TaskRuns of a step
/// that sleeps 0.2 s, at a concurrency limit of 8. The bound is 1.3 × 0.2 s × ⌈50 / 8⌉: the run may take
/// 30% more than the sleeping itself, whole process included (start, parse, fan-out, status). Beside it
/// stands the raw work measured in the same run: 50 spawns of <c>sleep 0.2</c>, 8 at a time.
/// </summary>
internal static class MatrixBenchmark
{
    private const int Combinations = 50;
    private const int Concurrency = 8;
    private const double SleepSeconds = 0.2;
    private const double Slack = 1.3;

    public static async Task<Figure> RunAsync(string sluice)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-bench-matrix-").FullName;
        try
        {
            var file = Path.Combine(directory, "matrix.yaml");
            File.WriteAllText(file, Pipeline());
            var home = Path.Combine(directory, "home");
            var sleep = new StepCommand(["/bin/sleep", SleepSeconds.ToString(CultureInfo.InvariantCulture)], ["PATH=/usr/bin:/bin"]);

            // A first run of each warms the page cache, so neither pays for loading files from disk.
            await Raw.SpawnAsync(sleep, Concurrency, Concurrency).ConfigureAwait(false);
            Run(sluice, home, directory, file);
            var raw = await Raw.SpawnAsync(sleep, Combinations, Concurrency).ConfigureAwait(false);
            var wall = Run(sluice, home, directory, file);

            var waves = (int)Math.Ceiling(Combinations / (double)Concurrency);
            var ideal = SleepSeconds * waves;
            var bound = Slack * ideal;
            return new Figure(
                $"host: matrix of {Combinations} × sleep {SleepSeconds} s, {Concurrency} at a time, wall time",
                wall.TotalSeconds,
                "s",
                bound,
                string.Create(CultureInfo.InvariantCulture,
                    $"bound {Slack} × {SleepSeconds} s × ⌈{Combinations}/{Concurrency}⌉ = {bound:0.00} s; sluice run {wall.TotalSeconds:0.00} s, whole process; " +
                    $"{wall.TotalSeconds / ideal:0.00}× the {ideal:0.00} s of sleeping; raw work in this run: {Combinations} spawns of sleep {SleepSeconds}, {Concurrency} at a time, " +
                    $"{raw.TotalSeconds:0.00} s, so sluice takes {wall.TotalSeconds / raw.TotalSeconds:0.00}× the raw work"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static TimeSpan Run(string sluice, string home, string directory, string file)
    {
        var clock = Stopwatch.StartNew();
        var exitCode = Raw.Run(sluice, home, Path.Combine(directory, "run.out"), "run", "--executor", "host", "--concurrency", $"{Concurrency}", file);
        clock.Stop();
        return exitCode == 0
            ? clock.Elapsed
            : throw new InvalidOperationException($"sluice run {file} exited {exitCode}: {File.ReadAllText(Path.Combine(directory, "run.out"))}");
    }

    private static string Pipeline()
    {
        var yaml = new StringBuilder("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: bench-matrix-
            spec:
              pipelineSpec:
                tasks:
                  - name: sleep
                    matrix:
                      params:
                        - name: index
                          value:

            """);
        for (var i = 0; i < Combinations; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"              - \"{i}\"\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $$"""
                    taskSpec:
                      params:
                        - name: index
                      steps:
                        - name: sleep
                          image: busybox
                          command: ["sleep", "{{SleepSeconds.ToString(CultureInfo.InvariantCulture)}}"]

            """);
        return yaml.ToString();
    }
}
