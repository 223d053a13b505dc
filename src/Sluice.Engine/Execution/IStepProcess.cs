namespace Sluice.Engine.Execution;

/// <summary>A created step (or sidecar) process.</summary>
public interface IStepProcess : IAsyncDisposable
{
    /// <summary>The container's name, <c>step-&lt;name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>Starts it; output is captured from the first byte.</summary>
    ValueTask StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The output, in order, until the process ends. May be enumerated once. A chunk's bytes are the
    /// reader's until it asks for the next chunk: a reader that keeps them longer copies them.
    /// </summary>
    IAsyncEnumerable<OutputChunk> TailAsync(CancellationToken cancellationToken);

    /// <summary>Waits for the process to end.</summary>
    ValueTask<ProcessExit> WaitAsync(CancellationToken cancellationToken);

    /// <summary>Kills it at once (SIGKILL); used for cancellation and timeouts. Safe to call more than once.</summary>
    ValueTask KillAsync(CancellationToken cancellationToken);
}

/// <summary>Which output stream a chunk came from.</summary>
public enum OutputStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>A piece of a process's output.</summary>
/// <param name="Stream">Which stream.</param>
/// <param name="Data">The bytes, valid until the reader moves to the next chunk (see <see cref="IStepProcess.TailAsync"/>).</param>
public readonly record struct OutputChunk(OutputStream Stream, ReadOnlyMemory<byte> Data)
{
    /// <summary>Whether <see cref="Data"/> is a whole array lent by <see cref="OutputBuffers"/>, to go back when the reader moves on.</summary>
    internal bool Lent { get; init; }
}

/// <summary>How a process ended.</summary>
/// <param name="ExitCode">The exit code (128 + signal when killed by one).</param>
/// <param name="OomKilled">Whether it was killed for exceeding its memory limit.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
public sealed record ProcessExit(int ExitCode, bool OomKilled, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
