using System.Data.Common;
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
        return await ReadRowsAsync(connection, new CommandDefinition(sql, parameters, cancellationToken: cancellationToken), ReadSummary, cancellationToken).ConfigureAwait(false);
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
        var rows = await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {SummaryColumns} FROM runs WHERE uid = @Key OR name = @Key ORDER BY CASE WHEN uid = @Key THEN 0 ELSE 1 END, top DESC, seq DESC LIMIT 1",
            new { Key = nameOrUid },
            cancellationToken: cancellationToken), ReadSummary, cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    /// <summary>The newest run someone started, of a kind or of either kind, or null.</summary>
    public async Task<RunSummary?> LastAsync(string? kind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {SummaryColumns} FROM runs WHERE top = 1{(kind is null ? string.Empty : " AND kind = @Kind")} ORDER BY seq DESC LIMIT 1",
            new { Kind = kind },
            cancellationToken: cancellationToken), ReadSummary, cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault();
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
        var rows = await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {SummaryColumns}, resource, sources FROM runs WHERE uid = @Uid", new { Uid = uid }, cancellationToken: cancellationToken), ReadFull, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var row = rows[0];
        var summary = row.Summary;
        var children = summary.IsTopLevel
            ? await ReadRowsAsync(connection, new CommandDefinition(
                $"SELECT {SummaryColumns}, resource, sources FROM runs WHERE root_uid = @Uid AND uid <> @Uid ORDER BY seq", new { Uid = uid }, cancellationToken: cancellationToken), ReadFull, cancellationToken).ConfigureAwait(false)
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
            Children = [.. children.Select(c => new StoredChild(c.Summary, c.Resource))],
            Logs = [.. logs.Where(l => summary.IsTopLevel || l.TaskRun == summary.Name)],
            Artifacts = [.. artifacts.Where(a => summary.IsTopLevel || a.TaskRun == summary.Name)],
        };
    }

    /// <summary>
    /// Runs a query and reads its rows by hand rather than through Dapper's generated mapper: sluice list
    /// is the command people run most, and generating the mapper cost more than the query.
    /// </summary>
    private static async Task<List<T>> ReadRowsAsync<T>(DbConnection connection, CommandDefinition command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(command).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The summary columns followed by <c>resource</c> and <c>sources</c>.</summary>
    private static FullRow ReadFull(DbDataReader reader) =>
        new(ReadSummary(reader), reader.GetString(16), reader.IsDBNull(17) ? null : reader.GetString(17));

    /// <summary>The <see cref="SummaryColumns"/> of a row, in their order.</summary>
    private static RunSummary ReadSummary(DbDataReader reader)
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

    /// <summary>A run's summary with its resource and sources.</summary>
    private sealed record FullRow(RunSummary Summary, string Resource, string? Sources);
}
