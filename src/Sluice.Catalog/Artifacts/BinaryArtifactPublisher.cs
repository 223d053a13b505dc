using System.Collections.Immutable;
using System.IO.Compression;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layers;

namespace Sluice.Catalog.Artifacts;

/// <summary>One platform's files: a directory such as the output of <c>dotnet publish -r linux-x64</c>.</summary>
/// <param name="Platform">The platform the files are for.</param>
/// <param name="Directory">The directory whose tree becomes the archive.</param>
public sealed record BinarySource(Platform Platform, string Directory);

/// <summary>Binaries to publish as OCI artifacts: one archive per platform and an index over them.</summary>
public sealed record BinaryArtifactRequest
{
    /// <summary>The artifact type Sluice gives binaries.</summary>
    public const string DefaultArtifactType = "application/vnd.sluice.binaries.v1+tar";

    /// <summary>The name in each archive's title, <c>NAME-OS-ARCH[-VARIANT].tar.gz</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Each platform's directory; one manifest per entry.</summary>
    public required ImmutableArray<BinarySource> Platforms { get; init; }

    /// <summary>The repository the manifests and the index are pushed to, by digest.</summary>
    public required OciRepository Destination { get; init; }

    /// <summary>The artifact type of each manifest and of the index.</summary>
    public string ArtifactType { get; init; } = DefaultArtifactType;

    /// <summary>The time of every archive entry; the Unix epoch by default, for reproducible digests.</summary>
    public DateTimeOffset ModificationTime { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>The gzip level; part of what fixes the digests.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>Annotations of the index, such as <c>org.opencontainers.image.version</c>.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}

/// <summary>One platform's published archive.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="FileName">The archive's title: <c>NAME-OS-ARCH[-VARIANT].tar.gz</c>.</param>
/// <param name="Manifest">The artifact manifest's descriptor, as the index names it.</param>
/// <param name="Archive">The archive's descriptor (the manifest's one layer).</param>
/// <param name="Outcome">Whether the manifest was already there or was pushed.</param>
public sealed record PublishedBinary(Platform Platform, string FileName, Descriptor Manifest, Descriptor Archive, PublishOutcome Outcome);

/// <summary>What publishing binaries did.</summary>
/// <param name="Repository">The repository.</param>
/// <param name="Index">The index's descriptor; its digest names the whole set.</param>
/// <param name="Platforms">Each platform's archive and manifest, in the request's order.</param>
/// <param name="Outcome">Up to date when the registry had the index (and so everything), else pushed.</param>
public sealed record BinaryArtifactResult(OciRepository Repository, Descriptor Index, ImmutableArray<PublishedBinary> Platforms, PublishOutcome Outcome)
{
    /// <summary>The index by digest: <c>REGISTRY/REPO@sha256:…</c>.</summary>
    public OciReference Reference => Repository.WithDigest(Index.Digest);
}

/// <summary>
/// Publishes per-platform binaries as OCI artifacts: each platform's directory becomes a reproducible
/// tar.gz (<see cref="LayerBuilder"/>: sorted entries, fixed time, owner 0:0, modes 0644 or 0755 from the
/// executable bit, symlinks kept), pushed as an artifact manifest (the artifact type, the empty config
/// <c>{}</c>, the archive as its one layer titled <c>NAME-OS-ARCH.tar.gz</c>), and an image index over
/// the manifests names their platforms. Everything is pushed by digest only; when the registry has the
/// index nothing is sent, and a manifest it has is not sent again.
/// </summary>
public sealed class BinaryArtifactPublisher
{
    private readonly RegistryClient _registry;
    private readonly string _scratch;

    /// <summary>A publisher pushing with a client; archives are written under <paramref name="scratch"/> while they are pushed.</summary>
    public BinaryArtifactPublisher(RegistryClient registry, string scratch)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrEmpty(scratch);
        _registry = registry;
        _scratch = scratch;
    }

