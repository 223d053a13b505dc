namespace Sluice.Store.Tests;

/// <summary>The store contract on a SQLite file in a scratch directory.</summary>
public sealed class SqliteRunStoreTests : RunStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-store-").FullName;

    [Fact]
    public async Task The_database_is_in_write_ahead_log_mode_so_readers_do_not_wait_for_writers()
    {
        await Store.RecordAsync(Runs.Record(Runs.Pipeline("w", "w")), Cancel);
        Assert.True(File.Exists(Path.Combine(_directory, "sluice.db-wal")));
    }

    protected override Task<RunStore> OpenAsync() =>
        RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_directory, "sluice.db")), null, Cancel);

    protected override ValueTask CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
