using System.Diagnostics;
using System.Text;

namespace Sluice.Cli.Tests.Processes;

/// <summary>
/// The real <c>sluice</c> program as a child process with its own <c>$SLUICE_HOME</c>, for what only a
/// separate process shows: signals, a killed owner, what a run leaves behind on the machine.
/// </summary>
internal sealed class SluiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private SluiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The program the test project's build copied next to the tests.</summary>
    public static string Program => Path.Combine(AppContext.BaseDirectory, "sluice");

    /// <summary>What it printed on stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>sluice ARGS</c> with the given home; stdin is closed, output is captured.</summary>
    public static SluiceProcess Start(string home, params string[] args)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SLUICE_HOME"] = home;
        start.Environment["NO_COLOR"] = "1";
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"could not start {Program}");
        process.StandardInput.Close();
        return new SluiceProcess(process);
    }

    /// <summary>Runs <c>sluice ARGS</c> to its end (at most two minutes) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string home, params string[] args)
    {
        using var process = Start(home, args);
        await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits until the output contains a text; fails with the output so far after the limit.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > limit || _process.HasExited)
            {
                throw new TimeoutException($"sluice did not print \"{text}\" within {limit.TotalSeconds:0} s (exited: {_process.HasExited}); output:\n{Output}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits for the process to end; kills it and fails after the limit.</summary>
    public async Task WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sluice did not exit within {limit.TotalSeconds:0} s; output:\n{Output}");
        }

        // The asynchronous readers finish after the exit; this waits for the end of both streams.
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Sends a signal the way a terminal or an operator would, with the system's kill command.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("could not start kill");
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
