using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.Caching;
using Sluice.Oci;
using Sluice.Oci.Layout;
using Sluice.Store.Caching;

namespace Sluice.Store.Tests.Caching;

/// <summary>Entries that keep a snapshot outside the blob store (SDK execs' images): checked at lookup, removed with the entry.</summary>
public sealed class CacheIndexSnapshotTests : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("sluice-cache-").FullName;
    private readonly FakeSnapshots _snapshots = new();
    private RunStore? _store;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private RunStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    public async ValueTask InitializeAsync() =>
        _store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_scratch, "sluice.db")), null, Cancel);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task An_entry_is_a_hit_while_its_snapshot_is_there_and_a_miss_that_goes_with_it_once_it_is_not()
    {
        var index = Index(_snapshots);
        var snapshot = new CacheSnapshot("image-1", 1000);
        _snapshots.Present.Add("image-1");
        var stored = await index.PutAsync(Key("a"), Result(snapshot), Cancel);

        Assert.NotNull(await index.LookupAsync(Key("a"), Cancel));
        Assert.True(stored.Size > 1000);

        _snapshots.Present.Remove("image-1");
        Assert.Null(await index.LookupAsync(Key("a"), Cancel));
        Assert.Null(await index.InspectAsync(Key("a"), Cancel));
    }

    [Fact]
    public async Task An_entry_naming_its_snapshot_badly_is_a_miss_and_goes()
    {
        var index = Index(_snapshots);
        var results = Result(new CacheSnapshot("image-1", 1)).Results.SetItem(CacheSnapshot.SizeResult, "many");
        _snapshots.Present.Add("image-1");
        await index.PutAsync(Key("a"), new CacheResult { Results = results }, Cancel);

        Assert.Null(await index.LookupAsync(Key("a"), Cancel));
        Assert.Null(await index.InspectAsync(Key("a"), Cancel));
    }

    [Fact]
    public async Task Pruning_removes_the_snapshots_of_the_entries_it_removes_and_only_those()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var index = Index(_snapshots, clock);
        _snapshots.Present.UnionWith(["old", "new"]);
        await index.PutAsync(Key("old"), Result(new CacheSnapshot("old", 5000)), Cancel);
        clock.Advance(TimeSpan.FromDays(2));
        await index.PutAsync(Key("new"), Result(new CacheSnapshot("new", 5000)), Cancel);

        var report = await index.PruneAsync(new CachePrunePolicy { MaxAge = TimeSpan.FromDays(1) }, Cancel);

        Assert.Equal((1, 1, 1), (report.EntriesRemoved, report.SnapshotsRemoved, report.EntriesKept));
        Assert.Equal(["old"], _snapshots.Removed);
        Assert.True(report.BytesRemoved > 5000);
    }

    [Fact]
    public async Task Without_a_snapshot_store_an_entry_with_a_snapshot_is_a_miss_that_stays_and_removing_it_is_refused()
    {
        _snapshots.Present.Add("image-1");
        await Index(_snapshots).PutAsync(Key("a"), Result(new CacheSnapshot("image-1", 10)), Cancel);
        var blind = Index(null);

        Assert.Null(await blind.LookupAsync(Key("a"), Cancel));
        Assert.NotNull(await blind.InspectAsync(Key("a"), Cancel));
        await Assert.ThrowsAsync<InvalidOperationException>(() => blind.RemoveAsync(Key("a"), Cancel));
        Assert.NotNull(await blind.InspectAsync(Key("a"), Cancel));
    }

    private CacheIndex Index(ICacheSnapshots? snapshots, TimeProvider? time = null) =>
        new(Store, OciLayout.Open(Path.Combine(_scratch, "blobs")), new CacheLeases(Path.Combine(_scratch, "leases")), time ?? TimeProvider.System, snapshots);

    private static Digest Key(string name) => Digest.Sha256(System.Text.Encoding.UTF8.GetBytes(name));

    private static CacheResult Result(CacheSnapshot snapshot) =>
        new() { Results = snapshot.AddTo(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal).Add("sluice.dev/stdout", "hi\n")) };

    private sealed class FakeSnapshots : ICacheSnapshots
    {
        public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

        public List<string> Removed { get; } = [];

        public Task<bool> ExistsAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken) =>
            Task.FromResult(Present.Contains(snapshot.Id));

        public Task RemoveAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken)
        {
            Present.Remove(snapshot.Id);
            Removed.Add(snapshot.Id);
            return Task.CompletedTask;
        }
    }
}
