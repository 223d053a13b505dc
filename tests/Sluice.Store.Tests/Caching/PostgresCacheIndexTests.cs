namespace Sluice.Store.Tests.Caching;

/// <summary>
/// The cache index contract on the PostgreSQL server in SLUICE_TEST_POSTGRES, in a schema of its own
/// per test. Fails, rather than skips, when the server is not there.
/// </summary>
public sealed class PostgresCacheIndexTests : CacheIndexContract
{
    private readonly PostgresSchema _schema = new("c");

    protected override Task<RunStore> OpenStoreAsync() => _schema.OpenStoreAsync(Cancel);

    protected override ValueTask CleanUpStoreAsync() => _schema.DropAsync();
}
