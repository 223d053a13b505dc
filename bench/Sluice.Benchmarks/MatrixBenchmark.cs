using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Benchmarks;

/// <summary>
/// <c>sluice run --executor host</c> of one pipeline task whose matrix fans out to 50 TaskRuns of a step
/// that sleeps 0.2 s, at a concurrency limit of 8. The bound is 1.3 × 0.2 s × ⌈50 / 8⌉: the matrix may take
/// 30% more than the sleeping itself. The figure is the PipelineRun's time as seen from outside: from the
/// line saying it started to the line saying it succeeded, read live from sluice's output; the whole
/// process (its start, reading and validating the file, and its exit) is reported beside it. Beside both
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
            Run(sluice, home, file);
            var raw = await Raw.SpawnAsync(sleep, Combinations, Concurrency).ConfigureAwait(false);
            var (run, wall) = Run(sluice, home, file);

            var waves = (int)Math.Ceiling(Combinations / (double)Concurrency);
            var ideal = SleepSeconds * waves;
            var bound = Slack * ideal;
            if (run.TotalSeconds < ideal)
            {
                throw new InvalidOperationException($"the PipelineRun took {run.TotalSeconds:0.00} s, less than the {ideal:0.00} s of sleeping: sluice's output came buffered, so its lines cannot time the run");
            }

            return new Figure(
                $"host: matrix of {Combinations} × sleep {SleepSeconds} s, {Concurrency} at a time, PipelineRun time",
                run.TotalSeconds,
                "s",
                bound,
                string.Create(CultureInfo.InvariantCulture,
                    $"bound {Slack} × {SleepSeconds} s × ⌈{Combinations}/{Concurrency}⌉ = {bound:0.00} s; the PipelineRun {run.TotalSeconds:0.00} s from started to succeeded, " +
                    $"{run.TotalSeconds / ideal:0.00}× the {ideal:0.00} s of sleeping; the whole sluice process {wall.TotalSeconds:0.00} s; raw work in this run: {Combinations} spawns of sleep {SleepSeconds}, {Concurrency} at a time, " +
                    $"{raw.TotalSeconds:0.00} s, so the PipelineRun takes {run.TotalSeconds / raw.TotalSeconds:0.00}× the raw work"));
        }

        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs sluice, timing its output lines as they come: the PipelineRun's time and the whole process's.</summary>
    private static (TimeSpan Run, TimeSpan Wall) Run(string sluice, string home, string file)
    {
        var info = new ProcessStartInfo(sluice) { ArgumentList = { "run", "--executor", "host", "--concurrency", $"{Concurrency}", file }, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["SLUICE_HOME"] = home;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {sluice}");
        var errors = process.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        TimeSpan? started = null, succeeded = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            var now = clock.Elapsed;
            output.AppendLine(line);
            if (line.StartsWith("PipelineRun ", StringComparison.Ordinal))
            {
                if (line.EndsWith(" started", StringComparison.Ordinal))
                {
                    started ??= now;
                }
                else if (line.Contains(" Succeeded in ", StringComparison.Ordinal))
                {
                    succeeded = now;
                }
            }
        }

        process.WaitForExit();
        var wall = clock.Elapsed;
        return process.ExitCode == 0 && started is { } from && succeeded is { } to
            ? (to - from, wall)
            : throw new InvalidOperationException($"sluice run {file} exited {process.ExitCode} without the started and succeeded lines: {output}{errors.GetAwaiter().GetResult()}");
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
