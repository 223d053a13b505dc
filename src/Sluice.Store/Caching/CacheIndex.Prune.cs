using Sluice.Oci;

namespace Sluice.Store.Caching;

/// <summary>Bounds for <see cref="CacheIndex.PruneAsync"/>; a null bound does not apply.</summary>
public sealed record CachePrunePolicy
{
    /// <summary>The most bytes the remaining entries may hold together.</summary>
    public long? MaxSize { get; init; }

    /// <summary>Entries not used for longer than this go.</summary>
    public TimeSpan? MaxAge { get; init; }
}

/// <summary>What a prune removed and kept.</summary>
public sealed record CachePruneReport
{
    /// <summary>Entries removed.</summary>
    public required int EntriesRemoved { get; init; }

    /// <summary>Bytes those entries held.</summary>
    public required long BytesRemoved { get; init; }

    /// <summary>Blobs deleted from the blob store (those no remaining entry references).</summary>
    public required int BlobsDeleted { get; init; }

    /// <summary>Snapshots of the removed entries removed with them (on Docker, images).</summary>
    public int SnapshotsRemoved { get; init; }

    /// <summary>Entries kept.</summary>
    public required int EntriesKept { get; init; }

    /// <summary>Bytes the kept entries hold.</summary>
    public required long BytesKept { get; init; }
}

public sealed partial class CacheIndex
{
    /// <summary>
    /// Removes entries unused for longer than the policy's age, then the least recently used until the
    /// rest fit its size, with their snapshots, and deletes the blobs no remaining entry references. A blob an entry stored at
    /// the same moment references may go with it; that entry is then a miss at lookup, never a wrong hit.
    /// </summary>
    public async Task<CachePruneReport> PruneAsync(CachePrunePolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = _time.GetUtcNow();
        var oldestFirst = (await _store.ListCacheEntriesAsync(cancellationToken).ConfigureAwait(false)).Reverse().ToList();
        var removed = oldestFirst.Where(e => policy.MaxAge is { } age && e.LastUsed < now - age).ToList();
        var kept = oldestFirst.Except(removed).ToList();
        var total = kept.Sum(e => e.Size);
        while (policy.MaxSize is { } max && total > max && kept.Count > 0)
        {
            total -= kept[0].Size;
            removed.Add(kept[0]);
            kept.RemoveAt(0);
        }

        var (blobs, snapshots) = removed.Count == 0 ? (0, 0) : await RemoveAsync(removed, cancellationToken).ConfigureAwait(false);
        return new CachePruneReport
        {
            EntriesRemoved = removed.Count,
            BytesRemoved = removed.Sum(e => e.Size),
            BlobsDeleted = blobs,
            SnapshotsRemoved = snapshots,
            EntriesKept = kept.Count,
            BytesKept = total,
        };
    }

    /// <summary>Removes one entry (with its snapshot, and its blobs no other entry references); false when there was none.</summary>
    public async Task<bool> RemoveAsync(Digest key, CancellationToken cancellationToken)
    {
        if (await _store.GetCacheEntryAsync(key, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return false;
        }

        await RemoveAsync([entry], cancellationToken).ConfigureAwait(false);
        return true;
    }
}
