using System.Collections.Immutable;

namespace Sluice.Engine.Execution;

/// <summary>A container (step or sidecar) as the engine has decided it: nothing left to substitute.</summary>
public sealed record ContainerSpec
{
    /// <summary>The container's name in the sandbox: <c>step-&lt;name&gt;</c> or <c>sidecar-&lt;name&gt;</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The image.</summary>
    public ResolvedImage Image { get; init; } = new();

    /// <summary>The full argv: the engine has applied Tekton's entrypoint rules already.</summary>
    public ImmutableArray<string> Argv { get; init; } = [];

    /// <summary>Environment variables, in order.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>The working directory, or null for the image's.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The user as <c>uid</c> or <c>uid:gid</c>, or null for the image's.</summary>
    public string? User { get; init; }

    /// <summary>Run privileged.</summary>
    public bool Privileged { get; init; }

    /// <summary>Read-only root filesystem.</summary>
    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Capabilities to add.</summary>
    public ImmutableArray<string> CapAdd { get; init; } = [];

    /// <summary>Capabilities to drop.</summary>
    public ImmutableArray<string> CapDrop { get; init; } = [];

    /// <summary>Volume mounts, in order; later mounts may nest inside earlier ones.</summary>
    public ImmutableArray<Mount> Mounts { get; init; } = [];

    /// <summary>CPU limit in nano-CPUs, or null.</summary>
    public long? NanoCpus { get; init; }

    /// <summary>Memory limit in bytes, or null.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>
    /// Files and directories placed in the container after it is created and before it starts, owned by
    /// the user it runs as, in order (a directory before what it holds). Tekton's entrypoint writes the
    /// credentials of <c>/tekton/creds</c> and <c>$HOME</c> this way, as the step's user. Files the user
    /// could not create are left out, as Tekton's copy into the home directory only logs its failure:
    /// those that would land on a read-only root filesystem, and home files of a non-root user whose home is <c>/</c>.
    /// </summary>
    public ImmutableArray<ContainerFile> Files { get; init; } = [];
}

/// <summary>A file or directory placed in a container before it starts.</summary>
/// <param name="Path">
/// An absolute path, or a path relative to the home directory of the user the container runs as: its
/// <c>HOME</c> variable when set, else the home in its passwd entry, else <c>/</c> (as the runtime sets HOME).
/// </param>
/// <param name="Content">The file's bytes, or null for a directory.</param>
/// <param name="Mode">The permission bits, such as 0600.</param>
public sealed record ContainerFile(string Path, byte[]? Content, int Mode)
{
    /// <summary>Whether it is a directory.</summary>
    public bool IsDirectory => Content is null;
}

/// <summary>A volume mounted into a container.</summary>
/// <param name="Volume">The sandbox volume's name.</param>
/// <param name="ContainerPath">Where it appears.</param>
/// <param name="SubPath">A directory (or file) inside the volume to mount instead of its root.</param>
/// <param name="ReadOnly">Whether the mount is read-only.</param>
public sealed record Mount(string Volume, string ContainerPath, string? SubPath = null, bool ReadOnly = false);
