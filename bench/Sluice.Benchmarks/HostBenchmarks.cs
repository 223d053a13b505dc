using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Benchmarks;

/// <summary>
/// <c>sluice run --executor host</c> of 1,000 no-op tasks, as a fan-out and as a chain, with step logs
/// written and plain (non-TTY) output on, against spawning the identical sandboxed command line 1,000
/// times (in parallel up to the same limit, and one after another). What is left per task is the
/// engine's own time: resolution, substitution, scheduling, status, logs and output.
/// </summary>
internal static class HostBenchmarks
{
    private const int Tasks = 1_000;
    private const int Concurrency = 8;

    public static async Task<IReadOnlyList<Figure>> RunAsync(string sluice)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-bench-host-").FullName;
        try
        {
            var home = Path.Combine(directory, "home");
            using var probe = StartProbe(sluice, directory, home, out var seconds);
            var argv = await CaptureStepCommandLineAsync(seconds).ConfigureAwait(false);
            var fanOut = Write(directory, "fan-out.yaml", Pipeline("fan-out", chain: false));
            var chain = Write(directory, "chain.yaml", Pipeline("chain", chain: true));

            await Raw.SpawnAsync(argv, 50, Concurrency).ConfigureAwait(false);
            var rawFanOut = await Raw.SpawnAsync(argv, Tasks, Concurrency).ConfigureAwait(false);
            var sluiceFanOut = Run(sluice, home, directory, fanOut);
            var rawChain = await Raw.SpawnAsync(argv, Tasks, 1).ConfigureAwait(false);
            var sluiceChain = Run(sluice, home, directory, chain);
            Raw.Interrupt(probe);
            await probe.WaitForExitAsync().ConfigureAwait(false);

            return
            [
                Figure("fan-out", sluiceFanOut, rawFanOut),
                Figure("chain", sluiceChain, rawChain),
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Figure Figure(string shape, Measurement measured, TimeSpan raw)
    {
        var perTask = (measured.Wall - raw).TotalMilliseconds / Tasks;
        return new Figure(
            $"host: {Tasks:N0}-task {shape}, engine time per task beyond the spawn",
            perTask,
            "ms/task",
            1,
            $"sluice run {measured.Wall.TotalSeconds:0.00} s (logs written, output to a file) vs {Tasks:N0} raw spawns of the same bwrap command line in a new session {raw.TotalSeconds:0.00} s{(shape == "fan-out" ? $", {Concurrency} at a time" : ", one after another")}; " +
            $"sluice's own CPU {measured.Cpu.TotalMilliseconds / Tasks:0.00} ms/task");
    }

    /// <summary>
    /// Runs sluice and measures its wall time and its own CPU time (user and system, its threads only,
    /// not the steps it waits for), polled from /proc while it runs: once it has exited, only the
    /// rusage of its children, steps included, is left.
    /// </summary>
    private static Measurement Run(string sluice, string home, string directory, string file)
    {
        var output = Path.Combine(directory, Path.GetFileNameWithoutExtension(file) + ".out");
        using var log = File.Create(output);
        var info = new ProcessStartInfo(sluice) { ArgumentList = { "run", "--executor", "host", "--concurrency", $"{Concurrency}", file } };
        info.Environment["SLUICE_HOME"] = home;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {sluice}");
        var copy = Task.WhenAll(process.StandardOutput.BaseStream.CopyToAsync(log), process.StandardError.BaseStream.CopyToAsync(log));
        var ticks = 0L;
        var stat = $"/proc/{process.Id}/stat";
        while (!process.WaitForExit(TimeSpan.FromMilliseconds(10)))
        {
            try
            {
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // It exited between the wait and the read.
            }
        }

        clock.Stop();
        copy.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sluice run {file} exited {process.ExitCode}: {File.ReadAllText(output)}");
        }

        // Clock ticks are USER_HZ, 100 a second on Linux.
        return new Measurement(clock.Elapsed, TimeSpan.FromMilliseconds(ticks * 10));
    }

    /// <summary>
    /// A TaskRun whose step sleeps, so that its sandbox directories exist while the raw spawns bind them;
    /// it is interrupted, and cleans up after itself, when the measurements are done.
    /// </summary>
    private static Process StartProbe(string sluice, string directory, string home, out string seconds)
    {
        seconds = $"{Random.Shared.Next(1_000_000, 9_999_999)}";
        var file = Write(directory, "probe.yaml", $$"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: probe
            spec:
              taskSpec:
                steps:
                  - name: noop
                    image: busybox
                    command: ["sleep", "{{seconds}}"]
            """);
        var info = new ProcessStartInfo(sluice) { ArgumentList = { "run", "--executor", "host", file } };
        info.Environment["SLUICE_HOME"] = home;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var probe = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {sluice}");
        _ = probe.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = probe.StandardError.BaseStream.CopyToAsync(Stream.Null);
        return probe;
    }

    /// <summary>
    /// The exact command line the host executor started for the probe's step, read from /proc, with the
    /// step's own command replaced by <c>true</c>, started through setsid(1): the executor starts every
    /// step in a session of its own, which costs time on a busy machine with autogrouping.
    /// </summary>
    private static async Task<StepCommand> CaptureStepCommandLineAsync(string seconds)
    {
        StepCommand? found = null;
        for (var attempt = 0; attempt < 600 && found is null; attempt++)
        {
            await Task.Delay(50).ConfigureAwait(false);
            found = FindBubblewrap(seconds);
        }

        return found is null
            ? throw new InvalidOperationException("the probe step's bwrap process never appeared")
            : found with { Argv = ["/usr/bin/setsid", .. found.Argv[..^2], "true"] };
    }

    private static StepCommand? FindBubblewrap(string seconds)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var argv = File.ReadAllText(Path.Combine(process, "cmdline")).TrimEnd('\0').Split('\0');
                if (argv.Length > 2 && Path.GetFileName(argv[0]) == "bwrap" && argv[^2] == "sleep" && argv[^1] == seconds)
                {
                    var environment = File.ReadAllText(Path.Combine(process, "environ")).TrimEnd('\0').Split('\0');
                    return new StepCommand(argv, environment);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        return null;
    }

    private static string Pipeline(string name, bool chain)
    {
        var yaml = new StringBuilder($$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: bench-{{name}}-
            spec:
              pipelineSpec:
                tasks:

            """);
        for (var i = 0; i < Tasks; i++)
        {
            yaml.Append($"      - name: t{i}\n");
            if (chain && i > 0)
            {
                yaml.Append($"        runAfter: [t{i - 1}]\n");
            }

            yaml.Append("        taskSpec:\n          steps:\n            - name: noop\n              image: busybox\n              command: [\"true\"]\n");
        }

        return yaml.ToString();
    }

    private sealed record Measurement(TimeSpan Wall, TimeSpan Cpu);

    private static string Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
