using System.Text.Json.Nodes;
using Dapper;
using Sluice.Engine.Runs;
using Sluice.Model.Writing;

namespace Sluice.Store;

/// <summary>Cancel requests, runs whose process died, deleting and pruning.</summary>
public abstract partial class RunStore
{
    /// <summary>Asks the process running a run to cancel it; it notices within a second or two.</summary>
    public async Task RequestCancelAsync(string rootUid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cancel_requests (uid, requested_ms) VALUES (@Uid, @Now) ON CONFLICT (uid) DO NOTHING",
            new { Uid = rootUid, Now = NowMs() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Runs someone started that have not ended, with the process that runs them.</summary>
    public async Task<IReadOnlyList<UnfinishedRun>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        // Every sluice command asks this when it opens: read by hand, without Dapper's generated mapper.
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(
            connection,
            new CommandDefinition("SELECT uid, kind, name, owner FROM runs WHERE top = 1 AND completion_ms IS NULL ORDER BY seq", cancellationToken: cancellationToken),
            reader => new UnfinishedRun(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a run whose process died: the run and each of its TaskRuns still going get a <c>False</c>
    /// condition with the reason and message, a completion time, and their running steps a terminated
    /// state. Log sizes are brought up to what the files hold. Returns false when the run had already ended.
    /// </summary>
    public async Task<bool> AbandonAsync(string rootUid, string reason, string message, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var open = (await connection.QueryAsync<(string Uid, string Resource, long Top)>(new CommandDefinition(
            "SELECT uid, resource, top FROM runs WHERE root_uid = @Root AND completion_ms IS NULL", new { Root = rootUid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        if (!open.Any(r => r.Top == 1))
        {
            return false;
        }

        foreach (var (uid, resource, _) in open)
        {
            var ended = RunEnding.Fail(resource, reason, message, now);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE runs SET succeeded = 'False', reason = @Reason, message = @Message, completion_ms = @Now, resource = @Resource WHERE uid = @Uid",
                new { Reason = reason, Message = message, Now = now.ToUnixTimeMilliseconds(), Resource = JsonText.Write(ended), Uid = uid },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var logs = await connection.QueryAsync<StoredLog>(new CommandDefinition(
            "SELECT taskrun, container, path, bytes FROM logs WHERE root_uid = @Root", new { Root = rootUid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var log in logs)
        {
            var size = File.Exists(log.Path) ? new FileInfo(log.Path).Length : log.Bytes;
            if (size != log.Bytes)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE logs SET bytes = @Bytes WHERE root_uid = @Root AND taskrun = @TaskRun AND container = @Container",
                    new { Bytes = size, Root = rootUid, log.TaskRun, log.Container },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a run someone started with its TaskRuns, labels, log records and artifacts; returns whether it existed.</summary>
    public async Task<bool> DeleteAsync(string rootUid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var parameters = new { Root = rootUid };
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM run_labels WHERE uid IN (SELECT uid FROM runs WHERE root_uid = @Root)", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM logs WHERE root_uid = @Root", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM artifacts WHERE root_uid = @Root", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM cancel_requests WHERE uid = @Root", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var removed = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM runs WHERE root_uid = @Root", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    /// <summary>
    /// The ended runs someone started that a prune would remove: all but the newest <paramref name="keep"/>,
    /// and of those only the ones created before <paramref name="olderThan"/> when it is given.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> PruneCandidatesAsync(int keep, DateTimeOffset? olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {SummaryColumns} FROM runs WHERE top = 1 AND completion_ms IS NOT NULL ORDER BY seq DESC",
            cancellationToken: cancellationToken), ReadSummary, cancellationToken).ConfigureAwait(false);
        var cutoff = olderThan?.ToUnixTimeMilliseconds();
        return [.. rows.Skip(Math.Max(0, keep)).Where(r => cutoff is null || r.Created.ToUnixTimeMilliseconds() < cutoff)];
    }

    /// <summary>Steps a run's JSON through to a failed end.</summary>
    private static class RunEnding
    {
        public static JsonNode Fail(string resource, string reason, string message, DateTimeOffset now)
        {
            var json = JsonNode.Parse(resource)!;
            var time = Timestamps.Format(now);
            var status = json["status"] as JsonObject ?? [];
            json["status"] = status;
            status["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Succeeded",
                ["status"] = "False",
                ["lastTransitionTime"] = time,
                ["reason"] = reason,
                ["message"] = message,
            });
            status["startTime"] ??= json["metadata"]?["creationTimestamp"]?.DeepClone() ?? time;
            status["completionTime"] = time;
            foreach (var step in (status["steps"] as JsonArray ?? []).OfType<JsonObject>().Concat((status["sidecars"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (step["terminated"] is not null)
                {
                    continue;
                }

                var started = step["running"]?["startedAt"]?.DeepClone();
                step.Remove("running");
                step.Remove("waiting");
                step["terminated"] = new JsonObject
                {
                    ["exitCode"] = 137,
                    ["reason"] = reason,
                    ["message"] = message,
                    ["startedAt"] = started ?? time,
                    ["finishedAt"] = time,
                };
                step["terminationReason"] = reason;
            }

            return json;
        }
    }
}
