using System.Diagnostics;

namespace Sluice.Testing;

/// <summary>What a finished process printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a program to its end within a time limit, killing it and its children when the limit or the token ends it.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/> with arguments, an optional working directory and extra environment variables.</summary>
    public static async Task<ProcessResult> RunAsync(
        string program,
        IEnumerable<string> args,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? stdoutLine = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var stdout = stdoutLine is null ? process.StandardOutput.ReadToEndAsync(limit.Token) : ReadLinesAsync(process.StandardOutput, stdoutLine, limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Reads a stream to its end, handing each line to <paramref name="line"/> as it comes.</summary>
    private static async Task<string> ReadLinesAsync(StreamReader reader, Action<string> line, CancellationToken cancellationToken)
    {
        var all = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } next)
        {
            line(next);
            all.Append(next).Append('\n');
        }

        return all.ToString();
    }

    /// <summary>Runs a program and returns its stdout, or throws with its stderr when it exits with another code than 0.</summary>
    public static async Task<string> OutputAsync(string program, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunAsync(program, args, timeout, cancellationToken);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
    }
}
