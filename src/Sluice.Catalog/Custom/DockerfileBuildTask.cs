using System.Collections.Immutable;
using System.Globalization;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Tasks;
using Sluice.Oci;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>DockerfileBuild</c>: a multi-platform image from a Dockerfile. Each platform is built by the host's
/// Docker with BuildKit (<c>/usr/bin/docker build --platform</c>) under a temporary tag, read back with
/// <c>docker save</c> and written as an OCI image; the images and their index are pushed by digest only
/// (the <c>Release</c> task writes tags), and the temporary images are removed however the task ends.
/// </summary>
public sealed partial class DockerfileBuildTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <summary>The label on each image it builds, whose value is the run's uid; the images are removed when the task ends.</summary>
    public const string RunLabel = "sluice.dev/dockerfile-build";

    /// <summary>The values of the <c>network</c> param: those of <c>docker build --network</c> that need no network of the user's.</summary>
    private static readonly ImmutableArray<string> Networks = ["host", "default", "none"];

    /// <inheritdoc />
    public override string Kind => "DockerfileBuild";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            A multi-platform container image built from a Dockerfile and pushed by digest.
            Each platform is built by the host's Docker with BuildKit (docker build --platform P), read back with
            docker save and pushed as an OCI image, its layers gzipped reproducibly; an OCI image index of the
            platforms is pushed last. Nothing is tagged: the Release task does that. The temporary images are removed.
            """,
        Params =
        [
            Param("image", "The repository to push to, such as registry.example.com/team/app; no tag."),
            Param("context", "The build context: a directory of the source workspace.", "."),
            Param("dockerfile", "The Dockerfile, a path in the source workspace; empty: Dockerfile in the context.", string.Empty),
            ArrayParam("platforms", "The platforms, as os/arch[/variant].", "linux/amd64", "linux/arm64"),
            ArrayParam("build-args", "NAME=VALUE build arguments."),
            Param("network", "The network of RUN instructions: host, default (Docker's bridge) or none.", "host"),
            Param("source-date-epoch", "Seconds since the epoch: the SOURCE_DATE_EPOCH build argument and every time in the images' configurations; empty: 0 and no build argument.", string.Empty),
        ],
        Results =
        [
            Result("IMAGE_URL", "The repository the index was pushed to."),
            Result("IMAGE_DIGEST", "The digest of the image index."),
            Result("IMAGE_REF", "repository@digest of the image index."),
            Result("outcome", "pushed, or up-to-date when the registry had the index already."),
        ],
        Workspaces =
        [
            Workspace("source", "Holds the build context and the Dockerfile."),
            Workspace(DockerConfigWorkspace, "A Docker configuration (config.json or .dockerconfigjson) with credentials for the registry pushed to; else the user's.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var build = Request(context);
        using var registry = OpenRegistry(context);
        var key = await KeyAsync(context, build, registry, cancellationToken).ConfigureAwait(false);
        if (key is not null && await RecallPublishedAsync(context, key, "IMAGE_REF", registry, r => $"{r["IMAGE_REF"]} ({build.Platforms.Length} platforms, up-to-date)", cancellationToken).ConfigureAwait(false) is { } recalled)
        {
            return recalled;
        }

        var scratch = Path.Combine(Services.Scratch, "sluice-dockerfile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        var tags = new List<string>();
        try
        {
            var images = ImmutableArray.CreateBuilder<BuiltImage>(build.Platforms.Length);
            foreach (var platform in build.Platforms)
            {
                var tag = $"{build.TagRepository}:{TagOf(platform)}";
                tags.Add(tag);
                images.Add(await BuildAsync(context, build, platform, tag, scratch, cancellationToken).ConfigureAwait(false));
            }

            var index = OciContent.Create(new ImageIndex { Manifests = [.. images.Select(i => i.Manifest.Descriptor with { Platform = i.Platform })] });
            var outcome = await PushAsync(registry, build.Destination, images.MoveToImmutable(), index, cancellationToken).ConfigureAwait(false);
            var digest = index.Descriptor.Digest.ToString();
            var reference = $"{build.Destination}@{digest}";
            await context.Log.WriteLineAsync($"{reference}: {outcome.ToResult()}", cancellationToken).ConfigureAwait(false);
            var succeeded = CustomTaskOutcome.Success(
                Results(("IMAGE_URL", build.Destination.ToString()), ("IMAGE_DIGEST", digest), ("IMAGE_REF", reference), ("outcome", outcome.ToResult())),
                $"{reference} ({build.Platforms.Length} platforms, {outcome.ToResult()})");
            return await RememberAsync(context, key, succeeded, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The build's images are only a way to the registry: they go whether it got there or not.
            await RemoveAsync(tags).ConfigureAwait(false);
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The checked params.</summary>
    private static DockerfileBuild Request(CustomTaskContext context)
    {
        var destination = OciReference.Parse(context.Param("image"), out var error)
            ?? throw new CatalogTaskFailure("InvalidParam", $"param image \"{context.Param("image")}\": {error}");
        if (OciReference.NamesTag(context.Param("image")) || destination.Digest is not null)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param image \"{context.Param("image")}\" names a tag or digest; give the repository alone: images are pushed by digest and the Release task tags them");
        }

        var buildContext = InWorkspace(context, "source", context.Param("context"));
        if (!Directory.Exists(buildContext))
        {
            throw new CatalogTaskFailure("ContextMissing", $"param context: {context.Param("context")} is not a directory of workspace \"source\"");
        }

        var dockerfileParam = context.Param("dockerfile");
        var dockerfile = dockerfileParam.Length == 0 ? Path.Combine(buildContext, "Dockerfile") : InWorkspace(context, "source", dockerfileParam);
        if (!File.Exists(dockerfile))
        {
            var named = dockerfileParam.Length == 0 ? Path.Join(context.Param("context"), "Dockerfile") : dockerfileParam;
            throw new CatalogTaskFailure("DockerfileMissing", $"{named} is not in workspace \"source\"; set param dockerfile to the Dockerfile's path in the workspace");
        }

        var platforms = ImmutableArray.CreateBuilder<Platform>();
        foreach (var text in context.ArrayParam("platforms"))
        {
            var platform = Platform.Parse(text, out error) ?? throw new CatalogTaskFailure("InvalidParam", $"param platforms: \"{text}\": {error}");
            if (platforms.Any(p => p.ToString() == platform.ToString()))
            {
                throw new CatalogTaskFailure("InvalidParam", $"param platforms: {platform} is given twice; an image index holds one image per platform");
            }

            platforms.Add(platform);
        }

        if (platforms.Count == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", "param platforms is empty; name at least one, such as linux/amd64");
        }

        foreach (var item in context.ArrayParam("build-args"))
        {
            if (item.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param build-args: \"{item}\" is not NAME=VALUE");
            }
        }

        var network = context.Param("network");
        if (!Networks.Contains(network))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param network \"{network}\" is not one of {string.Join(", ", Networks)}");
        }

        var epochText = context.Param("source-date-epoch");
        long epoch = 0;
        if (epochText.Length > 0 && !long.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param source-date-epoch \"{epochText}\" is not a number of seconds");
        }

        var buildArgs = epochText.Length > 0 ? context.ArrayParam("build-args").Insert(0, $"SOURCE_DATE_EPOCH={epoch}") : context.ArrayParam("build-args");
        return new DockerfileBuild(
            destination.Repository,
            buildContext,
            dockerfile,
            platforms.ToImmutable(),
            buildArgs,
            network,
            DateTimeOffset.FromUnixTimeSeconds(epoch),
            context.RunUid,
            "sluice-dockerfile-build/" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>A tag for a platform: its parts joined by <c>-</c>, with anything a tag may not hold as <c>-</c>.</summary>
    private static string TagOf(Platform platform) =>
        string.Concat(platform.ToString().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '-'));

    /// <summary>What one run builds: the params, checked.</summary>
    /// <param name="Destination">The repository pushed to.</param>
    /// <param name="Context">The build context's directory.</param>
    /// <param name="Dockerfile">The Dockerfile's path.</param>
    /// <param name="Platforms">The platforms, in the index's order.</param>
    /// <param name="BuildArgs">The NAME=VALUE build arguments, SOURCE_DATE_EPOCH first when given.</param>
    /// <param name="Network">The network of RUN instructions.</param>
    /// <param name="Created">The time written in the configurations.</param>
    /// <param name="RunUid">The run, the value of <see cref="RunLabel"/>.</param>
    /// <param name="TagRepository">The local repository of the temporary tags, unique to this build.</param>
    private sealed record DockerfileBuild(
        OciRepository Destination,
        string Context,
        string Dockerfile,
        ImmutableArray<Platform> Platforms,
        ImmutableArray<string> BuildArgs,
        string Network,
        DateTimeOffset Created,
        string RunUid,
        string TagRepository);
}
