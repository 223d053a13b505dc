using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO.Compression;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layers;

namespace Sluice.Oci.Building;

/// <summary>What one platform of an image is built from: a directory of files for that platform.</summary>
/// <param name="Platform">The platform, which the base image must have.</param>
/// <param name="Directory">The directory whose files become the new layer.</param>
public sealed record PlatformSource(Platform Platform, string Directory);

/// <summary>An image to build without a daemon: a base image from a registry and one layer of files per platform.</summary>
public sealed record ImageBuildRequest
{
    /// <summary>The base image: an image index with every platform asked for, or a manifest of the one platform.</summary>
    public required OciReference Base { get; init; }

    /// <summary>The files of each platform; one image per entry.</summary>
    public required ImmutableArray<PlatformSource> Platforms { get; init; }

    /// <summary>Where the files land in the image.</summary>
    public string Target { get; init; } = "/app";

    /// <summary>The repository the images and the index are pushed to, by digest.</summary>
    public required OciRepository Destination { get; init; }

    /// <summary>The entrypoint instead of the base image's (which also drops its default arguments), or null to keep it.</summary>
    public ImmutableArray<string>? Entrypoint { get; init; }

    /// <summary>The default arguments instead of the base image's, or null to keep them.</summary>
    public ImmutableArray<string>? Cmd { get; init; }

    /// <summary>Environment variables set over the base image's.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>Labels set over the base image's.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>The working directory instead of the base image's, or null to keep it.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The user instead of the base image's, or null to keep it.</summary>
    public string? User { get; init; }

    /// <summary>The time of the layer's files, the configuration and its history: a fixed time makes the build reproducible.</summary>
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// How hard the new layers are compressed: the fastest level by default, which takes much less time
    /// than the optimal one for somewhat more bytes. One level gives one digest for the same files.
    /// </summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Fastest;

    /// <summary>
    /// Whether a platform's directory that is a <c>dotnet publish</c> output is split by
    /// <see cref="DotnetLayers"/>: the .NET runtime and the NuGet packages in layers of their own below
    /// the application's files, so that a change to the application leaves them as they were. On by
    /// default; off, or for any other directory, the files make one layer.
    /// </summary>
    public bool SplitDotnetLayers { get; init; } = true;
}

/// <summary>What a build pushed.</summary>
/// <param name="Index">The image index (pushed by digest).</param>
/// <param name="Images">Each platform's manifest descriptor.</param>
/// <param name="Blobs">How each blob reached the registry, by digest.</param>
public sealed record ImageBuildResult(OciContent Index, ImmutableArray<Descriptor> Images, ImmutableDictionary<Digest, BlobPushOutcome> Blobs);

/// <summary>
/// Builds images without a daemon: for each platform, the base image's manifest and configuration are
/// read from its registry, reproducible layers (<see cref="LayerBuilder"/>: sorted entries, fixed
/// times, owners and modes) are made of the platform's directory (one, or for a .NET publish output the
/// runtime, the packages and the application, see <see cref="ImageBuildRequest.SplitDotnetLayers"/>), and
/// the configuration is the base's with the request's settings over it. With a <see cref="Memo"/>, a layer
/// whose tar was compressed before and whose blob the destination has is neither compressed nor sent again. Base layers are mounted from the base repository when it is in the
/// same registry, else copied through; every blob and manifest the destination already has is left as
/// it is. The same files and settings give the same digests wherever and whenever they are built.
/// </summary>
public sealed class ImageBuilder
{
    private readonly RegistryClient _registry;
    private readonly string _scratch;

