using System.Collections.Immutable;
using Sluice.Model;

namespace Sluice.Engine.Runs;

/// <summary>
/// Where runs are recorded as they happen: each PipelineRun and TaskRun with its status, where each
/// step's log is, and what the run produced. Implemented by the run history (SQLite or PostgreSQL).
/// </summary>
public interface IRunStore
{
    /// <summary>Records a run as it is now, inserting it or replacing what was recorded of it.</summary>
    ValueTask RecordAsync(RunRecord record, CancellationToken cancellationToken);

    /// <summary>Records several runs as they are now in one write: all of them, or none when it fails.</summary>
    ValueTask RecordAsync(IReadOnlyCollection<RunRecord> records, CancellationToken cancellationToken);

    /// <summary>Records where one container's log is and how many bytes it holds so far.</summary>
    ValueTask RecordLogAsync(LogRecord log, CancellationToken cancellationToken);

    /// <summary>Replaces the artifacts recorded for one TaskRun (or the run itself) of a run.</summary>
    ValueTask RecordArtifactsAsync(string rootUid, string runName, ImmutableArray<ArtifactRecord> artifacts, CancellationToken cancellationToken);

    /// <summary>Whether someone (<c>sluice cancel</c>, from any process) asked for the run to be cancelled.</summary>
    ValueTask<bool> IsCancelRequestedAsync(string rootUid, CancellationToken cancellationToken);
}

/// <summary>One run (a PipelineRun, or a TaskRun alone or in a pipeline) as it is at one moment.</summary>
public sealed record RunRecord
{
    /// <summary>The uid of the run that was started: the PipelineRun, or the TaskRun run alone.</summary>
    public required string RootUid { get; init; }

    /// <summary>The run, with its status so far (null before it started).</summary>
    public required IResource Run { get; init; }

    /// <summary>The pipeline task a child TaskRun runs.</summary>
    public string? PipelineTask { get; init; }

    /// <summary>The owner id of the process running it (host/pid/start), so a run whose process died can be told apart.</summary>
    public string? Owner { get; init; }

    /// <summary>The Task, Pipeline and StepAction definitions the run used, as they were; recorded for the started run only.</summary>
    public ImmutableArray<IResource> Sources { get; init; } = [];

    /// <summary>The stored definition the run was started from (<c>sluice start</c>), or null.</summary>
    public DefinitionVersion? Definition { get; init; }
}

/// <summary>A stored Task or Pipeline definition at one version.</summary>
/// <param name="Kind"><c>Task</c> or <c>Pipeline</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Version">Its version, from 1.</param>
public sealed record DefinitionVersion(string Kind, string Name, int Version);

/// <summary>Where one container's log is.</summary>
/// <param name="RootUid">The started run.</param>
/// <param name="TaskRun">The TaskRun.</param>
/// <param name="Container">The container, such as <c>step-build</c>.</param>
/// <param name="Path">The log file.</param>
/// <param name="Bytes">How many bytes it holds.</param>
public sealed record LogRecord(string RootUid, string TaskRun, string Container, string Path, long Bytes);

/// <summary>Something a run produced: an image, a file, a chart, with its digest and where it went.</summary>
public sealed record ArtifactRecord
{
    /// <summary><c>image</c> or <c>artifact</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The name: the result prefix (<c>IMAGE</c>, <c>APP_IMAGE</c>) or the artifact's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where it was published, such as <c>registry.local/app</c> or a URL.</summary>
    public string? Uri { get; init; }

    /// <summary>Its digest, such as <c>sha256:...</c>.</summary>
    public string? Digest { get; init; }

    /// <summary>The result or status field it was recognised from.</summary>
    public string? Source { get; init; }
}
