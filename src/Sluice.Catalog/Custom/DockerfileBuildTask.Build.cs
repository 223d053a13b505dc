using System.Collections.Immutable;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Sluice.Engine.CustomTasks;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layout;

namespace Sluice.Catalog.Custom;

/// <summary>The build of one platform with Docker, its reading back as an OCI image, and the push.</summary>
public sealed partial class DockerfileBuildTask
{
    /// <summary>How many of the build's last lines a failure's message quotes.</summary>
    private const int QuotedLines = 8;

    /// <summary>
    /// Builds one platform under <paramref name="tag"/>, its output going to the log line by line as it comes,
    /// then reads the image with <c>docker save</c>, its layers gzipped to files under <paramref name="scratch"/>.
    /// </summary>
    private static async Task<BuiltImage> BuildAsync(CustomTaskContext context, DockerfileBuild build, Platform platform, string tag, string scratch, CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "build", "--progress=plain", "--platform", platform.ToString(), "--network", build.Network,
            "--file", build.Dockerfile, "--tag", tag, "--label", $"{RunLabel}={build.RunUid}",
        ];
        foreach (var buildArg in build.BuildArgs)
        {
            arguments.AddRange(["--build-arg", buildArg]);
        }

        arguments.Add(build.Context);
        await context.Log.WriteLineAsync($"[{platform}] docker build --platform {platform} --network {build.Network}", cancellationToken).ConfigureAwait(false);
        var last = new Queue<string>(QuotedLines);
        var exitCode = await DockerCommand.RunAsync(
            arguments,
            async (line, token) =>
            {
                if (line.Trim().Length == 0)
                {
                    return;
                }

                await context.Log.WriteLineAsync($"[{platform}] {line}", token).ConfigureAwait(false);
                if (!StepDigest().IsMatch(line))
                {
                    if (last.Count == QuotedLines)
                    {
                        last.Dequeue();
                    }

                    last.Enqueue(line);
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new CatalogTaskFailure("BuildFailed", $"docker build for {platform} failed (exit code {exitCode}): {string.Join('\n', last)}");
        }

        var directory = Directory.CreateDirectory(Path.Combine(scratch, TagOf(platform))).FullName;
        var saved = await DockerCommand.ReadAsync(
            ["save", tag],
            output => DockerArchive.ReadAsync(output, $"docker save of {tag}", directory, CompressionLevel.Fastest, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var image = ToOci(saved, platform, build.Created, tag);
        await context.Log.WriteLineAsync($"[{platform}] image {image.Manifest.Descriptor.Digest} ({image.Layers.Length} layers, {image.Layers.Sum(l => l.Layer.Descriptor.Size)} bytes gzipped)", cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>
    /// The OCI image of what Docker built: its layers as read, and its configuration with the run's label
    /// dropped and every time set to the build's (so that a rebuild from the same layers has the same digest).
    /// Docker's fields that OCI has no place for (health check, shell, on-build) are dropped.
    /// </summary>
    private static BuiltImage ToOci(DockerArchiveImage saved, Platform platform, DateTimeOffset created, string tag)
    {
        var config = OciJson.Deserialize<ImageConfig>(saved.Config.Span, out var error)
            ?? throw new InvalidDataException($"docker save of {tag}: {error}");
        if (config.Os != platform.Os || config.Architecture != platform.Architecture || (platform.Variant is not null && config.Variant != platform.Variant))
        {
            throw new CatalogTaskFailure("BuildFailed", $"docker build for {platform} made a {config.Platform} image; the Dockerfile's last stage must not name another --platform");
        }

        var settings = config.Config;
        if (settings?.Labels is { } labels && labels.ContainsKey(RunLabel))
        {
            var kept = labels.Where(l => l.Key != RunLabel).ToDictionary(StringComparer.Ordinal);
            settings = settings with { Labels = kept.Count == 0 ? null : kept };
        }

        var content = OciContent.Create(config with
        {
            Created = created,
            Config = settings,
            History = [.. config.History.Select(h => h with { Created = created })],
        });
        var manifest = OciContent.Create(new ImageManifest { Config = content.Descriptor, Layers = [.. saved.Layers.Select(l => l.Layer.Descriptor)] });
        return new BuiltImage(manifest, content, saved.Layers, config.Platform with { OsFeatures = [] });
    }

    /// <summary>
    /// Pushes the images and their index by digest: nothing when the registry has the index (a <c>HEAD</c>
    /// first), else each image's missing blobs and manifest, then the index.
    /// </summary>
    private static async Task<PublishOutcome> PushAsync(RegistryClient registry, OciRepository repository, ImmutableArray<BuiltImage> images, OciContent index, CancellationToken cancellationToken)
    {
        if (await registry.HeadManifestAsync(repository.WithDigest(index.Descriptor.Digest), cancellationToken).ConfigureAwait(false) is not null)
        {
            return PublishOutcome.UpToDate;
        }

        foreach (var image in images)
        {
            IEnumerable<(Descriptor Blob, Func<Stream> Open)> blobs =
            [
                .. image.Layers.Select(l => (l.Layer.Descriptor, (Func<Stream>)(() => File.OpenRead(l.Path)))),
                (image.Config.Descriptor, () => new MemoryStream(image.Config.Bytes.ToArray(), writable: false)),
            ];
            await ManifestPublishing.PushOnceAsync(registry, repository, image.Manifest, blobs, cancellationToken).ConfigureAwait(false);
        }

        return await ManifestPublishing.PushOnceAsync(registry, repository, index, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the temporary images; one that was never made is skipped by docker, which then fails, and that is ignored.</summary>
    private static async Task RemoveAsync(IReadOnlyCollection<string> tags)
    {
        if (tags.Count > 0)
        {
            await DockerCommand.RunAsync(["image", "rm", .. tags], (_, _) => ValueTask.CompletedTask, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>BuildKit's line naming a step's digest, which says nothing about a failure.</summary>
    [GeneratedRegex(@"^#\d+ sha256:[0-9a-f]{64}$")]
    private static partial Regex StepDigest();

    /// <summary>One platform's image, ready to push.</summary>
    /// <param name="Manifest">Its OCI image manifest.</param>
    /// <param name="Config">Its configuration.</param>
    /// <param name="Layers">Its gzipped layers on disk.</param>
    /// <param name="Platform">Its platform, as the index names it.</param>
    private sealed record BuiltImage(OciContent Manifest, OciContent Config, ImmutableArray<DockerArchiveLayer> Layers, Platform Platform);
}
