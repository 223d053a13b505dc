using System.Text;
using Dapper;

namespace Sluice.Store;

/// <summary>Reading the history back.</summary>
public abstract partial class RunStore
{
    private const string SummaryColumns = """
        seq, uid, root_uid, kind, name, namespace, pipeline_task, definition_name, definition_version,
        succeeded, reason, message, created_ms, start_ms, completion_ms, owner
        """;

    /// <summary>Runs matching a query, newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = Filter(query);
        var sql = $"SELECT {SummaryColumns} FROM runs WHERE {where} ORDER BY seq DESC LIMIT @Limit";
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Read by hand rather than through Dapper's generated mapper: sluice list is the command people
        // run most, and generating the mapper costs more than the query.
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var runs = new List<RunSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadSummary(reader));
        }

        return runs;
    }

    /// <summary>The resources (Tekton JSON) of the runs matching a query, newest first.</summary>
    public async Task<IReadOnlyList<string>> ListResourcesAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = Filter(query);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition($"SELECT resource FROM runs WHERE {where} ORDER BY seq DESC LIMIT @Limit", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>
    /// Finds a run by uid or name: a run someone started is preferred over a pipeline's TaskRun, and of
    /// several with one name the newest wins. Null when there is none.
    /// </summary>
    public async Task<RunSummary?> FindAsync(string nameOrUid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<SummaryRow>(new CommandDefinition(
            $"SELECT {SummaryColumns} FROM runs WHERE uid = @Key OR name = @Key ORDER BY CASE WHEN uid = @Key THEN 0 ELSE 1 END, top DESC, seq DESC LIMIT 1",
            new { Key = nameOrUid },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToSummary();
    }

    /// <summary>The newest run someone started, of a kind or of either kind, or null.</summary>
    public async Task<RunSummary?> LastAsync(string? kind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<SummaryRow>(new CommandDefinition(
            $"SELECT {SummaryColumns} FROM runs WHERE top = 1{(kind is null ? string.Empty : " AND kind = @Kind")} ORDER BY seq DESC LIMIT 1",
            new { Kind = kind },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToSummary();
    }

    /// <summary>Whether any run, of any kind, ever had this name.</summary>
    public async Task<bool> NameExistsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM runs WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <summary>A run with its TaskRuns, logs and artifacts, or null.</summary>
    public async Task<StoredRun?> GetAsync(string uid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<FullRow>(new CommandDefinition(
            $"SELECT {SummaryColumns}, resource, sources FROM runs WHERE uid = @Uid", new { Uid = uid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var summary = row.ToSummary();
        var children = summary.IsTopLevel
            ? await connection.QueryAsync<FullRow>(new CommandDefinition(
                $"SELECT {SummaryColumns}, resource, sources FROM runs WHERE root_uid = @Uid AND uid <> @Uid ORDER BY seq", new { Uid = uid }, cancellationToken: cancellationToken)).ConfigureAwait(false)
            : [];
        var logs = await connection.QueryAsync<StoredLog>(new CommandDefinition(
            "SELECT taskrun, container, path, bytes FROM logs WHERE root_uid = @Root ORDER BY taskrun, container", new { Root = summary.RootUid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var artifacts = await connection.QueryAsync<StoredArtifact>(new CommandDefinition(
            "SELECT taskrun, kind, name, uri, digest, source FROM artifacts WHERE root_uid = @Root ORDER BY taskrun, position", new { Root = summary.RootUid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new StoredRun
        {
            Summary = summary,
            Resource = row.Resource,
            Sources = row.Sources,
            Children = [.. children.Select(c => new StoredChild(c.ToSummary(), c.Resource))],
            Logs = [.. logs.Where(l => summary.IsTopLevel || l.TaskRun == summary.Name)],
            Artifacts = [.. artifacts.Where(a => summary.IsTopLevel || a.TaskRun == summary.Name)],
        };
    }

    private static RunSummary ReadSummary(System.Data.Common.DbDataReader reader)
    {
        string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
        long? Number(int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);
        DateTimeOffset? Time(int column) => Number(column) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        return new RunSummary
        {
            Seq = reader.GetInt64(0),
            Uid = reader.GetString(1),
            RootUid = reader.GetString(2),
            Kind = reader.GetString(3),
            Name = reader.GetString(4),
            Namespace = reader.GetString(5),
            PipelineTask = Text(6),
            DefinitionName = Text(7),
            DefinitionVersion = Number(8),
            Succeeded = reader.GetString(9),
            Reason = Text(10),
            Message = Text(11),
            Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
            Started = Time(13),
            Completed = Time(14),
            Owner = Text(15),
        };
    }

    private static (string Where, DynamicParameters Parameters) Filter(RunQuery query)
    {
        var where = new StringBuilder("kind = @Kind");
        var parameters = new DynamicParameters();
        parameters.Add("Kind", query.Kind);
        parameters.Add("Limit", (long)Math.Max(1, query.Limit));
        if (query.Kind == "PipelineRun")
        {
            where.Append(" AND top = 1");
        }

        if (query.Definition is { } definition)
        {
            where.Append(" AND definition_name = @Definition");
            parameters.Add("Definition", definition);
        }

        switch (query.Status?.ToLowerInvariant())
        {
            case null:
                break;
            case "succeeded" or "true":
                where.Append(" AND succeeded = 'True'");
                break;
            case "failed" or "false":
                where.Append(" AND succeeded = 'False'");
                break;
            case "running" or "unknown":
                where.Append(" AND succeeded = 'Unknown'");
                break;
            default:
                where.Append(" AND LOWER(reason) = @Reason");
                parameters.Add("Reason", query.Status.ToLowerInvariant());
                break;
        }

        for (var i = 0; i < query.Labels.Length; i++)
        {
            var label = query.Labels[i];
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? label : label[..equals];
            parameters.Add($"LabelKey{i}", key);
            if (equals < 0)
            {
                where.Append($" AND EXISTS (SELECT 1 FROM run_labels l WHERE l.uid = runs.uid AND l.key = @LabelKey{i})");
            }
            else
            {
                where.Append($" AND EXISTS (SELECT 1 FROM run_labels l WHERE l.uid = runs.uid AND l.key = @LabelKey{i} AND l.value = @LabelValue{i})");
                parameters.Add($"LabelValue{i}", label[(equals + 1)..]);
            }
        }

        if (query.Since is { } since)
        {
            where.Append(" AND created_ms >= @Since");
            parameters.Add("Since", since.ToUnixTimeMilliseconds());
        }

        return (where.ToString(), parameters);
    }

    /// <summary>The summary columns of a run.</summary>
    private record SummaryRow
    {
        public long Seq { get; init; }

        public string Uid { get; init; } = string.Empty;

        public string RootUid { get; init; } = string.Empty;

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

        public RunSummary ToSummary() => new()
        {
            Seq = Seq,
            Uid = Uid,
            RootUid = RootUid,
            Kind = Kind,
            Name = Name,
            Namespace = Namespace,
            PipelineTask = PipelineTask,
            DefinitionName = DefinitionName,
            DefinitionVersion = DefinitionVersion,
            Succeeded = Succeeded,
            Reason = Reason,
            Message = Message,
            Created = DateTimeOffset.FromUnixTimeMilliseconds(CreatedMs),
            Started = StartMs is { } start ? DateTimeOffset.FromUnixTimeMilliseconds(start) : null,
            Completed = CompletionMs is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
            Owner = Owner,
        };
    }

    /// <summary>A run's summary columns with its resource and sources.</summary>
    private sealed record FullRow : SummaryRow
    {
        public string Resource { get; init; } = string.Empty;

        public string? Sources { get; init; }
    }
}
