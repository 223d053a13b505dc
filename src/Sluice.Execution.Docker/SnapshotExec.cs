using System.Collections.Immutable;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker;

/// <summary>A process to run on an image's filesystem, whose result is committed as a new image.</summary>
public sealed record SnapshotExec
{
    /// <summary>The uid of the run the container belongs to; the reaper finds it by this label.</summary>
    public required string RunUid { get; init; }

    /// <summary>The image id (<c>sha256:…</c>) of the filesystem to run on.</summary>
    public required string ImageId { get; init; }

    /// <summary>The program and its arguments; the image's entrypoint is not used.</summary>
    public required ImmutableArray<string> Argv { get; init; }

    /// <summary>Environment variables, over the image's.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>The working directory, or null for the image's.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Persistent cache volumes to mount.</summary>
    public ImmutableArray<SnapshotCacheMount> Caches { get; init; } = [];

    /// <summary>The network the process sees.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Bridge;

    /// <summary>
    /// Environment variables that reach the process alone, over <see cref="Env"/>: they are never in the
    /// container's configuration, so the committed image does not hold them.
    /// </summary>
    public ImmutableArray<KeyValuePair<string, string>> SecretEnv { get; init; } = [];

    /// <summary>Files mounted read-only from outside the container's filesystem, so the committed image does not hold them.</summary>
    public ImmutableArray<SnapshotSecretFile> SecretFiles { get; init; } = [];
}

/// <summary>A secret file of a snapshot exec.</summary>
/// <param name="Path">The absolute path in the container.</param>
/// <param name="Content">The file's bytes.</param>
public sealed record SnapshotSecretFile(string Path, ReadOnlyMemory<byte> Content)
{
    /// <inheritdoc />
    public override string ToString() => $"secret file {Path}";
}

/// <summary>A persistent cache volume mounted into a snapshot exec.</summary>
/// <param name="Volume">The volume's key; the Docker volume is <c>sluice-cache-&lt;key&gt;</c>.</param>
/// <param name="Path">Where it is mounted.</param>
public sealed record SnapshotCacheMount(string Volume, string Path);

/// <summary>How a snapshot exec ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="ImageId">The committed image when the exit code is 0; empty otherwise.</param>
/// <param name="Stdout">The standard output.</param>
/// <param name="Stderr">The standard error.</param>
public sealed record SnapshotExecResult(int ExitCode, string ImageId, byte[] Stdout, byte[] Stderr);
