using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.Caching;
using Sluice.Oci;
using Sluice.Oci.Layout;
using Sluice.Store.Caching;

namespace Sluice.Store.Tests.Caching;

/// <summary>
/// What the cache index must do over any store: run against SQLite and against the PostgreSQL server
/// in SLUICE_TEST_POSTGRES (see the derived classes), with blobs in a real OCI layout.
/// </summary>
public abstract class CacheIndexContract : IAsyncLifetime
{
    private RunStore? _store;
    private CacheIndex? _index;

    protected CacheIndexContract()
    {
        Blobs = OciLayout.Open(Path.Combine(Scratch, "blobs"));
    }

    protected string Scratch { get; } = Directory.CreateTempSubdirectory("sluice-cache-").FullName;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected OciLayout Blobs { get; }

    protected CacheIndex Index => _index ?? throw new InvalidOperationException("the index is not open");

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync();
        _index = new CacheIndex(_store, Blobs, new CacheLeases(Path.Combine(Scratch, "leases")), Clock) { VerifiedBlobs = Path.Combine(Scratch, "verified"), RacyWindow = TimeSpan.Zero };
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanUpStoreAsync();
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty store for one test.</summary>
    protected abstract Task<RunStore> OpenStoreAsync();

    protected virtual ValueTask CleanUpStoreAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_stored_entry_is_a_hit_with_its_results_outputs_size_and_source()
    {
        var layer = await BlobAsync("workspace diff");
        var result = Result(layer) with { SourceRun = "run-uid-1", SourceTaskRun = "build-run-x-compile" };

        var stored = await Index.PutAsync(Key("a"), result, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var hit = await Index.LookupAsync(Key("a"), Cancel);

        Assert.NotNull(hit);
        Assert.Equal("abc123", hit.Result.Results["commit"]);
        Assert.Equal(layer, Assert.Single(hit.Result.Outputs));
        Assert.Equal(("run-uid-1", "build-run-x-compile"), (hit.Result.SourceRun, hit.Result.SourceTaskRun));
        Assert.Equal(layer.Size + "commit".Length + "abc123".Length, hit.Size);
        Assert.Equal(stored.Created, hit.Created);
        Assert.Equal(Clock.GetUtcNow(), hit.LastUsed);
        Assert.Equal(Clock.GetUtcNow(), (await Index.InspectAsync(Key("a"), Cancel))!.LastUsed);
        Assert.Null(await Index.LookupAsync(Key("b"), Cancel));
    }

    [Fact]
    public async Task An_entry_whose_blob_was_altered_is_a_miss_and_goes_with_the_blob()
    {
        var layer = await BlobAsync("the real output");
        await Index.PutAsync(Key("a"), Result(layer), Cancel);
        var path = Blobs.BlobPath(layer.Digest);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, "the fake output", Cancel);

        Assert.Null(await Index.LookupAsync(Key("a"), Cancel));
        Assert.Null(await Index.InspectAsync(Key("a"), Cancel));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_blob_altered_after_it_was_found_whole_is_read_again_and_is_a_miss()
    {
        var (layer, path, stamp) = await VerifiedBlobAsync();
        Assert.True(File.Exists(stamp));

        // The file system stamps times from a clock that ticks every few milliseconds: alter the blob in a
        // later tick than the one it was read in, as the racy window does outside tests.
        await Task.Delay(50, Cancel);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, "the fake output", Cancel);

        Assert.Null(await Index.LookupAsync(Key("a"), Cancel));
        Assert.False(File.Exists(path));
        Assert.Equal(layer.Size, "the fake output".Length);
    }

    [Fact]
    public async Task A_kept_status_that_matches_the_file_is_trusted_without_reading_the_blob()
    {
        var (_, path, stamp) = await VerifiedBlobAsync();

        // Forge the kept status to the altered file's: the lookup answers from the status alone, which
        // shows that it did not read the blob (reading it would find the alteration, as above).
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, "the fake output", Cancel);
        await File.WriteAllTextAsync(stamp, CacheIndex.DescribeBlobFile(path), Cancel);

