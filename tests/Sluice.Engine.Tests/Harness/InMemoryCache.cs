using System.Collections.Concurrent;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Oci;

namespace Sluice.Engine.Tests.Harness;

/// <summary>
/// A cache index and workspace snapshots in memory. Workspace paths are strings keyed
/// <c>CLAIM:PATH</c> that a test sets (as if a step had written them) and reads back after a hit.
/// </summary>
public sealed class InMemoryCache : ICacheIndex, IWorkspaceSnapshots
{
    private readonly ConcurrentDictionary<Digest, CacheEntry> _entries = new();
    private readonly ConcurrentDictionary<Digest, string> _blobs = new();

    /// <summary>The engine's view of it.</summary>
    public TaskRunCaching Caching => new(this, this);

    /// <summary>Workspace content by <c>CLAIM:PATH</c>.</summary>
    public ConcurrentDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Every key claimed, in order.</summary>
    public ConcurrentQueue<Digest> Claims { get; } = new();

    /// <summary>Every key stored, in order.</summary>
    public ConcurrentQueue<Digest> Puts { get; } = new();

    /// <summary>Every path restored from a hit, as <c>CLAIM:PATH</c>.</summary>
    public ConcurrentQueue<string> Restored { get; } = new();

    /// <inheritdoc />
    public Task<CacheEntry?> LookupAsync(Digest key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(key, out var entry) ? entry : null);

    /// <inheritdoc />
    public Task<CacheEntry> PutAsync(Digest key, CacheResult result, CancellationToken cancellationToken)
    {
        var entry = new CacheEntry { Key = key, Result = result, Size = CacheEntry.SizeOf(result), Created = DateTimeOffset.UnixEpoch, LastUsed = DateTimeOffset.UnixEpoch };
        _entries[key] = entry;
        Puts.Enqueue(key);
        return Task.FromResult(entry);
    }

    /// <inheritdoc />
    public async Task<CacheClaim> ClaimAsync(Digest key, CancellationToken cancellationToken)
    {
        Claims.Enqueue(key);
        var hit = await LookupAsync(key, cancellationToken);
        return hit is not null ? new CacheClaim(hit, null) : new CacheClaim(null, new Lease(key));
    }

    /// <inheritdoc />
    public Task<Digest> DigestAsync(WorkspaceLocation location, CancellationToken cancellationToken) =>
        Task.FromResult(Digest.Sha256(Encoding.UTF8.GetBytes(Files.GetValueOrDefault(Name(location)) ?? string.Empty)));

    /// <inheritdoc />
    public Task<Descriptor> SaveAsync(WorkspaceLocation location, CancellationToken cancellationToken)
    {
        var content = Files.GetValueOrDefault(Name(location)) ?? string.Empty;
        var descriptor = Descriptor.FromContent(MediaTypes.Layer, Encoding.UTF8.GetBytes(content));
        _blobs[descriptor.Digest] = content;
        return Task.FromResult(descriptor);
    }

    /// <inheritdoc />
    public Task RestoreAsync(WorkspaceLocation location, Descriptor snapshot, CancellationToken cancellationToken)
    {
        Files[Name(location)] = _blobs[snapshot.Digest];
        Restored.Enqueue(Name(location));
        return Task.CompletedTask;
    }

    private static string Name(WorkspaceLocation location) =>
        $"{(location.Volume as ClaimSource)?.ClaimName}:{location.Path}";

    private sealed class Lease(Digest key) : ICacheLease
    {
        public Digest Key => key;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
