using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Sluice.Engine.CustomTasks;
using Sluice.Oci;
using Sluice.Oci.Building;

namespace Sluice.Catalog.Custom;

/// <summary>
/// The layer memo of image builds kept in the custom-task cache, so that it lives where the run's cache
/// does and <c>--no-cache</c> turns it off with the rest: the key is the tar's diff ID, the level and the
/// .NET runtime whose zlib compressed it.
/// </summary>
internal sealed class CustomTaskLayerMemo(ICustomTaskCache cache) : ILayerMemo
{
    /// <inheritdoc />
    public async Task<Descriptor?> RecallAsync(Digest diffId, CompressionLevel level, CancellationToken cancellationToken)
    {
        var memory = await cache.RecallAsync(Key(diffId, level), cancellationToken).ConfigureAwait(false);
        return memory?.Results is { } results
            && results.TryGetValue("digest", out var digest) && Digest.Parse(digest, out _) is { } parsed
            && results.TryGetValue("size", out var size) && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            && results.TryGetValue("mediaType", out var mediaType)
            ? new Descriptor { MediaType = mediaType, Digest = parsed, Size = bytes }
            : null;
    }

    /// <inheritdoc />
    public Task RememberAsync(Digest diffId, CompressionLevel level, Descriptor compressed, CancellationToken cancellationToken) =>
        cache.RememberAsync(Key(diffId, level), ImmutableDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create("digest", compressed.Digest.ToString()),
            KeyValuePair.Create("size", compressed.Size.ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create("mediaType", compressed.MediaType),
        ]), cancellationToken);

    private static Digest Key(Digest diffId, CompressionLevel level) =>
        Digest.Sha256(Encoding.UTF8.GetBytes($"sluice image layer\n{diffId}\n{level}\n{Environment.Version}\n"));
}
