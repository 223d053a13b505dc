using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Dapper;
using Sluice.Engine.Runs;
using Sluice.Model;
using Sluice.Model.Runs;
using Sluice.Model.Writing;

namespace Sluice.Store;

/// <summary>Recording runs as they happen.</summary>
public abstract partial class RunStore
{
    private const string UpsertRun = """
        INSERT INTO runs (uid, root_uid, top, kind, name, namespace, pipeline_task, definition_name, definition_version,
                          succeeded, reason, message, created_ms, start_ms, completion_ms, owner, resource)
        VALUES (@Uid, @RootUid, @Top, @Kind, @Name, @Namespace, @PipelineTask, @DefinitionName, @DefinitionVersion,
                @Succeeded, @Reason, @Message, @CreatedMs, @StartMs, @CompletionMs, @Owner, @Resource)
        ON CONFLICT (uid) DO UPDATE SET
            succeeded = excluded.succeeded, reason = excluded.reason, message = excluded.message,
            start_ms = excluded.start_ms, completion_ms = excluded.completion_ms, resource = excluded.resource,
            owner = COALESCE(excluded.owner, runs.owner),
            definition_name = COALESCE(excluded.definition_name, runs.definition_name),
            definition_version = COALESCE(excluded.definition_version, runs.definition_version)
        """;

    /// <inheritdoc />
    public ValueTask RecordAsync(RunRecord record, CancellationToken cancellationToken) => RecordAsync([record], cancellationToken);

    /// <inheritdoc />
    public async ValueTask RecordAsync(IReadOnlyCollection<RunRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.Select(r => (Record: r, Row: RunRow.From(r))).ToList();
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(UpsertRun, rows.Select(r => r.Row), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var labels = rows.SelectMany(r => r.Record.Run.Metadata.Labels.Select(l => new { r.Row.Uid, l.Key, l.Value })).ToList();
        if (labels.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO run_labels (uid, key, value) VALUES (@Uid, @Key, @Value) ON CONFLICT (uid, key) DO UPDATE SET value = excluded.value",
                labels,
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var (record, row) in rows.Where(r => !r.Record.Sources.IsDefaultOrEmpty))
        {
            var sources = JsonText.Write(new JsonArray([.. record.Sources.Select(s => (JsonNode)ResourceWriter.ToJson(s))]));
            await connection.ExecuteAsync(new CommandDefinition("UPDATE runs SET sources = @Sources WHERE uid = @Uid", new { Sources = sources, row.Uid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RecordLogAsync(LogRecord log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO logs (root_uid, taskrun, container, path, bytes) VALUES (@RootUid, @TaskRun, @Container, @Path, @Bytes)
            ON CONFLICT (root_uid, taskrun, container) DO UPDATE SET path = excluded.path, bytes = excluded.bytes
            """,
            log,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RecordArtifactsAsync(string rootUid, string runName, ImmutableArray<ArtifactRecord> artifacts, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM artifacts WHERE root_uid = @RootUid AND taskrun = @TaskRun", new { RootUid = rootUid, TaskRun = runName }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO artifacts (root_uid, taskrun, position, kind, name, uri, digest, source) VALUES (@RootUid, @TaskRun, @Position, @Kind, @Name, @Uri, @Digest, @Source)",
            artifacts.Select((a, i) => new { RootUid = rootUid, TaskRun = runName, Position = (long)i, a.Kind, a.Name, a.Uri, a.Digest, a.Source }),
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsCancelRequestedAsync(string rootUid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM cancel_requests WHERE uid = @Uid", new { Uid = rootUid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return count > 0;
    }

    /// <summary>The columns of a run, taken from its resource.</summary>
    private sealed record RunRow
    {
        public string Uid { get; init; } = string.Empty;

        public string RootUid { get; init; } = string.Empty;

        public long Top { get; init; }

        public string Kind { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public string Namespace { get; init; } = string.Empty;

        public string? PipelineTask { get; init; }

        public string? DefinitionName { get; init; }

        public long? DefinitionVersion { get; init; }

        public string Succeeded { get; init; } = "Unknown";

        public string? Reason { get; init; }

        public string? Message { get; init; }

        public long CreatedMs { get; init; }

        public long? StartMs { get; init; }

        public long? CompletionMs { get; init; }

        public string? Owner { get; init; }

        public string Resource { get; init; } = string.Empty;

        public static RunRow From(RunRecord record)
        {
            var run = record.Run;
            var metadata = run.Metadata;
            var uid = metadata.Uid ?? throw new ArgumentException("the run has no uid", nameof(record));
            var (conditions, start, completion) = run switch
            {
                PipelineRun p => (p.Status?.Conditions ?? [], p.Status?.StartTime, p.Status?.CompletionTime),
                TaskRun t => (t.Status?.Conditions ?? [], t.Status?.StartTime, t.Status?.CompletionTime),
                _ => throw new ArgumentException($"{run.Kind} is not a run", nameof(record)),
            };
            var condition = conditions.FirstOrDefault();
            return new RunRow
            {
                Uid = uid,
                RootUid = record.RootUid,
                Top = uid == record.RootUid ? 1 : 0,
                Kind = run.Kind,
                Name = metadata.Name ?? string.Empty,
                Namespace = metadata.Namespace ?? "default",
                PipelineTask = record.PipelineTask,
                DefinitionName = record.Definition?.Name ?? DefinitionOf(run),
                DefinitionVersion = record.Definition?.Version,
                Succeeded = condition?.Status ?? "Unknown",
                Reason = condition?.Reason ?? (completion is null ? "Started" : null),
                Message = condition?.Message,
                CreatedMs = Milliseconds(metadata.CreationTimestamp) ?? Milliseconds(start) ?? 0,
                StartMs = Milliseconds(start),
                CompletionMs = Milliseconds(completion),
                Owner = record.Owner,
                Resource = JsonText.Write(run),
            };
        }

        private static string? DefinitionOf(IResource run) => run switch
        {
            PipelineRun p => p.Spec.PipelineRef?.Name ?? p.Metadata.Labels.GetValueOrDefault("tekton.dev/pipeline"),
            TaskRun t => t.Spec.TaskRef?.Name ?? t.Metadata.Labels.GetValueOrDefault("tekton.dev/task"),
            _ => null,
        };

        private static long? Milliseconds(string? time) => Timestamps.Parse(time)?.ToUnixTimeMilliseconds();
    }
}