    /// <summary>A builder pushing with a client; layers are written under <paramref name="scratch"/> while they are pushed.</summary>
    public ImageBuilder(RegistryClient registry, string scratch)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrEmpty(scratch);
        _registry = registry;
        _scratch = scratch;
    }

    /// <summary>Called with a line of progress for each step of the build.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>What compressing layers gave before, or null to compress every layer each time.</summary>
    public ILayerMemo? Memo { get; init; }

    /// <summary>Builds and pushes every platform's image and the index of them, by digest.</summary>
    /// <exception cref="InvalidOperationException">The base image lacks a platform asked for, or cannot be read.</exception>
    /// <exception cref="RegistryException">A registry refused a request.</exception>
    public async Task<ImageBuildResult> BuildAsync(ImageBuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var duplicate = request.Platforms.GroupBy(p => p.Platform.ToString()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{duplicate.Key} is given {duplicate.Count()} times; an image index holds one image per platform", nameof(request));
        }

        var baseContent = await _registry.GetManifestAsync(request.Base, cancellationToken)
            ?? throw new InvalidOperationException($"the base image {request.Base} is not in its registry");
        var blobs = new ConcurrentDictionary<Digest, BlobPushOutcome>();
        Directory.CreateDirectory(_scratch);

        // The platforms are independent: their layers are written and pushed at the same time.
        ImmutableArray<Descriptor> images = [.. await Task.WhenAll(request.Platforms.Select(source => BuildPlatformAsync(request, baseContent, source, blobs, cancellationToken)))];
        var index = OciContent.Create(new ImageIndex { Manifests = images });
        await PushManifestOnceAsync(request.Destination, index, cancellationToken);
        Progress?.Invoke($"index {index.Descriptor.Digest} ({images.Length} platforms)");
        return new ImageBuildResult(index, images, blobs.ToImmutableDictionary());
    }

    private async Task<Descriptor> BuildPlatformAsync(ImageBuildRequest request, OciContent baseContent, PlatformSource source, ConcurrentDictionary<Digest, BlobPushOutcome> blobs, CancellationToken cancellationToken)
    {
        var platform = source.Platform;
        var (baseManifest, baseConfig) = await BaseImageAsync(request.Base, baseContent, platform, cancellationToken);
        foreach (var layer in baseManifest.Layers)
        {
            blobs[layer.Digest] = await CopyBlobAsync(request.Base.Repository, request.Destination, layer, cancellationToken);
        }

        var added = new List<(string Name, Layer Layer)>();
        foreach (var (name, builder) in Layers(request, source))
        {
            added.Add((name, await AddLayerAsync(request, builder, blobs, cancellationToken)));
        }

        var config = OciContent.Create(Configure(baseConfig, added, request, platform));
        blobs[config.Descriptor.Digest] = await _registry.PushBlobAsync(request.Destination, config, cancellationToken);
        // Docker's layer type names the same bytes as OCI's: the image is written as OCI throughout.
        var baseLayers = baseManifest.Layers.Select(l => l.MediaType == MediaTypes.DockerLayerGzip ? l with { MediaType = MediaTypes.LayerGzip } : l);
        var manifest = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [.. baseLayers, .. added.Select(a => a.Layer.Descriptor)] });
        await PushManifestOnceAsync(request.Destination, manifest, cancellationToken);
        var layers = string.Join(", ", added.Select(a => $"{a.Name} {a.Layer.Descriptor.Digest} ({a.Layer.Descriptor.Size} bytes, {Describe(blobs[a.Layer.Descriptor.Digest])})"));
        Progress?.Invoke($"{platform}: {layers} on {baseManifest.Layers.Length} base layers; image {manifest.Descriptor.Digest}");
        return manifest.Descriptor with { Platform = baseConfig.Platform with { OsFeatures = [] } };
    }

    /// <summary>The new layers of a platform, lowest first, each with what it holds.</summary>
    private static List<(string Name, LayerBuilder Builder)> Layers(ImageBuildRequest request, PlatformSource source)
    {
        var options = new LayerOptions { ModificationTime = request.Created, CompressionLevel = request.CompressionLevel };
        var parts = request.SplitDotnetLayers ? DotnetLayers.Of(source.Directory) : [];
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var layers = new List<(string Name, LayerBuilder Builder)>();
        foreach (var part in parts)
        {
            var files = part.Files.Where(taken.Add).ToHashSet(StringComparer.Ordinal);
            layers.Add((part.Name, new LayerBuilder(options).AddDirectory(source.Directory, request.Target, files.Contains)));
        }

        layers.Add((parts.IsEmpty ? "files" : "application", new LayerBuilder(options).AddDirectory(source.Directory, request.Target, path => !taken.Contains(path))));
        return layers;
    }

    /// <summary>
    /// Gives the destination one new layer: recalled when the memo knows its tar's blob and the registry
    /// has it, else compressed to the scratch directory, pushed unless present, and remembered.
    /// </summary>
    private async Task<Layer> AddLayerAsync(ImageBuildRequest request, LayerBuilder builder, ConcurrentDictionary<Digest, BlobPushOutcome> blobs, CancellationToken cancellationToken)
    {
        if (Memo is { } memo)
        {
            var (diffId, size) = await builder.DigestAsync(cancellationToken);
            if (await memo.RecallAsync(diffId, request.CompressionLevel, cancellationToken) is { } known
                && await _registry.HeadBlobAsync(request.Destination, known.Digest, cancellationToken) == known.Size)
            {
                blobs[known.Digest] = BlobPushOutcome.AlreadyPresent;
                return new Layer(known, diffId, size);
            }
        }

        var layerPath = Path.Combine(_scratch, $"layer-{Guid.NewGuid():N}.tar.gz");
        try
        {
            Layer added;
            await using (var file = File.Create(layerPath))
            {
                added = await builder.WriteAsync(file, cancellationToken);
            }

            await using (var content = File.OpenRead(layerPath))
            {
                blobs[added.Descriptor.Digest] = await _registry.PushBlobAsync(request.Destination, added.Descriptor, content, cancellationToken);
            }

            if (Memo is { } remember)
            {
                await remember.RememberAsync(added.DiffId, request.CompressionLevel, added.Descriptor, cancellationToken);
            }

            return added;
        }
        finally
        {
            File.Delete(layerPath);
        }
    }

    /// <summary>The base image's manifest and configuration for a platform.</summary>
    private async Task<(ImageManifest Manifest, ImageConfig Config)> BaseImageAsync(OciReference reference, OciContent content, Platform platform, CancellationToken cancellationToken)
    {
        var repository = reference.Repository;
        ImageManifest? manifest;
        if (MediaTypes.IsIndex(content.Descriptor.MediaType) && content.AsIndex(out _) is { } index)
        {
            var entry = index.ForPlatform(platform)
                ?? throw new InvalidOperationException($"the base image {reference} has no {platform} image (it has {string.Join(", ", index.Manifests.Select(m => m.Platform?.ToString() ?? "?"))})");
            var child = await _registry.GetManifestAsync(repository.WithDigest(entry.Digest), cancellationToken)
                ?? throw new InvalidOperationException($"the base image {reference} names {entry.Digest} for {platform}, which its registry does not have");
            manifest = child.AsManifest(out var error) ?? throw new InvalidOperationException($"the base image's {platform} manifest cannot be read: {error}");
        }
        else
        {
            manifest = content.AsManifest(out var error) ?? throw new InvalidOperationException($"the base image {reference} cannot be read: {error}");
        }

        var configBytes = await _registry.GetBlobBytesAsync(repository, manifest.Config, cancellationToken);
        var config = new OciContent(manifest.Config, configBytes).AsConfig(out var configError)
            ?? throw new InvalidOperationException($"the base image's configuration cannot be read: {configError}");
        if (config.Os != platform.Os || config.Architecture != platform.Architecture)
        {
            throw new InvalidOperationException($"the base image {reference} is {config.Platform}, not {platform}");
        }

        return (manifest, config);
    }

    private static ImageConfig Configure(ImageConfig baseConfig, List<(string Name, Layer Layer)> added, ImageBuildRequest request, Platform platform)
    {
        var settings = baseConfig.Config ?? new ContainerConfig();
        var env = settings.Env.ToList();
        foreach (var (name, value) in request.Env)
        {
            env.RemoveAll(e => e.StartsWith(name + "=", StringComparison.Ordinal));
            env.Add($"{name}={value}");
        }

        var labels = new SortedDictionary<string, string>(settings.Labels?.ToDictionary() ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in request.Labels)
        {
            labels[name] = value;
        }

        return baseConfig with
        {
            Created = request.Created,
            Variant = baseConfig.Variant ?? platform.Variant,
            Config = settings with
            {
                Env = [.. env],
                Entrypoint = request.Entrypoint ?? settings.Entrypoint,
                Cmd = request.Cmd ?? (request.Entrypoint is null ? settings.Cmd : []),
                WorkingDir = request.WorkingDir ?? settings.WorkingDir,
                User = request.User ?? settings.User,
                Labels = labels.Count == 0 ? null : labels,
            },
            RootFs = baseConfig.RootFs with { DiffIds = [.. baseConfig.RootFs.DiffIds, .. added.Select(a => a.Layer.DiffId)] },
            History = [.. baseConfig.History, .. added.Select(a => new HistoryEntry { Created = request.Created, CreatedBy = $"sluice image build: {request.Target}", Comment = $"{a.Name} of {platform}" })],
        };
    }

    /// <summary>Gives the destination a blob of the base image: nothing when it has it, a mount within one registry, else a copy.</summary>
    private async Task<BlobPushOutcome> CopyBlobAsync(OciRepository from, OciRepository to, Descriptor blob, CancellationToken cancellationToken)
    {
        if (await _registry.HeadBlobAsync(to, blob.Digest, cancellationToken) is not null)
        {
            return BlobPushOutcome.AlreadyPresent;
        }

        if (from.Registry == to.Registry && await _registry.MountBlobAsync(to, blob.Digest, from, cancellationToken))
        {
            return BlobPushOutcome.Mounted;
        }

        await using var content = await _registry.OpenBlobAsync(from, blob, cancellationToken);
        return await _registry.PushBlobAsync(to, blob, content, cancellationToken);
    }

    private async Task PushManifestOnceAsync(OciRepository repository, OciContent manifest, CancellationToken cancellationToken)
    {
        if (await _registry.HeadManifestAsync(repository.WithDigest(manifest.Descriptor.Digest), cancellationToken) is null)
        {
            await _registry.PushManifestAsync(repository, manifest, cancellationToken);
        }
    }

    private static string Describe(BlobPushOutcome outcome) => outcome switch
    {
        BlobPushOutcome.AlreadyPresent => "already there",
        BlobPushOutcome.Mounted => "mounted",
        _ => "uploaded",
    };
}
