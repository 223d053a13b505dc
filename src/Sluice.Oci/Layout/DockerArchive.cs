using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Oci.Layers;

namespace Sluice.Oci.Layout;

/// <summary>A layer of a <c>docker save</c> archive, gzipped to a file.</summary>
/// <param name="Layer">Its descriptor (gzipped, OCI's layer media type), diff ID and size as a tar.</param>
/// <param name="Path">The file holding the gzipped layer.</param>
public sealed record DockerArchiveLayer(Layer Layer, string Path);

/// <summary>The image of a <c>docker save</c> archive: its layers, base first, and its configuration as Docker wrote it.</summary>
/// <param name="Layers">The layers in the order of the image's root filesystem.</param>
/// <param name="Config">The configuration document's bytes (Docker's form, a superset of an OCI image configuration).</param>
public sealed record DockerArchiveImage(ImmutableArray<DockerArchiveLayer> Layers, ReadOnlyMemory<byte> Config);

/// <summary>
/// Reads the archive <c>docker save</c> writes of one image (Docker's layout: <c>manifest.json</c>, the
/// configuration, a tar per layer, possibly linked), as it streams past: each layer is gzipped to a file
/// (<see cref="LayerBuilder.CompressAsync"/>, so the same layer at the same level gives the same digest)
/// and never held in memory; then the layers are ordered as <c>manifest.json</c> says and checked against
/// the diff IDs of the configuration.
/// </summary>
public static class DockerArchive
{
    private static readonly JsonSerializerOptions SavedJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// Reads an archive of one image from <paramref name="archive"/> to its end, writing its gzipped layers
    /// under <paramref name="directory"/> (which must exist) at <paramref name="level"/>.
    /// </summary>
    /// <param name="archive">The archive, such as <c>docker save</c>'s standard output.</param>
    /// <param name="name">What the archive is, for messages, such as <c>docker save of IMAGE</c>.</param>
    /// <param name="directory">Where the layer files go; the caller removes them.</param>
    /// <param name="level">The gzip level; part of what fixes the layers' digests.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="InvalidDataException">The archive has no image, or a layer is missing or does not match the image's diff IDs.</exception>
    public static async Task<DockerArchiveImage> ReadAsync(Stream archive, string name, string directory, CompressionLevel level, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var layers = new Dictionary<string, DockerArchiveLayer>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var tar = new TarReader(archive, leaveOpen: true))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var entryName = entry.Name.TrimStart('.', '/');
                if (entry.EntryType == TarEntryType.SymbolicLink)
                {
                    links[entryName] = Path.GetRelativePath(".", Path.Combine(Path.GetDirectoryName(entryName) ?? "", entry.LinkName)).Replace('\\', '/');
                }
                else if (entry.DataStream is null)
                {
                    continue;
                }
                else if (entryName.EndsWith(".json", StringComparison.Ordinal) || entryName.EndsWith("/VERSION", StringComparison.Ordinal) || entryName == "repositories")
                {
                    using var buffer = new MemoryStream();
                    await entry.DataStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    documents[entryName] = buffer.ToArray();
                }
                else
                {
                    var path = Path.Combine(directory, $"layer-{layers.Count}.tar.gz");
                    await using var file = File.Create(path);
                    var layer = await LayerBuilder.CompressAsync(entry.DataStream, file, level, cancellationToken).ConfigureAwait(false);
                    layers[entryName] = new DockerArchiveLayer(layer, path);
                }
            }
        }

        if (!documents.TryGetValue("manifest.json", out var manifestJson))
        {
            throw new InvalidDataException($"{name} has no manifest.json");
        }

        var manifest = JsonSerializer.Deserialize<SavedManifest[]>(manifestJson, SavedJson)?.SingleOrDefault()
            ?? throw new InvalidDataException($"{name}: manifest.json names no image");
        var ordered = manifest.Layers.Select(layerName =>
        {
            var target = links.GetValueOrDefault(layerName, layerName);
            return layers.TryGetValue(target, out var layer) ? layer : throw new InvalidDataException($"{name}: the layer {layerName} is missing");
        }).ToImmutableArray();
        var configJson = documents.GetValueOrDefault(manifest.Config)
            ?? throw new InvalidDataException($"{name}: the configuration {manifest.Config} is missing");
        var config = JsonSerializer.Deserialize<SavedConfig>(configJson, SavedJson);
        var diffIds = config?.RootFs?.DiffIds ?? [];
        if (!diffIds.SequenceEqual(ordered.Select(l => l.Layer.DiffId.ToString()), StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{name}: the layers read do not match the image's diff IDs");
        }

        return new DockerArchiveImage(ordered, configJson);
    }

    /// <summary>An entry of <c>docker save</c>'s <c>manifest.json</c>.</summary>
    private sealed record SavedManifest(string Config, ImmutableArray<string> Layers);

    /// <summary>The part of a saved image configuration that is checked.</summary>
    private sealed record SavedConfig([property: JsonPropertyName("rootfs")] SavedRootFs? RootFs);

    /// <summary>The layers' diff IDs of a saved image configuration.</summary>
    private sealed record SavedRootFs([property: JsonPropertyName("diff_ids")] ImmutableArray<string> DiffIds);
}
