using Npgsql;

namespace Sluice.Store.Tests;

/// <summary>
/// The store contract on the PostgreSQL server eng/postgres.sh starts (its URL in SLUICE_TEST_POSTGRES),
/// in a schema of its own per test. Fails, rather than skips, when the server is not there.
/// </summary>
public sealed class PostgresRunStoreTests : RunStoreContract
{
    private readonly PostgresSchema _schema = new("t");

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

    protected override Task<RunStore> OpenAsync() => _schema.OpenStoreAsync(Cancel);

    protected override ValueTask CleanUpAsync() => _schema.DropAsync();
}
