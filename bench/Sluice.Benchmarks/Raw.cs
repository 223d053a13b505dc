using System.Diagnostics;

namespace Sluice.Benchmarks;

/// <summary>The raw work benchmarks compare with: plain process runs, timed in the same run.</summary>
internal static partial class Raw
{
    /// <summary>Runs a program to completion and returns how long it took; throws when it fails.</summary>
    public static TimeSpan Time(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Complete(info).Elapsed;
    }

    /// <summary>Runs a process to completion with its output read; returns how long it took and what it printed, or throws when it fails.</summary>
    public static (TimeSpan Elapsed, string Stdout, string Stderr) Complete(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }

        return (clock.Elapsed, stdout.Result, stderr.Result);
    }

    /// <summary>The median of several measurements.</summary>
    public static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>
    /// Spawns a command line <paramref name="count"/> times, at most <paramref name="parallel"/> at once,
    /// with exactly the given environment and its output read and dropped; returns the wall time.
    /// </summary>
    public static async Task<TimeSpan> SpawnAsync(StepCommand command, int count, int parallel)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (_, cancellationToken) =>
        {
            var info = new ProcessStartInfo(command.Argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in command.Argv.Skip(1))
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment.Clear();
            foreach (var variable in command.Environment)
            {
                var equals = variable.IndexOf('=', StringComparison.Ordinal);
                info.Environment[variable[..equals]] = variable[(equals + 1)..];
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command.Argv[0]}");
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await Task.WhenAll(
                process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken),
                error,
                process.WaitForExitAsync(cancellationToken)).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{string.Join(' ', command.Argv)} exited {process.ExitCode}: {await error.ConfigureAwait(false)}");
            }
        }).ConfigureAwait(false);
        return clock.Elapsed;
    }

    /// <summary>Runs sluice with a home of its own and its output (not a terminal) written to a file; returns its exit code.</summary>
    public static int Run(string sluice, string home, string outputFile, params string[] arguments)
    {
        using var output = File.Create(outputFile);
        var info = new ProcessStartInfo(sluice) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["SLUICE_HOME"] = home;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {sluice}");
        var copy = Task.WhenAll(process.StandardOutput.BaseStream.CopyToAsync(output), process.StandardError.BaseStream.CopyToAsync(output));
        process.WaitForExit();
        copy.GetAwaiter().GetResult();
        return process.ExitCode;
    }
}

/// <summary>Signals for child processes.</summary>
internal static partial class Raw
{
    /// <summary>Sends SIGINT, as Ctrl-C in a terminal would.</summary>
    public static void Interrupt(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("cannot start kill");
        kill.WaitForExit();
    }
}

/// <summary>A process's command line and environment, as /proc shows them.</summary>
/// <param name="Argv">The program and its arguments.</param>
/// <param name="Environment">NAME=VALUE entries.</param>
internal sealed record StepCommand(string[] Argv, string[] Environment);
