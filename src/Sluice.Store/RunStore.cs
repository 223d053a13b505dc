using System.Data.Common;
using Dapper;
using Sluice.Engine.Runs;

namespace Sluice.Store;

/// <summary>
/// The run history: every run as it happens, where its logs are, what it produced, and stored Task and
/// Pipeline definitions. One implementation over SQL with a SQLite and a PostgreSQL flavour; both apply
/// the same numbered schema migrations when opened, and several processes may use one store at once.
/// </summary>
public abstract partial class RunStore : IRunStore, IAsyncDisposable
{
    static RunStore()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private protected RunStore(TimeProvider time)
    {
        Time = time;
    }

    /// <summary>Where the store is, for messages (passwords hidden).</summary>
    public abstract string Description { get; }

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestSchemaVersion => Migrations.All[^1].Version;

    /// <summary>The clock used for times the store itself sets (cancel requests, abandonment).</summary>
    protected TimeProvider Time { get; }

    /// <summary>Opens the store at a location, creating it and migrating its schema as needed.</summary>
    public static async Task<RunStore> OpenAsync(StoreLocation location, TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        RunStore store = location.IsPostgres
            ? new PostgresRunStore(location.Target, location.ToString(), time ?? TimeProvider.System)
            : new SqliteRunStore(location.Target, time ?? TimeProvider.System);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema versions applied to this store, in order.</summary>
    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var versions = await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. versions.Select(v => (int)v)];
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A new open connection.</summary>
    private protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Takes the lock that makes one process at a time migrate, inside the migration's transaction.</summary>
    private protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The statements of a migration in this flavour.</summary>
    private protected abstract string StatementsOf(Migration migration);

    /// <summary>Begins a transaction that writes (SQLite takes its write lock at once).</summary>
    private protected virtual Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken).AsTask();

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if ((await AppliedAsync(connection, null, cancellationToken).ConfigureAwait(false)).IsSupersetOf(Migrations.All.Select(m => (long)m.Version)))
        {
            return;
        }

        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = await AppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > LatestSchemaVersion)
        {
            throw new StoreVersionException($"the store {Description} has schema version {newest}, newer than this sluice knows ({LatestSchemaVersion}); use a newer sluice");
        }

        foreach (var migration in Migrations.All.Where(m => !applied.Contains(m.Version)))
        {
            await connection.ExecuteAsync(new CommandDefinition(StatementsOf(migration), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, description, applied_ms) VALUES (@Version, @Description, @Now)",
                new { Version = (long)migration.Version, migration.Description, Now = NowMs() },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HashSet<long>> AppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            try
            {
                return [.. await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false)];
            }
            catch (DbException)
            {
                // No schema yet: the migration below creates it under its lock.
                return [];
            }
        }

        return [.. await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)];
    }

    private long NowMs() => Time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>The store was written by a newer sluice whose schema this one does not know.</summary>
/// <param name="message">What to do.</param>
public sealed class StoreVersionException(string message) : Exception(message);
