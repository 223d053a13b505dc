using System.Collections.Immutable;

namespace Sluice.Sdk.Containers;

/// <summary>
/// What evaluates the op graph of an SDK program: the embedded engine (<c>Sluice.Hosting</c>) or a
/// connection to a server. Each op is evaluated at most once per engine, however many values depend on
/// it, and independent ops are evaluated concurrently.
/// </summary>
public interface IContainerEngine : IAsyncDisposable
{
    /// <summary>The identity of a value (see <see cref="OpKeys"/>); reads host directories, runs nothing.</summary>
    Task<string> KeyAsync(Op op, CancellationToken cancellationToken);

    /// <summary>Evaluates a container: every op it depends on that has not run yet runs.</summary>
    /// <exception cref="ExecFailedException">An exec it depends on exited with a code other than 0.</exception>
    Task<ContainerSnapshot> EvaluateAsync(ContainerOp container, CancellationToken cancellationToken);

    /// <summary>Writes a directory's files under <paramref name="hostPath"/> on this machine, creating it when missing.</summary>
    Task ExportAsync(DirectoryOp directory, string hostPath, CancellationToken cancellationToken);

    /// <summary>The contents of a file of a container.</summary>
    Task<byte[]> ReadFileAsync(ContainerFileOp file, CancellationToken cancellationToken);

    /// <summary>
    /// Pushes containers to a registry: one as an image manifest, several (one per platform) as an image
    /// index. Points the address's tag at it when the address has one. Never cached.
    /// </summary>
    /// <returns>The pushed manifest or index as <c>registry/repository@digest</c>.</returns>
    Task<string> PublishAsync(string address, ImmutableArray<ContainerOp> containers, CancellationToken cancellationToken);
}

/// <summary>An evaluated container.</summary>
public sealed record ContainerSnapshot
{
    /// <summary>The identity of the container's op.</summary>
    public required string Key { get; init; }

    /// <summary>The engine's id of the root filesystem (on Docker, an image id); empty for an empty container.</summary>
    public required string SnapshotId { get; init; }

    /// <summary>The last exec that produced this container, or null when there was none since the image.</summary>
    public ExecOutput? LastExec { get; init; }
}

/// <summary>What an exec printed and how it ended.</summary>
public sealed record ExecOutput
{
    /// <summary>The program and its arguments.</summary>
    public required ImmutableArray<string> Args { get; init; }

    /// <summary>The exit code.</summary>
    public required int ExitCode { get; init; }

    /// <summary>The standard output, as UTF-8.</summary>
    public required string Stdout { get; init; }

    /// <summary>The standard error, as UTF-8.</summary>
    public required string Stderr { get; init; }
}
