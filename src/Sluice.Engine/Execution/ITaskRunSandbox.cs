namespace Sluice.Engine.Execution;

/// <summary>
/// A TaskRun's sandbox, and the file API the engine uses on its volumes (scripts, exit codes,
/// results) so that it never reaches into host paths.
/// </summary>
public interface ITaskRunSandbox
{
    /// <summary>The spec it was created from.</summary>
    SandboxSpec Spec { get; }

    /// <summary>An id for messages and status (Tekton's pod name).</summary>
    string Id { get; }

    /// <summary>The sidecars' containers, for their logs and states.</summary>
    IReadOnlyList<IStepProcess> Sidecars { get; }

    /// <summary>Writes a file into a volume, creating parent directories.</summary>
    ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken);

    /// <summary>Reads a file of a volume, or null when it does not exist. Reads at most <paramref name="maxBytes"/>.</summary>
    ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Creates a directory (and its parents) in a volume with the given mode.</summary>
    ValueTask CreateDirectoryAsync(string volume, string path, int mode, CancellationToken cancellationToken);

    /// <summary>Creates a symbolic link in a volume.</summary>
    ValueTask CreateSymlinkAsync(string volume, string path, string target, CancellationToken cancellationToken);

    /// <summary>
    /// The directory on this machine that holds a volume, for the custom tasks the engine runs in its own
    /// process; null when the backend keeps it elsewhere.
    /// </summary>
    string? LocalDirectory(string volume) => null;

    /// <summary>Lists the file names directly in a directory of a volume; empty when it does not exist.</summary>
    ValueTask<IReadOnlyList<string>> ListFilesAsync(string volume, string path, CancellationToken cancellationToken);
}
