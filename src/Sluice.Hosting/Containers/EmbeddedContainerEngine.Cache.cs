using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Oci;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Execs and copies through the cache (DESIGN.md section 5: SDK operations are cached by default). An
/// op's cache key is its identity with the image ids its graph's <c>From</c> references resolve to, so a
/// moved tag is a miss. A verified hit is the snapshot the cache kept (a Docker image tagged
/// <c>sluice-cache:&lt;key&gt;</c>) and the exec's recorded output: nothing runs, not even the op's parent.
/// A miss runs under the key's lease, so two processes asking for one key do the work once.
/// </summary>
internal sealed partial class EmbeddedContainerEngine
{
    private async Task<ContainerState> CachedAsync(ContainerOp op, string key, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return await RunAsync(op, key, cancellationToken).ConfigureAwait(false);
        }

        var cacheKey = await CacheKeyAsync(op, key, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var claim = await _cache.ClaimAsync(cacheKey, cancellationToken).ConfigureAwait(false);
            if (claim.Hit is { } hit)
            {
                if (SnapshotCacheEntry.FromResult(hit.Result, op) is { } entry)
                {
                    return await RestoreAsync(op, key, entry, cancellationToken).ConfigureAwait(false);
                }

                // An entry that lacks what the op needs is a miss: it goes, and the key is claimed again.
                await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (claim.Lease!.ConfigureAwait(false))
            {
                var state = await RunAsync(op, key, cancellationToken).ConfigureAwait(false);
                var snapshot = await _docker.KeepSnapshotAsync(state.ImageId, cacheKey, cancellationToken).ConfigureAwait(false);
                var stored = new SnapshotCacheEntry(snapshot, op is ExecOp ? state.LastExec : null);
                await _cache.PutAsync(cacheKey, stored.ToResult(RunUid, op), cancellationToken).ConfigureAwait(false);
                _cachedSnapshots.TryAdd(state.ImageId, true);
                return state;
            }
        }
    }

    /// <summary>The state a hit stands for: its snapshot, the settings of its parent chain and the last exec's output.</summary>
    private async Task<ContainerState> RestoreAsync(ContainerOp op, string key, SnapshotCacheEntry entry, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(op, cancellationToken).ConfigureAwait(false);

        // A copy shows the output of the exec before it; that exec is evaluated (itself most likely a hit) only when there is one.
        var lastExec = entry.Exec;
        if (op is WithDirectoryOp copy && HasExecBefore(copy))
        {
            lastExec = (await StateAsync(copy.Parent, cancellationToken).ConfigureAwait(false)).LastExec;
        }

        return new ContainerState { Key = key, ImageId = entry.Snapshot.Id, Settings = settings, LastExec = lastExec };
    }

    /// <summary>
    /// The cache key of an exec or copy: its identity (which already holds its inputs' identities and host
    /// directories' content digests), the image id and platform of its container's image, and every image
    /// reference of its graph with the id it resolves to here.
    /// </summary>
    private async Task<Digest> CacheKeyAsync(ContainerOp op, string key, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(op, cancellationToken).ConfigureAwait(false);
        var images = new JsonArray();
        foreach (var address in ImageAddresses(op))
        {
            var image = await _docker.ResolveImageAsync(address, ImagePullPolicy.IfNotPresent, cancellationToken).ConfigureAwait(false);
            images.Add(new JsonObject { ["address"] = address, ["id"] = image.ImageId });
        }

        return CacheKeys.Compute(new CacheKeyInput
        {
            Spec = new JsonObject { ["sdk"] = key, ["images"] = images },
            Platform = settings.Base?.Platform ?? string.Empty,
            ImageId = settings.Base?.ImageId ?? string.Empty,
        });
    }

    /// <summary>The image references of every <c>From</c> an op depends on, sorted and once each.</summary>
    private static ImmutableSortedSet<string> ImageAddresses(Op op)
    {
        var addresses = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var seen = new HashSet<Op>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Op>([op]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            if (next is FromOp from)
            {
                addresses.Add(from.Address);
            }

            foreach (var input in next.Inputs)
            {
                pending.Push(input);
            }
        }

        return addresses.ToImmutable();
    }

    /// <summary>Whether an exec ran since the container's image was set, as the parent chain says.</summary>
    private static bool HasExecBefore(WithDirectoryOp copy)
    {
        ContainerOp op = copy.Parent;
        while (true)
        {
            switch (op)
            {
                case ExecOp:
                    return true;
                case FromOp or ScratchOp:
                    return false;
                default:
                    op = (ContainerOp)op.Inputs[0];
                    break;
            }
        }
    }
}
