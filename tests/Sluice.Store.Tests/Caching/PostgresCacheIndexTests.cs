using Npgsql;

namespace Sluice.Store.Tests.Caching;

/// <summary>
/// The cache index contract on the PostgreSQL server in SLUICE_TEST_POSTGRES, in a schema of its own
/// per test. Fails, rather than skips, when the server is not there.
/// </summary>
public sealed class PostgresCacheIndexTests : CacheIndexContract
{
    private readonly string _schema = $"c_{Guid.NewGuid():N}";

    protected override async Task<RunStore> OpenStoreAsync()
    {
        var server = Server;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {_schema}", connection);
            await command.ExecuteNonQueryAsync(Cancel);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = _schema };
        return await RunStore.OpenAsync(StoreLocation.Parse(builder.ConnectionString, out _)!, null, Cancel);
    }

    protected override async ValueTask CleanUpStoreAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
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
}
