using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>
/// The content-addressed cache as the engine sees it: entries by key, verified before they count as a
/// hit, and a lease per key so that work several processes ask for at once is done once.
/// </summary>
public interface ICacheIndex
{
    /// <summary>
    /// The entry for a key, or null. An entry whose output blobs are missing or do not match their
    /// digest is removed and is a miss, never a hit. A hit counts as a use for pruning.
    /// </summary>
    Task<CacheEntry?> LookupAsync(Digest key, CancellationToken cancellationToken);

    /// <summary>Records what work with this key produced; its output blobs must be stored first. Replaces an entry of the same key.</summary>
    Task<CacheEntry> PutAsync(Digest key, CacheResult result, CancellationToken cancellationToken);

    /// <summary>
    /// A verified hit, or the lease to compute the key: when another process holds the lease this
    /// waits for it, then returns its entry (or the lease, when it ended without one, e.g. killed).
    /// </summary>
    Task<CacheClaim> ClaimAsync(Digest key, CancellationToken cancellationToken);
}

/// <summary>The right to compute one key; disposing it lets the next waiter in. A process that dies loses it.</summary>
public interface ICacheLease : IAsyncDisposable
{
    /// <summary>The key it is for.</summary>
    Digest Key { get; }
}

/// <summary>What <see cref="ICacheIndex.ClaimAsync"/> found: a hit, or a lease to do the work under.</summary>
/// <param name="Hit">The verified entry, when there is one.</param>
/// <param name="Lease">The lease, when there is no entry: compute, <see cref="ICacheIndex.PutAsync"/>, then dispose it.</param>
public sealed record CacheClaim(CacheEntry? Hit, ICacheLease? Lease);
