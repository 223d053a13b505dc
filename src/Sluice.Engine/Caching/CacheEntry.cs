using System.Collections.Immutable;
using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>What a cached piece of work produced, as the engine hands it to the index.</summary>
public sealed record CacheResult
{
    /// <summary>Results by name, as the TaskRun or step reported them.</summary>
    public ImmutableSortedDictionary<string, string> Results { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Output blobs (workspace diffs as layers, files), already stored in the blob store.</summary>
    public ImmutableArray<Descriptor> Outputs { get; init; } = [];

    /// <summary>The uid of the run that computed it.</summary>
    public string? SourceRun { get; init; }

    /// <summary>The TaskRun (or step) that computed it.</summary>
    public string? SourceTaskRun { get; init; }
}

/// <summary>One entry of the cache index.</summary>
public sealed record CacheEntry
{
    /// <summary>The cache key (see <see cref="CacheKeys"/>).</summary>
    public required Digest Key { get; init; }

    /// <summary>What the work produced.</summary>
    public required CacheResult Result { get; init; }

    /// <summary>The bytes the entry holds: its output blobs, its snapshot (see <see cref="CacheSnapshot"/>) and its result values.</summary>
    public required long Size { get; init; }

    /// <summary>When it was stored.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When a lookup last returned it (its creation until then); pruning removes the least recent first.</summary>
    public required DateTimeOffset LastUsed { get; init; }

    /// <summary>The size of the entry's results and outputs, as <see cref="Size"/> counts it.</summary>
    public static long SizeOf(CacheResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outputs.Sum(o => o.Size) + (CacheSnapshot.Of(result)?.Size ?? 0)
            + result.Results.Sum(r => (long)System.Text.Encoding.UTF8.GetByteCount(r.Key) + System.Text.Encoding.UTF8.GetByteCount(r.Value));
    }
}
