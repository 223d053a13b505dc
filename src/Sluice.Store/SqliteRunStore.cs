using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Sluice.Store;

/// <summary>
/// The run history in one SQLite file, in write-ahead-log mode so that readers never wait for writers
/// and several sluice processes can record at once; a writer waits for another up to a minute.
/// </summary>
internal sealed class SqliteRunStore : RunStore
{
    private readonly string _connectionString;
    private readonly string _path;

    public SqliteRunStore(string path, TimeProvider time)
        : base(time)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 60,
            Pooling = true,
        }.ToString();
    }

    public override string Description => _path;

    public override ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return base.DisposeAsync();
    }

    private protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return connection;
    }

    private protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    private protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private protected override string StatementsOf(Migration migration) => migration.Sqlite;
}