        Assert.NotNull(await Index.LookupAsync(Key("a"), Cancel));
    }

    /// <summary>A blob of an entry, looked up once (the racy window is zero here), so its status is kept.</summary>
    private async Task<(Descriptor Layer, string Path, string Stamp)> VerifiedBlobAsync()
    {
        var layer = await BlobAsync("the real output");
        await Index.PutAsync(Key("a"), Result(layer), Cancel);
        Assert.NotNull(await Index.LookupAsync(Key("a"), Cancel));
        return (layer, Blobs.BlobPath(layer.Digest), Path.Combine(Scratch, "verified", layer.Digest.Algorithm, layer.Digest.Encoded));
    }

    [Fact]
    public async Task An_entry_whose_blob_was_deleted_is_a_miss_and_is_removed()
    {
        var layer = await BlobAsync("output");
        var other = await BlobAsync("other output");
        await Index.PutAsync(Key("a"), Result(layer, other), Cancel);
        File.Delete(Blobs.BlobPath(layer.Digest));

        Assert.Null(await Index.LookupAsync(Key("a"), Cancel));
        Assert.Empty(await Index.ListAsync(Cancel));
        Assert.Null(await Blobs.StatAsync(other.Digest, Cancel));
    }

    [Fact]
    public async Task An_entry_cannot_reference_a_blob_that_is_not_stored()
    {
        var missing = Descriptor.FromContent(MediaTypes.Layer, "never stored"u8);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Index.PutAsync(Key("a"), Result(missing), Cancel));
        Assert.Empty(await Index.ListAsync(Cancel));
    }

    [Fact]
    public async Task Storing_a_key_again_replaces_its_entry()
    {
        await Index.PutAsync(Key("a"), Result(await BlobAsync("first")), Cancel);
        var second = await BlobAsync("second");
        await Index.PutAsync(Key("a"), Result(second), Cancel);

        var entry = Assert.Single(await Index.ListAsync(Cancel));
        Assert.Equal(second, Assert.Single(entry.Result.Outputs));
    }

    [Fact]
    public async Task Pruning_by_age_removes_entries_unused_for_longer_and_only_blobs_nothing_else_references()
    {
        var shared = await BlobAsync("shared layer");
        var own = await BlobAsync("old entry's own layer");
        await Index.PutAsync(Key("old"), Result(shared, own), Cancel);
        Clock.Advance(TimeSpan.FromDays(10));
        await Index.PutAsync(Key("new"), Result(shared), Cancel);
        Clock.Advance(TimeSpan.FromDays(1));

        var report = await Index.PruneAsync(new CachePrunePolicy { MaxAge = TimeSpan.FromDays(7) }, Cancel);

        Assert.Equal((1, 1, 1), (report.EntriesRemoved, report.BlobsDeleted, report.EntriesKept));
        Assert.Equal([Key("new")], (await Index.ListAsync(Cancel)).Select(e => e.Key));
        Assert.NotNull(await Blobs.StatAsync(shared.Digest, Cancel));
        Assert.Null(await Blobs.StatAsync(own.Digest, Cancel));
    }

    [Fact]
    public async Task Pruning_by_size_removes_the_least_recently_used_first()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await Index.PutAsync(Key(name), Result(await BlobAsync(new string(name[0], 100))), Cancel);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        // A hit makes the oldest entry the most recently used.
        Assert.NotNull(await Index.LookupAsync(Key("a"), Cancel));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var report = await Index.PruneAsync(new CachePrunePolicy { MaxSize = 250 }, Cancel);

        // Each entry holds 100 bytes of blob and 12 of results (commit=abc123).
        Assert.Equal((1, 112L, 2, 224L), (report.EntriesRemoved, report.BytesRemoved, report.EntriesKept, report.BytesKept));
        Assert.Equal([Key("a"), Key("c")], (await Index.ListAsync(Cancel)).Select(e => e.Key));
    }

    [Fact]
    public async Task Removing_one_entry_says_whether_there_was_one()
    {
        await Index.PutAsync(Key("a"), Result(), Cancel);

        Assert.True(await Index.RemoveAsync(Key("a"), Cancel));
        Assert.False(await Index.RemoveAsync(Key("a"), Cancel));
    }

    protected static Digest Key(string name) => Digest.Sha256(System.Text.Encoding.UTF8.GetBytes("key " + name));

    protected static CacheResult Result(params Descriptor[] outputs) => new()
    {
        Results = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("commit", "abc123")]),
        Outputs = [.. outputs],
    };

    protected async Task<Descriptor> BlobAsync(string content)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        return await Blobs.PutAsync(stream, MediaTypes.Layer, Cancel);
    }
}
