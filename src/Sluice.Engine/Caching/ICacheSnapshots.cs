using System.Collections.Immutable;
using System.Globalization;
using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>
/// Filesystem snapshots that cache entries keep outside the blob store (on Docker, committed images
/// tagged by key). The index asks it whether an entry's snapshot is still there before answering a hit,
/// and removes the snapshot with its entry.
/// </summary>
public interface ICacheSnapshots
{
    /// <summary>Whether the snapshot an entry recorded is still there, with the id it recorded.</summary>
    Task<bool> ExistsAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>Removes the snapshot of an entry that is going; one already gone is not an error.</summary>
    Task RemoveAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>
/// A snapshot an entry keeps, as its results record it: <see cref="IdResult"/> and
/// <see cref="SizeResult"/>. Names with a <c>/</c> cannot be Tekton result names, so they never clash.
/// </summary>
/// <param name="Id">The engine's id of the snapshot (on Docker, the image id).</param>
/// <param name="Size">The bytes it adds over the snapshot it was made from; counted in the entry's size.</param>
public sealed record CacheSnapshot(string Id, long Size)
{
    /// <summary>The result that holds the snapshot's id.</summary>
    public const string IdResult = "sluice.dev/snapshot";

    /// <summary>The result that holds the snapshot's size in bytes.</summary>
    public const string SizeResult = "sluice.dev/snapshot-size";

    /// <summary>The snapshot a result names, or null when it names none or its size is not a count of bytes.</summary>
    public static CacheSnapshot? Of(CacheResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Results.TryGetValue(IdResult, out var id) && id.Length > 0
            && result.Results.TryGetValue(SizeResult, out var size)
            && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? new CacheSnapshot(id, bytes)
            : null;
    }

    /// <summary>Whether a result names a snapshot at all (well formed or not).</summary>
    public static bool IsNamedBy(CacheResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Results.ContainsKey(IdResult) || result.Results.ContainsKey(SizeResult);
    }

    /// <summary>Results with this snapshot recorded in them.</summary>
    public ImmutableSortedDictionary<string, string> AddTo(ImmutableSortedDictionary<string, string> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results.SetItem(IdResult, Id).SetItem(SizeResult, Size.ToString(CultureInfo.InvariantCulture));
    }
}
