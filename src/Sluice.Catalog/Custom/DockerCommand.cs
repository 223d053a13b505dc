using System.Diagnostics;
using System.Threading.Channels;

namespace Sluice.Catalog.Custom;

/// <summary>
/// Debian's Docker client, <c>/usr/bin/docker</c>, run with the process's environment and killed with its
/// children when cancelled. It builds Dockerfiles with BuildKit itself (<c>DOCKER_BUILDKIT=1</c>), which
/// the client Docker ships in <c>/usr/local/bin</c> leaves to a buildx plugin.
/// </summary>
internal static class DockerCommand
{
    /// <summary>How long docker may take to exit after its output ended too early to read.</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    /// <summary>The client's path.</summary>
    public const string Executable = "/usr/bin/docker";

    /// <summary>
    /// Runs <c>docker ARGS</c>, handing each line it prints (standard output and error, interleaved as
    /// they come) to <paramref name="line"/> one at a time; returns its exit code.
    /// </summary>
    public static async Task<int> RunAsync(IEnumerable<string> arguments, Func<string, CancellationToken, ValueTask> line, CancellationToken cancellationToken)
    {
        using var process = Start(arguments);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var pump = PumpAsync();
        try
        {
            await foreach (var text in lines.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await line(text, cancellationToken).ConfigureAwait(false);
            }

            await pump.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Cancelled, or the log refused a line: docker does not outlive the task.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return process.ExitCode;

        async Task PumpAsync()
        {
            try
            {
                await Task.WhenAll(CopyLinesAsync(process.StandardOutput, lines.Writer), CopyLinesAsync(process.StandardError, lines.Writer)).ConfigureAwait(false);
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>
    /// Runs <c>docker ARGS</c> and hands its standard output, as a stream, to <paramref name="read"/>; a
    /// failing exit is a <see cref="CatalogTaskFailure"/> with docker's message, also when it made
    /// <paramref name="read"/> fail on output that ended early.
    /// </summary>
    public static async Task<T> ReadAsync<T>(IEnumerable<string> arguments, Func<Stream, Task<T>> read, CancellationToken cancellationToken)
    {
        using var process = Start(arguments);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = process.StandardOutput.BaseStream;
        T result;
        try
        {
            result = await read(output).ConfigureAwait(false);
            await output.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            var exitCode = await ExitCodeAsync(process).ConfigureAwait(false);
            if (exitCode is null or 0)
            {
                throw;
            }

            throw Failure(arguments, exitCode.Value, await errors.ConfigureAwait(false));
        }

        return process.ExitCode == 0 ? result : throw Failure(arguments, process.ExitCode, await errors.ConfigureAwait(false));
    }

    /// <summary>The exit code of a process that should be ending, or null when it did not end in time and was killed.</summary>
    private static async Task<int?> ExitCodeAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(ExitWait);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
    }

    private static CatalogTaskFailure Failure(IEnumerable<string> arguments, int exitCode, string errors) =>
        new("DockerFailed", $"docker {string.Join(' ', arguments)} failed (exit code {exitCode}): {errors.Trim()}");

    private static Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_BUILDKIT"] = "1";
        start.Environment["BUILDKIT_PROGRESS"] = "plain";
        start.Environment["NO_COLOR"] = "1";
        try
        {
            return Process.Start(start) ?? throw new CatalogTaskFailure("DockerUnavailable", $"{Executable} could not be started; install Debian's docker.io");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CatalogTaskFailure("DockerUnavailable", $"{Executable} could not be started ({e.Message}); install Debian's docker.io, whose client builds with BuildKit without buildx");
        }
    }

    private static async Task CopyLinesAsync(StreamReader reader, ChannelWriter<string> lines)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } text)
        {
            await lines.WriteAsync(text, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
