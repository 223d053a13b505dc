using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Store.Caching;

/// <summary>
/// The cache index: entries in the run store (SQLite or PostgreSQL), output blobs in a blob store
/// (<c>$SLUICE_HOME/blobs</c>, an OCI layout), and a lease per key across processes. A lookup reads
/// every output blob back and checks its digest before it answers a hit, unless the blob's file has the
/// same status (size, inode, modification and change times) as when it was last found whole
/// (<see cref="VerifiedBlobs"/>); an entry with a missing or altered blob is removed and answered as a miss.
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

    /// <summary>
    /// Where the status of each blob of an OCI layout was kept when a lookup last read it whole (a file per
    /// blob), so that the next lookup of an unchanged file does not read hundreds of megabytes again; null
    /// reads every blob at every lookup. Writing, truncating or replacing a blob changes its change time.
    /// </summary>
    public string? VerifiedBlobs { get; init; }

    /// <summary>How long after a blob's file last changed its status is trusted; two seconds, as for input trees.</summary>
    public TimeSpan RacyWindow { get; init; } = TimeSpan.FromSeconds(2);

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
            var stamp = VerificationStamp(output);
            if (stamp is { Path: var stampPath, Status: var status } && File.Exists(stampPath) && await File.ReadAllTextAsync(stampPath, cancellationToken).ConfigureAwait(false) == status)
            {
                continue;
            }

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
                    if (stamp is not null && stamp.Trusted && VerificationStamp(output)?.Status == stamp.Status)
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(stamp.Path)!);
                        await File.WriteAllTextAsync(stamp.Path, stamp.Status, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (InvalidDataException)
                {
                    broken.Add(output.Digest);
                }
            }
        }

        return broken;
    }

    /// <summary>
    /// Where a blob's status is kept and what it is now, when the blob is a file of a layout. A status
    /// changed within <see cref="RacyWindow"/> of the machine's clock is not trusted, as a second change in
    /// the same clock tick could leave it as it was.
    /// </summary>
    private BlobStamp? VerificationStamp(Descriptor blob)
    {
        if (VerifiedBlobs is null || _blobs is not Oci.Layout.OciLayout layout || Trees.FileStatus.Of(layout.BlobPath(blob.Digest)) is not { IsFile: true } status)
        {
            return null;
        }

        var recent = (DateTimeOffset.UtcNow - RacyWindow).ToUnixTimeMilliseconds() * 1_000_000L;
        return new BlobStamp(Path.Combine(VerifiedBlobs, blob.Digest.Algorithm, blob.Digest.Encoded), Describe(status), status.ChangedNanoseconds < recent && status.ModifiedNanoseconds < recent);
    }

    /// <summary>What a blob's kept status says of its file: size, inode, modification and change times.</summary>
    internal static string? DescribeBlobFile(string path) => Trees.FileStatus.Of(path) is { IsFile: true } status ? Describe(status) : null;

    private static string Describe(Trees.FileStatus status) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{status.Size} {status.Inode} {status.ModifiedNanoseconds} {status.ChangedNanoseconds}");

    private sealed record BlobStamp(string Path, string Status, bool Trusted);

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
            if (VerifiedBlobs is not null && Path.Combine(VerifiedBlobs, digest.Algorithm, digest.Encoded) is var stamp && File.Exists(stamp))
            {
                File.Delete(stamp);
            }
        }

        return (blobs, snapshots);
    }
}
