using System.Collections.Immutable;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Tasks;
using Sluice.Oci;
using Sluice.Oci.Building;
using Sluice.Oci.Distribution;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>ImageBuild</c>: a multi-platform image of published binaries, without a daemon: each platform's
/// directory becomes reproducible layers (for a .NET publish output the runtime, the packages and the
/// application apart) on the base image of that platform, read from its registry, and the
/// images and their index are pushed by digest only (the <c>Release</c> task writes tags).
/// </summary>
public sealed class ImageBuildTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <inheritdoc />
    public override string Kind => "ImageBuild";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            A multi-platform container image of published binaries, built without a daemon and pushed by digest.
            Each platform's directory (binaries/RID, as `dotnet publish -r RID -o binaries/RID` writes it) becomes
            reproducible layers on the base image's image for that platform, read from its registry: the .NET runtime and
            the NuGet packages its deps.json lists apart from the application, so a change to the application sends only its
            own layer. The same files give the same digests wherever and whenever they are built. Nothing is tagged: the
            Release task does that.
            """,
        Params =
        [
            Param("image", "The repository to push to, such as registry.example.com/team/app; no tag."),
            Param("base", "The base image, an index with every platform, in a registry.", "mcr.microsoft.com/dotnet/runtime-deps:10.0"),
            ArrayParam("platforms", "The platforms, as os/arch[/variant].", "linux/amd64", "linux/arm64"),
            Param("binaries", "The directory of the source workspace that holds one directory per runtime identifier (linux-x64, linux-arm64).", "binaries"),
            Param("target", "Where the binaries go in the image.", "/app"),
            ArrayParam("entrypoint", "The image's entrypoint; empty keeps the base image's."),
            ArrayParam("env", "NAME=VALUE environment variables of the image."),
            ArrayParam("labels", "NAME=VALUE labels of the image."),
            Param("workdir", "The image's working directory; empty: the target.", string.Empty),
            Param("source-date-epoch", "Seconds since the epoch for every time in the image, such as git-clone's committer-date; empty: 0.", string.Empty),
        ],
        Results =
        [
            Result("IMAGE_URL", "The repository the index was pushed to."),
            Result("IMAGE_DIGEST", "The digest of the image index."),
            Result("IMAGE_REF", "repository@digest of the image index."),
        ],
        Workspaces =
        [
            Workspace("source", "Holds the binaries directory."),
            Workspace(DockerConfigWorkspace, "A Docker configuration (config.json or .dockerconfigjson) with credentials for the registries; else the user's.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var destination = PublishParams.Repository(context, "image", "give the repository alone: images are pushed by digest and the Release task tags them");
        var baseImage = OciReference.Parse(context.Param("base"), out var error)
            ?? throw new CatalogTaskFailure("InvalidParam", $"param base \"{context.Param("base")}\": {error}");
        var binaries = InWorkspace(context, "source", context.Param("binaries"));
        var platforms = PublishParams.PlatformDirectories(context, binaries);
        var entrypoint = context.ArrayParam("entrypoint");
        var request = new ImageBuildRequest
        {
            Base = baseImage,
            Platforms = [.. platforms.Select(p => new PlatformSource(p.Platform, p.Directory))],
            Destination = destination,
            Target = context.Param("target"),
            Entrypoint = entrypoint.IsEmpty ? null : entrypoint,
            Env = Pairs(context.ArrayParam("env"), "env"),
            Labels = Pairs(context.ArrayParam("labels"), "labels"),
            WorkingDir = context.Param("workdir") is { Length: > 0 } workdir ? workdir : context.Param("target"),
            Created = PublishParams.SourceDateEpoch(context),
        };

        using var registry = OpenRegistry(context);
        var key = await KeyAsync(context, registry, baseImage, binaries, cancellationToken).ConfigureAwait(false);
        if (key is not null && await RecallPublishedAsync(context, key, "IMAGE_REF", registry, r => $"{r["IMAGE_REF"]} ({request.Platforms.Length} platforms, up-to-date)", cancellationToken).ConfigureAwait(false) is { } recalled)
        {
            return recalled;
        }

        var scratch = Path.Combine(Services.Scratch, "sluice-image-" + Guid.NewGuid().ToString("N"));
        var progress = new List<string>();
        try
        {
            var builder = new ImageBuilder(registry, scratch)
            {
                Progress = line => { lock (progress) { progress.Add(line); } },
                Memo = context.Cache is { } cache ? new CustomTaskLayerMemo(cache) : null,
            };
            var result = await builder.BuildAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var line in progress)
            {
                await context.Log.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
            }

            var pushed = result.Blobs.Count(b => b.Value != BlobPushOutcome.AlreadyPresent);
            var digest = result.Index.Descriptor.Digest.ToString();
            var summary = pushed == 0 ? "up-to-date" : $"pushed {pushed} of {result.Blobs.Count} blobs";
            await context.Log.WriteLineAsync($"{destination}@{digest}: {summary}", cancellationToken).ConfigureAwait(false);
            var outcome = CustomTaskOutcome.Success(
                Results(("IMAGE_URL", destination.ToString()), ("IMAGE_DIGEST", digest), ("IMAGE_REF", $"{destination}@{digest}")),
                $"{destination}@{digest} ({request.Platforms.Length} platforms, {summary})");
            return await RememberAsync(context, key, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new CatalogTaskFailure("BaseImageUnusable", e.Message);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>The digest of the inputs: the params, the base image's index digest and the binaries' tree; null when the run caches nothing.</summary>
    private async Task<Digest?> KeyAsync(CustomTaskContext context, RegistryClient registry, OciReference baseImage, string binaries, CancellationToken cancellationToken)
    {
        if (context.Cache is not { } cache || (baseImage.Digest ?? (await registry.HeadManifestAsync(baseImage, cancellationToken).ConfigureAwait(false))?.Digest) is not { } baseDigest)
        {
            return null;
        }

        var tree = await cache.DigestTreeAsync(binaries, [], cancellationToken).ConfigureAwait(false);
        return InputKey(context, [KeyValuePair.Create("base", baseDigest.ToString()), KeyValuePair.Create("binaries", tree.ToString())]);
    }

    private static ImmutableArray<KeyValuePair<string, string>> Pairs(ImmutableArray<string> items, string param)
    {
        var pairs = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(items.Length);
        foreach (var item in items)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param {param}: \"{item}\" is not NAME=VALUE");
            }

            pairs.Add(KeyValuePair.Create(item[..equals], item[(equals + 1)..]));
        }

        return pairs.MoveToImmutable();
    }
}
