using System.Data.Common;
using Dapper;
using Npgsql;

namespace Sluice.Store;

/// <summary>The run history in a PostgreSQL database, for servers and shared stores.</summary>
internal sealed class PostgresRunStore : RunStore
{
    // An arbitrary constant: the advisory lock every sluice takes while it migrates the schema.
    private const long MigrationLock = 0x51_75_1C_E0;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    public PostgresRunStore(string connectionString, string description, TimeProvider time)
        : base(time)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _description = description;
    }

    public override string Description => _description;

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Lock)", new { Lock = MigrationLock }, transaction, cancellationToken: cancellationToken));

    private protected override string StatementsOf(Migration migration) => migration.Postgres;
}
