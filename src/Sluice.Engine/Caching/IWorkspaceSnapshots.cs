using Sluice.Engine.Execution;
using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>Where a cached path is: a workspace's volume, as the TaskRun binds it, and a path inside it.</summary>
public sealed record WorkspaceLocation
{
    /// <summary>The uid of the top-level run, which run-scoped claims belong to.</summary>
    public required string RunUid { get; init; }

    /// <summary>The namespace, which named claims belong to.</summary>
    public required string Namespace { get; init; }

    /// <summary>What backs the workspace: a claim or a host directory (other volumes do not outlive a TaskRun).</summary>
    public required VolumeSource Volume { get; init; }

    /// <summary>The binding's subPath, when it has one.</summary>
    public string? SubPath { get; init; }

    /// <summary>The path inside the workspace, <c>/</c>-separated; empty for the whole workspace.</summary>
    public required string Path { get; init; }
}

/// <summary>
/// Reads and writes the workspace paths of cached TaskRuns: digests of inputs, outputs stored as
/// layers in the blob store and restored from them. The composition root implements it over the
/// directories the backends give volumes; the engine does no file I/O of its own.
/// </summary>
public interface IWorkspaceSnapshots
{
    /// <summary>The content digest of a path (a directory's tree or one file); a missing path digests as an empty tree.</summary>
    Task<Digest> DigestAsync(WorkspaceLocation location, CancellationToken cancellationToken);

    /// <summary>Stores a path's content as a reproducible layer in the blob store and returns its descriptor.</summary>
    Task<Descriptor> SaveAsync(WorkspaceLocation location, CancellationToken cancellationToken);

    /// <summary>Replaces a path's content with a layer <see cref="SaveAsync"/> stored (an empty layer removes the path).</summary>
    Task RestoreAsync(WorkspaceLocation location, Descriptor snapshot, CancellationToken cancellationToken);
}

/// <summary>What caching TaskRuns needs: the index of entries and the workspace paths' snapshots.</summary>
/// <param name="Index">The cache index.</param>
/// <param name="Workspaces">Digests, stores and restores workspace paths.</param>
/// <param name="Trees">Digests the directories custom tasks read (<see cref="CustomTasks.ICustomTaskCache"/>); without it they remember nothing.</param>
public sealed record TaskRunCaching(ICacheIndex Index, IWorkspaceSnapshots Workspaces, ITreeDigester? Trees = null);