    /// <summary>Archives every platform's directory and pushes what the registry lacks.</summary>
    /// <exception cref="ArgumentException">No platforms, a platform given twice, or a directory that does not exist.</exception>
    /// <exception cref="RegistryException">The registry refused a request.</exception>
    public async Task<BinaryArtifactResult> PublishAsync(BinaryArtifactRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(request);
        Directory.CreateDirectory(_scratch);
        var archives = new List<(BinarySource Source, string Path, string FileName, Descriptor Layer, OciContent Manifest)>();
        try
        {
            foreach (var source in request.Platforms)
            {
                archives.Add(await ArchiveAsync(request, source, cancellationToken));
            }

            var index = OciContent.Create(new ImageIndex
            {
                ArtifactType = request.ArtifactType,
                Manifests = [.. archives.Select(a => a.Manifest.Descriptor with { Platform = a.Source.Platform, ArtifactType = request.ArtifactType })],
                Annotations = request.Annotations.Count == 0 ? null : request.Annotations,
            });
            var repository = request.Destination;
            if (await _registry.HeadManifestAsync(repository.WithDigest(index.Descriptor.Digest), cancellationToken) is not null)
            {
                return new BinaryArtifactResult(repository, index.Descriptor, [.. archives.Select(a => Published(a, PublishOutcome.UpToDate))], PublishOutcome.UpToDate);
            }

            var published = ImmutableArray.CreateBuilder<PublishedBinary>();
            foreach (var archive in archives)
            {
                var outcome = await ManifestPublishing.PushOnceAsync(
                    _registry,
                    repository,
                    archive.Manifest,
                    [(Descriptor.Empty, () => new MemoryStream("{}"u8.ToArray(), writable: false)), (archive.Layer, () => File.OpenRead(archive.Path))],
                    cancellationToken);
                published.Add(Published(archive, outcome));
            }

            await _registry.PushManifestAsync(repository, index, cancellationToken);
            return new BinaryArtifactResult(repository, index.Descriptor, published.ToImmutable(), PublishOutcome.Pushed);
        }
        finally
        {
            foreach (var archive in archives)
            {
                File.Delete(archive.Path);
            }
        }
    }

    /// <summary>The archive's title for a platform: <c>NAME-OS-ARCH[-VARIANT].tar.gz</c>.</summary>
    public static string FileName(string name, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return $"{name}-{platform.Os}-{platform.Architecture}{(platform.Variant is null ? "" : "-" + platform.Variant)}.tar.gz";
    }

    private static PublishedBinary Published((BinarySource Source, string Path, string FileName, Descriptor Layer, OciContent Manifest) archive, PublishOutcome outcome) =>
        new(archive.Source.Platform, archive.FileName, archive.Manifest.Descriptor, archive.Layer, outcome);

    private async Task<(BinarySource, string, string, Descriptor, OciContent)> ArchiveAsync(BinaryArtifactRequest request, BinarySource source, CancellationToken cancellationToken)
    {
        var fileName = FileName(request.Name, source.Platform);
        var path = Path.Combine(_scratch, $"{Guid.NewGuid():N}-{fileName}");
        var builder = new LayerBuilder(new LayerOptions { ModificationTime = request.ModificationTime, CompressionLevel = request.CompressionLevel }).AddDirectory(source.Directory);
        Layer layer;
        await using (var file = File.Create(path))
        {
            layer = await builder.WriteAsync(file, cancellationToken);
        }

        var descriptor = layer.Descriptor.WithAnnotation(Oci.Annotations.Title, fileName);
        var manifest = OciContent.Create(new ImageManifest
        {
            ArtifactType = request.ArtifactType,
            Config = Descriptor.Empty,
            Layers = [descriptor],
        });
        return (source, path, fileName, descriptor, manifest);
    }

    private static void Check(BinaryArtifactRequest request)
    {
        if (request.Platforms.IsDefaultOrEmpty)
        {
            throw new ArgumentException("no platforms to publish: give at least one platform's directory", nameof(request));
        }

        if (request.Platforms.GroupBy(p => p.Platform.ToString()).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"{duplicate.Key} is given {duplicate.Count()} times; an index holds one artifact per platform", nameof(request));
        }

        if (request.Platforms.FirstOrDefault(p => !Directory.Exists(p.Directory)) is { } missing)
        {
            throw new ArgumentException($"the {missing.Platform} directory {missing.Directory} does not exist: publish that platform first", nameof(request));
        }
    }
}
