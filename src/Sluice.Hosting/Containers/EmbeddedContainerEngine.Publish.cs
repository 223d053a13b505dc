using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layers;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Publishing: each container's snapshot is read with <c>docker save</c>, its layers compressed and
/// pushed (the registry is asked first, so unchanged layers are not sent again), and an image
/// configuration written from the container's platform and settings rather than from the snapshot,
/// whose committed configuration holds the last exec's argv. Several containers become one image index.
/// Everything is pushed by digest; the tag, when the address has one, is pointed at the result last.
/// </summary>
internal sealed partial class EmbeddedContainerEngine
{
    public async Task<string> PublishAsync(string address, ImmutableArray<ContainerOp> containers, CancellationToken cancellationToken)
    {
        var reference = OciReference.Parse(address, out var error)
            ?? throw new ArgumentException($"cannot publish to \"{address}\": {error}", nameof(address));
        if (reference.Digest is not null)
        {
            throw new ArgumentException($"cannot publish to \"{address}\": name a tag or no tag, not a digest; the digest is what publishing returns", nameof(address));
        }

        var credentials = DockerCredentials.Load(DockerCredentials.DefaultPath, out error)
            ?? throw new InvalidOperationException($"cannot publish to {address}: {error}");
        var states = await Task.WhenAll(containers.Select(c => StateAsync(c, cancellationToken))).ConfigureAwait(false);
        using var registry = new RegistryClient(new RegistryClientOptions { Credentials = credentials });
        var work = Path.Combine(_session.Home.Root, "tmp", "publish-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var manifests = await Task.WhenAll(states.Select((state, i) =>
                PushImageAsync(registry, reference.Repository, state, Path.Combine(work, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken))).ConfigureAwait(false);
            var top = manifests.Length == 1
                ? manifests[0].Manifest
                : OciContent.Create(new ImageIndex { Manifests = [.. manifests.Select(m => m.Manifest.Descriptor with { Platform = m.Platform })] });
            if (manifests.Length > 1)
            {
                await PushManifestOnceAsync(registry, reference.Repository, top, cancellationToken).ConfigureAwait(false);
            }

            // A reference without a tag parses as :latest; publishing tags only what the address names.
            if (reference.Tag is { } tag && OciReference.NamesTag(address))
            {
                await registry.TagAsync(reference.Repository, top.Descriptor.Digest, tag, cancellationToken).ConfigureAwait(false);
            }

            return $"{reference.Repository}@{top.Descriptor.Digest}";
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Pushes one container's layers, configuration and manifest by digest.</summary>
    private async Task<(OciContent Manifest, Oci.Platform Platform)> PushImageAsync(RegistryClient registry, OciRepository repository, ContainerState state, string work, CancellationToken cancellationToken)
    {
        var image = RootFilesystem(state, new ScratchOp(state.Settings.Platform));
        Directory.CreateDirectory(work);
        var saved = await SaveAsync(image, work, cancellationToken).ConfigureAwait(false);
        var platform = Oci.Platform.Parse(state.Settings.Platform, out var error)
            ?? throw new InvalidOperationException($"the container's platform {state.Settings.Platform} is not usable: {error}");
        var config = OciContent.Create(new ImageConfig
        {
            Created = DateTimeOffset.UnixEpoch,
            Architecture = platform.Architecture,
            Os = platform.Os,
            Variant = platform.Variant,
            Config = ImageSettings(state.Settings),
            RootFs = new RootFs { DiffIds = [.. saved.Select(l => l.Layer.DiffId)] },
        });

        foreach (var (layer, path) in saved)
        {
            await using var content = File.OpenRead(path);
            await registry.PushBlobAsync(repository, layer.Descriptor, content, cancellationToken).ConfigureAwait(false);
        }

        await registry.PushBlobAsync(repository, config, cancellationToken).ConfigureAwait(false);
        var manifest = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [.. saved.Select(l => l.Layer.Descriptor)] });
        await PushManifestOnceAsync(registry, repository, manifest, cancellationToken).ConfigureAwait(false);
        return (manifest, platform);
    }

    /// <summary>Pushes a manifest by digest unless the repository has it: publishing again sends no manifest.</summary>
    private static async Task PushManifestOnceAsync(RegistryClient registry, OciRepository repository, OciContent manifest, CancellationToken cancellationToken)
    {
        if (await registry.HeadManifestAsync(repository.WithDigest(manifest.Descriptor.Digest), cancellationToken).ConfigureAwait(false) is null)
        {
            await registry.PushManifestAsync(repository, manifest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads <c>docker save</c> of an image: compresses each layer to a file under <paramref name="work"/>
    /// as it streams past, then orders them as its <c>manifest.json</c> says and checks each against the
    /// diff IDs of its configuration.
    /// </summary>
    private async Task<ImmutableArray<(Layer Layer, string Path)>> SaveAsync(string imageId, string work, CancellationToken cancellationToken)
    {
        var layers = new Dictionary<string, (Layer Layer, string Path)>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var stream = await _docker.SaveImageAsync(imageId, cancellationToken).ConfigureAwait(false))
        {
            await using var tar = new TarReader(stream);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (entry.EntryType == TarEntryType.SymbolicLink)
                {
                    links[name] = Path.GetRelativePath(".", Path.Combine(Path.GetDirectoryName(name) ?? "", entry.LinkName)).Replace('\\', '/');
                }
                else if (entry.DataStream is null)
                {
                    continue;
                }
                else if (name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith("/VERSION", StringComparison.Ordinal) || name == "repositories")
                {
                    using var buffer = new MemoryStream();
                    await entry.DataStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    documents[name] = buffer.ToArray();
                }
                else
                {
                    var path = Path.Combine(work, $"layer-{layers.Count}.tar.gz");
                    await using var file = File.Create(path);
                    var layer = await LayerBuilder.CompressAsync(entry.DataStream, file, CompressionLevel.Fastest, cancellationToken).ConfigureAwait(false);
                    layers[name] = (layer, path);
                }
            }
        }

        if (!documents.TryGetValue("manifest.json", out var manifestJson))
        {
            throw new InvalidDataException($"docker save of {imageId} has no manifest.json");
        }

        var manifest = JsonSerializer.Deserialize<SavedManifest[]>(manifestJson, SavedJson)?.SingleOrDefault()
            ?? throw new InvalidDataException($"docker save of {imageId}: manifest.json names no image");
        var ordered = manifest.Layers.Select(name =>
        {
            var target = links.GetValueOrDefault(name, name);
            return layers.TryGetValue(target, out var layer) ? layer : throw new InvalidDataException($"docker save of {imageId}: the layer {name} is missing");
        }).ToImmutableArray();
        var config = JsonSerializer.Deserialize<SavedConfig>(documents.GetValueOrDefault(manifest.Config) ?? [], SavedJson);
        var diffIds = config?.RootFs?.DiffIds ?? [];
        if (!diffIds.SequenceEqual(ordered.Select(l => l.Layer.DiffId.ToString()), StringComparer.Ordinal))
        {
            throw new InvalidDataException($"docker save of {imageId}: the layers read do not match the image's diff IDs");
        }

        return ordered;
    }

    /// <summary>The published configuration: the base image's, with what the container's ops set over it.</summary>
    private static ContainerConfig ImageSettings(ContainerSettings settings)
    {
        var image = settings.Base;
        var env = new List<string>(image?.Env ?? []);
        foreach (var (name, value) in settings.Env)
        {
            env.RemoveAll(e => e.StartsWith(name + "=", StringComparison.Ordinal));
            env.Add($"{name}={value}");
        }

        var entrypoint = settings.Entrypoint ?? image?.Entrypoint ?? [];
        var cmd = settings.DefaultArgs ?? (settings.Entrypoint is null ? image?.Cmd ?? [] : []);
        return new ContainerConfig
        {
            Env = [.. env],
            Entrypoint = entrypoint,
            Cmd = cmd,
            WorkingDir = settings.Workdir ?? image?.WorkingDir,
            User = image?.User,
            Labels = settings.Labels.IsEmpty ? null : settings.Labels,
        };
    }

    private static readonly JsonSerializerOptions SavedJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>An entry of <c>docker save</c>'s <c>manifest.json</c>.</summary>
    private sealed record SavedManifest(string Config, ImmutableArray<string> Layers);

    /// <summary>The part of a saved image configuration that is checked.</summary>
    private sealed record SavedConfig([property: System.Text.Json.Serialization.JsonPropertyName("rootfs")] SavedRootFs? RootFs);

    /// <summary>The layers' diff IDs of a saved image configuration.</summary>
    private sealed record SavedRootFs([property: System.Text.Json.Serialization.JsonPropertyName("diff_ids")] ImmutableArray<string> DiffIds);
}
