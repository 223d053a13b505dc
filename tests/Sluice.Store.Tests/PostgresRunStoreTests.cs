using Npgsql;

namespace Sluice.Store.Tests;

/// <summary>
/// The store contract on the PostgreSQL server eng/postgres.sh starts (its URL in SLUICE_TEST_POSTGRES),
/// in a schema of its own per test. Fails, rather than skips, when the server is not there.
/// </summary>
public sealed class PostgresRunStoreTests : RunStoreContract
{
    private readonly string _schema = $"t_{Guid.NewGuid():N}";

    [Fact]
    public void A_postgres_url_becomes_a_connection_string_without_showing_the_password()
    {
        var location = StoreLocation.Parse("postgres://me:s%40cret@db.local:6543/runs?sslmode=disable", out var error);

        Assert.Null(error);
        Assert.True(location!.IsPostgres);
        var builder = new NpgsqlConnectionStringBuilder(location.Target);
        Assert.Equal(("db.local", 6543, "runs", "me", "s@cret"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal("postgres://me@db.local:6543/runs", location.ToString());
    }

    protected override async Task<RunStore> OpenAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema };
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {_schema}", connection);
            await command.ExecuteNonQueryAsync(Cancel);
        }

        return await RunStore.OpenAsync(StoreLocation.Parse(builder.ConnectionString, out _)!, null, Cancel);
    }

    protected override async ValueTask CleanUpAsync()
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
