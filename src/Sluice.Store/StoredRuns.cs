using System.Collections.Immutable;

namespace Sluice.Store;

/// <summary>One row of <c>sluice list</c>: a run's identity, outcome and times, without its full resource.</summary>
public sealed record RunSummary
{
    /// <summary>The store's sequence number: increasing, never reused.</summary>
    public long Seq { get; init; }

    /// <summary>The run's uid.</summary>
    public string Uid { get; init; } = string.Empty;

    /// <summary>The uid of the run that was started (itself for a top-level run).</summary>
    public string RootUid { get; init; } = string.Empty;

    /// <summary><c>PipelineRun</c> or <c>TaskRun</c>.</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>The run's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The pipeline task a child TaskRun runs.</summary>
    public string? PipelineTask { get; init; }

    /// <summary>The Pipeline or Task it runs, by name, when it has one.</summary>
    public string? DefinitionName { get; init; }

    /// <summary>The stored version of that definition when started with <c>sluice start</c>.</summary>
    public long? DefinitionVersion { get; init; }

    /// <summary>The <c>Succeeded</c> condition's status: <c>Unknown</c>, <c>True</c> or <c>False</c>.</summary>
    public string Succeeded { get; init; } = "Unknown";

    /// <summary>Tekton's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>The condition's message.</summary>
    public string? Message { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? Completed { get; init; }

    /// <summary>The owner id of the process that ran it.</summary>
    public string? Owner { get; init; }

    /// <summary>Whether it is a run someone started, rather than a pipeline's TaskRun.</summary>
    public bool IsTopLevel => Uid == RootUid;
}

/// <summary>What <c>sluice list</c> asks for.</summary>
public sealed record RunQuery
{
    /// <summary><c>PipelineRun</c> or <c>TaskRun</c>.</summary>
    public string Kind { get; init; } = "PipelineRun";

    /// <summary>Only runs of this Pipeline (or Task, for TaskRuns).</summary>
    public string? Definition { get; init; }

    /// <summary>
    /// Only runs in this state: <c>succeeded</c>, <c>failed</c>, <c>running</c>, or a Tekton reason such as
    /// <c>Cancelled</c> (case-insensitive).
    /// </summary>
    public string? Status { get; init; }

    /// <summary>Only runs with all these labels (<c>key</c> or <c>key=value</c>).</summary>
    public ImmutableArray<string> Labels { get; init; } = [];

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>A run with everything recorded of it.</summary>
public sealed record StoredRun
{
    /// <summary>The run's row.</summary>
    public required RunSummary Summary { get; init; }

    /// <summary>The resource in Tekton's JSON, with its status.</summary>
    public required string Resource { get; init; }

    /// <summary>The definitions it used, as a JSON array of resources, or null.</summary>
    public string? Sources { get; init; }

    /// <summary>Its TaskRuns (for a PipelineRun), in the order they were created.</summary>
    public ImmutableArray<StoredChild> Children { get; init; } = [];

    /// <summary>The step and sidecar logs of the run and its TaskRuns.</summary>
    public ImmutableArray<StoredLog> Logs { get; init; } = [];

    /// <summary>What it produced.</summary>
    public ImmutableArray<StoredArtifact> Artifacts { get; init; } = [];
}

/// <summary>A TaskRun of a PipelineRun.</summary>
/// <param name="Summary">Its row.</param>
/// <param name="Resource">Its resource in Tekton's JSON.</param>
public sealed record StoredChild(RunSummary Summary, string Resource);

/// <summary>Where one container's log is.</summary>
/// <param name="TaskRun">The TaskRun.</param>
/// <param name="Container">The container, such as <c>step-build</c>.</param>
/// <param name="Path">The file.</param>
/// <param name="Bytes">Its size when last recorded.</param>
public sealed record StoredLog(string TaskRun, string Container, string Path, long Bytes);

/// <summary>An artifact a run produced.</summary>
/// <param name="TaskRun">The TaskRun (or run) that produced it.</param>
/// <param name="Kind"><c>image</c> or <c>artifact</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Uri">Where it was published.</param>
/// <param name="Digest">Its digest.</param>
/// <param name="Source">The result it was recognised from.</param>
public sealed record StoredArtifact(string TaskRun, string Kind, string Name, string? Uri, string? Digest, string? Source);

/// <summary>A stored Task or Pipeline at one version.</summary>
/// <param name="Kind"><c>Task</c> or <c>Pipeline</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version, from 1.</param>
/// <param name="Digest">The SHA-256 of its JSON.</param>
/// <param name="Resource">The resource in Tekton's JSON.</param>
/// <param name="Applied">When this version was stored.</param>
public sealed record StoredDefinition(string Kind, string Name, long Version, string Digest, string Resource, DateTimeOffset Applied);

/// <summary>A run whose process may have died before it ended.</summary>
/// <param name="Uid">The started run.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Name">Its name.</param>
/// <param name="Owner">The owner id of the process that ran it.</param>
public sealed record UnfinishedRun(string Uid, string Kind, string Name, string? Owner);
