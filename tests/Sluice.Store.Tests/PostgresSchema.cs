using Npgsql;

namespace Sluice.Store.Tests;

/// <summary>
/// A schema of its own on the PostgreSQL server eng/postgres.sh starts (its URL in SLUICE_TEST_POSTGRES),
/// for one test: a store opened in it, and the schema dropped afterwards. Fails, rather than skips, when
/// the server is not there.
/// </summary>
internal sealed class PostgresSchema(string prefix)
{
    private readonly string _name = $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>Creates the schema when it is missing and opens a store whose search path is it.</summary>
    public async Task<RunStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {_name}", cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(Server) { SearchPath = _name };
        return await RunStore.OpenAsync(StoreLocation.Parse(builder.ConnectionString, out _)!, null, cancellationToken);
    }

    /// <summary>Drops the schema and everything in it.</summary>
    public async ValueTask DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_name} CASCADE", CancellationToken.None);
    }

    private static string Server
    {
        get
        {
            var url = Environment.GetEnvironmentVariable("SLUICE_TEST_POSTGRES");
            if (string.IsNullOrEmpty(url))
            {
                throw new InvalidOperationException("SLUICE_TEST_POSTGRES is not set: run eng/postgres.sh (eng/test.sh does) and export the URL it prints");
            }

            return StoreLocation.Parse(url, out var error)?.Target ?? throw new InvalidOperationException($"SLUICE_TEST_POSTGRES does not name a PostgreSQL server: {error}");
        }
    }

    private static async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
