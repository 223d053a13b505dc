using System.Diagnostics;
using System.Globalization;

namespace Sluice.Benchmarks.BadInput;

/// <summary>
/// One <c>sluice validate FILE</c> under GNU time, which reports the child's peak resident set size
/// (what /proc cannot give once the process is gone).
/// </summary>
internal sealed class ValidateProcess(string sluice, string workDirectory)
{
    public const string GnuTime = "/usr/bin/time";

    public async Task<(int ExitCode, double Seconds, double PeakMegabytes)> RunAsync(string file)
    {
        var report = Path.Combine(workDirectory, "time.txt");
        var start = new ProcessStartInfo(GnuTime)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-f", "%e %M", "-o", report, sluice, "validate", "--no-color", file })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {GnuTime}");
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync();
        stopwatch.Stop();
        await drain;

        // GNU time prints "Command exited with non-zero status N" before the format line when the command fails.
        var fields = (await File.ReadAllLinesAsync(report)).Last(l => l.Length > 0).Split(' ');
        var kilobytes = double.Parse(fields[1], CultureInfo.InvariantCulture);
        return (process.ExitCode, stopwatch.Elapsed.TotalSeconds, kilobytes / 1024);
    }
}
