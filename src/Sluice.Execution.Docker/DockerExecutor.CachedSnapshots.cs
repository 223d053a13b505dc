using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Execution.Docker;

/// <summary>
/// Snapshots kept by the cache: a committed image tagged <c>sluice-cache:&lt;key hex&gt;</c>, so that it
/// outlives its process, is not dangling for <c>docker image prune</c>, and names the entry it belongs to.
/// </summary>
public sealed partial class DockerExecutor : ICacheSnapshots
{
    /// <summary>The repository cached snapshots are tagged in; the tag is the hexadecimal digits of the entry's key.</summary>
    public const string CachedSnapshotRepository = "sluice-cache";

    /// <summary>The reference a cached snapshot of a key is tagged with.</summary>
    public static string CachedSnapshotReference(Digest key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{CachedSnapshotRepository}:{key.Encoded}";
    }

    /// <summary>
    /// Tags a committed snapshot for the cache entry of a key and measures it: the bytes it adds over the
    /// image it was committed on (its whole size when the daemon records no parent).
    /// </summary>
    public async Task<CacheSnapshot> KeepSnapshotAsync(string imageId, Digest key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _client.Images.TagImageAsync(imageId, new ImageTagParameters { RepositoryName = CachedSnapshotRepository, Tag = key.Encoded, Force = true }, cancellationToken).ConfigureAwait(false);
        var image = await _client.Images.InspectImageAsync(imageId, cancellationToken).ConfigureAwait(false);
        var parent = string.IsNullOrEmpty(image.Parent) ? null : await InspectImageOrNullAsync(image.Parent, cancellationToken).ConfigureAwait(false);
        return new CacheSnapshot(image.ID, Math.Max(0, image.Size - (parent?.Size ?? 0)));
    }

    /// <summary>Whether the key's tag still names the image the entry recorded.</summary>
    public async Task<bool> ExistsAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var image = await InspectImageOrNullAsync(CachedSnapshotReference(key), cancellationToken).ConfigureAwait(false);
        return image is not null && string.Equals(image.ID, snapshot.Id, StringComparison.Ordinal);
    }

    /// <summary>
    /// Removes the key's tag when it names the recorded image. The daemon deletes the image with it
    /// unless another tag or a child image still uses it; a child's removal later takes its untagged
    /// parents along.
    /// </summary>
    public async Task RemoveAsync(Digest key, CacheSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(key, snapshot, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await _client.Images.DeleteImageAsync(CachedSnapshotReference(key), new ImageDeleteParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone meanwhile, or a container still uses it: the entry goes either way, the image with its last user.
        }
    }
}
