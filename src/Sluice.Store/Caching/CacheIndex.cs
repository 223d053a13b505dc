using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Store.Caching;

/// <summary>
/// The cache index: entries in the run store (SQLite or PostgreSQL), output blobs in a blob store
/// (<c>$SLUICE_HOME/blobs</c>, an OCI layout), and a lease per key across processes. A lookup reads
/// every output blob back and checks its digest before it answers a hit; an entry with a missing or
/// altered blob is removed and answered as a miss.
/// </summary>
public sealed partial class CacheIndex : ICacheIndex
{
    private readonly RunStore _store;
    private readonly IBlobStore _blobs;
    private readonly CacheLeases _leases;
    private readonly TimeProvider _time;
    private readonly ICacheSnapshots? _snapshots;

    /// <summary>An index over a store, a blob store, a lease directory and, for entries that keep one, where their snapshots are.</summary>
    /// <param name="store">The entries' rows.</param>
    /// <param name="blobs">The entries' output blobs.</param>
    /// <param name="leases">The lock files of keys being computed.</param>
    /// <param name="time">The clock of created and last-used times.</param>
    /// <param name="snapshots">
    /// The snapshots entries name (<see cref="CacheSnapshot"/>). Without it an entry naming one is a miss
    /// that stays, and removing one is refused, since its snapshot could be neither checked nor removed.
    /// </param>
    public CacheIndex(RunStore store, IBlobStore blobs, CacheLeases leases, TimeProvider time, ICacheSnapshots? snapshots = null)
    {
        _store = store;
        _blobs = blobs;
        _leases = leases;
        _time = time;
        _snapshots = snapshots;
    }

    /// <summary>How often a process waiting for another's lease looks again.</summary>
    public TimeSpan LeasePollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public async Task<CacheEntry?> LookupAsync(Digest key, CancellationToken cancellationToken)
    {
        var entry = await _store.GetCacheEntryAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        if (CacheSnapshot.IsNamedBy(entry.Result) && _snapshots is null)
        {
            return null;
        }

        var broken = await BrokenBlobsAsync(entry, cancellationToken).ConfigureAwait(false);
        if (broken.Count > 0 || !await SnapshotPresentAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            foreach (var digest in broken)
            {
                // An altered blob would otherwise stay: a layout keeps a blob of the right size as it is.
                await _blobs.DeleteAsync(digest, cancellationToken).ConfigureAwait(false);
            }

            await RemoveAsync([entry], cancellationToken).ConfigureAwait(false);
            return null;
        }

        var now = _time.GetUtcNow();
        await _store.TouchCacheEntryAsync(key, now, cancellationToken).ConfigureAwait(false);
        return entry with { LastUsed = now > entry.LastUsed ? now : entry.LastUsed };
    }

    /// <inheritdoc />
    public async Task<CacheEntry> PutAsync(Digest key, CacheResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var output in result.Outputs)
        {
            if (await _blobs.StatAsync(output.Digest, cancellationToken).ConfigureAwait(false) != output.Size)
            {
                throw new InvalidOperationException($"cache entry {key}: output {output.Digest} ({output.Size} bytes) is not in the blob store; store outputs before the entry");
            }
        }

        var now = _time.GetUtcNow();
        var entry = new CacheEntry { Key = key, Result = result, Size = CacheEntry.SizeOf(result), Created = now, LastUsed = now };
        await _store.PutCacheEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <inheritdoc />
    public async Task<CacheClaim> ClaimAsync(Digest key, CancellationToken cancellationToken)
    {
        if (await LookupAsync(key, cancellationToken).ConfigureAwait(false) is { } hit)
        {
            return new CacheClaim(hit, null);
        }

        var lease = await _leases.AcquireAsync(key, LeasePollInterval, _time, cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever held the lease before may have finished the work meanwhile.
            if (await LookupAsync(key, cancellationToken).ConfigureAwait(false) is { } finished)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
                return new CacheClaim(finished, null);
            }
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new CacheClaim(null, lease);
    }

    /// <summary>The entry with a key as stored, without verifying or touching it (for <c>sluice cache inspect</c>).</summary>
    public Task<CacheEntry?> InspectAsync(Digest key, CancellationToken cancellationToken) => _store.GetCacheEntryAsync(key, cancellationToken);

    /// <summary>Every entry as stored, most recently used first.</summary>
    public Task<IReadOnlyList<CacheEntry>> ListAsync(CancellationToken cancellationToken) => _store.ListCacheEntriesAsync(cancellationToken);

    private async Task<List<Digest>> BrokenBlobsAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        var broken = new List<Digest>();
        foreach (var output in entry.Result.Outputs)
        {
            var stream = await _blobs.OpenReadAsync(output, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                broken.Add(output.Digest);
                continue;
            }

            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    // The stream checks size and digest at its end.
                    await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException)
                {
                    broken.Add(output.Digest);
                }
            }
        }

        return broken;
    }

    /// <summary>An entry's snapshot is there with the id it recorded; true for an entry that names none, false for one it names badly.</summary>
    private async Task<bool> SnapshotPresentAsync(CacheEntry entry, CancellationToken cancellationToken) =>
        !CacheSnapshot.IsNamedBy(entry.Result)
        || (CacheSnapshot.Of(entry.Result) is { } snapshot && _snapshots is not null
            && await _snapshots.ExistsAsync(entry.Key, snapshot, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Removes entries, their snapshots, and the blobs no other entry references; returns how many blobs
    /// and snapshots went. Snapshots go first: a failure to remove one leaves its entry, never an
    /// entry-less snapshot nothing would remove.
    /// </summary>
    private async Task<(int Blobs, int Snapshots)> RemoveAsync(IReadOnlyCollection<CacheEntry> entries, CancellationToken cancellationToken)
    {
        var snapshots = 0;
        foreach (var entry in entries.Where(e => CacheSnapshot.IsNamedBy(e.Result)))
        {
            if (_snapshots is null)
            {
                throw new InvalidOperationException($"cache entry {entry.Key} keeps a snapshot, and this index was opened without a snapshot store to remove it from");
            }

            if (CacheSnapshot.Of(entry.Result) is { } snapshot)
            {
                await _snapshots.RemoveAsync(entry.Key, snapshot, cancellationToken).ConfigureAwait(false);
                snapshots++;
            }
        }

        var blobs = 0;
        foreach (var digest in await _store.DeleteCacheEntriesAsync(entries.Select(e => e.Key), cancellationToken).ConfigureAwait(false))
        {
            blobs += await _blobs.DeleteAsync(digest, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return (blobs, snapshots);
    }
}
