namespace Sluice.Store.Tests.Caching;

/// <summary>The cache index contract on a SQLite file.</summary>
public sealed class SqliteCacheIndexTests : CacheIndexContract
{
    protected override Task<RunStore> OpenStoreAsync() =>
        RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(Scratch, "sluice.db")), null, Cancel);
}
