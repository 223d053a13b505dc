using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Store;

/// <summary>
/// The cache index's rows: entries by key with their results, output descriptors, size and times.
/// Verification against the blob store, leases and pruning policy are <see cref="Caching.CacheIndex"/>'s.
/// </summary>
public abstract partial class RunStore
{
    private const string CacheColumns = "key, results, outputs, size, created_ms, last_used_ms, source_run, source_taskrun";

    /// <summary>Stores an entry, replacing one with the same key.</summary>
    public async Task PutCacheEntryAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var key = entry.Key.ToString();
        await DeleteCacheRowsAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO cache_entries ({CacheColumns}) VALUES (@Key, @Results, @Outputs, @Size, @Created, @LastUsed, @SourceRun, @SourceTaskRun)",
            new
            {
                Key = key,
                Results = JsonSerializer.Serialize(entry.Result.Results, OciJson.Options),
                Outputs = JsonSerializer.Serialize(entry.Result.Outputs, OciJson.Options),
                entry.Size,
                Created = entry.Created.ToUnixTimeMilliseconds(),
                LastUsed = entry.LastUsed.ToUnixTimeMilliseconds(),
                entry.Result.SourceRun,
                entry.Result.SourceTaskRun,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var digest in entry.Result.Outputs.Select(o => o.Digest.ToString()).Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO cache_blobs (key, digest) VALUES (@Key, @Digest)", new { Key = key, Digest = digest }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The entry with a key, unverified, or null.</summary>
    public async Task<CacheEntry?> GetCacheEntryAsync(Digest key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {CacheColumns} FROM cache_entries WHERE key = @Key", new { Key = key.ToString() }, cancellationToken: cancellationToken), ReadCacheEntry, cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    /// <summary>Every entry, most recently used first.</summary>
    public async Task<IReadOnlyList<CacheEntry>> ListCacheEntriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(connection, new CommandDefinition(
            $"SELECT {CacheColumns} FROM cache_entries ORDER BY last_used_ms DESC, key", cancellationToken: cancellationToken), ReadCacheEntry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a use of an entry (a hit), for least-recently-used pruning.</summary>
    public async Task TouchCacheEntryAsync(Digest key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE cache_entries SET last_used_ms = @At WHERE key = @Key AND last_used_ms < @At",
            new { Key = key.ToString(), At = at.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes entries; returns the digests they referenced that no remaining entry references, whose
    /// blobs may go.
    /// </summary>
    public async Task<IReadOnlyList<Digest>> DeleteCacheEntriesAsync(IEnumerable<Digest> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var released = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys.Select(k => k.ToString()).Distinct(StringComparer.Ordinal))
        {
            released.UnionWith(await DeleteCacheRowsAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false));
        }

        var unreferenced = new List<Digest>();
        foreach (var digest in released)
        {
            var users = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM cache_blobs WHERE digest = @Digest", new { Digest = digest }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (users == 0)
            {
                unreferenced.Add(Digest.Parse(digest));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return unreferenced;
    }

    private static async Task<IEnumerable<string>> DeleteCacheRowsAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        var digests = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT digest FROM cache_blobs WHERE key = @Key", new { Key = key }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM cache_blobs WHERE key = @Key; DELETE FROM cache_entries WHERE key = @Key", new { Key = key }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return digests;
    }

    private static CacheEntry ReadCacheEntry(DbDataReader reader) => new()
    {
        Key = Digest.Parse(reader.GetString(0)),
        Result = new CacheResult
        {
            Results = (JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1), OciJson.Options) ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal),
            Outputs = JsonSerializer.Deserialize<ImmutableArray<Descriptor>>(reader.GetString(2), OciJson.Options),
            SourceRun = reader.IsDBNull(6) ? null : reader.GetString(6),
            SourceTaskRun = reader.IsDBNull(7) ? null : reader.GetString(7),
        },
        Size = reader.GetInt64(3),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        LastUsed = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
    };
}
