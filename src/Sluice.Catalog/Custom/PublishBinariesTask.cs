using Sluice.Catalog.Artifacts;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>PublishBinaries</c>: each platform's published binaries as a reproducible tar.gz in an OCI artifact
/// manifest, and an index over them naming their platforms, pushed by digest only for the <c>Release</c>
/// task to tag.
/// </summary>
public sealed class PublishBinariesTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <inheritdoc />
    public override string Kind => "PublishBinaries";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            Published binaries of several platforms as one OCI artifact, pushed by digest, for download without a container.
            Each platform's directory (binaries/RID, as `dotnet publish -r RID -o binaries/RID` writes it) becomes a
            reproducible NAME-OS-ARCH.tar.gz, the one layer of an artifact manifest; an image index over the manifests
            names their platforms. The same files give the same digests; when the registry has the index nothing is sent.
            Nothing is tagged: the Release task does that.
            """,
        Params =
        [
            Param("repository", "The repository to push to, such as registry.example.com/team/agenda-binaries; no tag."),
            Param("name", "The binaries' name, the start of each archive's title NAME-OS-ARCH.tar.gz, such as the service's."),
            ArrayParam("platforms", "The platforms, as os/arch[/variant].", "linux/amd64", "linux/arm64"),
            Param("binaries", "The directory of the source workspace that holds one directory per runtime identifier (linux-x64, linux-arm64).", "binaries"),
            Param("source-date-epoch", "Seconds since the epoch for every archive entry, such as git-clone's committer-date; empty: 0.", string.Empty),
        ],
        Results =
        [
            Result("ARTIFACT_URI", "The repository the index was pushed to."),
            Result("ARTIFACT_DIGEST", "The digest of the index."),
            Result("artifact-ref", "ARTIFACT_URI@ARTIFACT_DIGEST."),
            Result("outcome", "pushed, or up-to-date when the registry had the index already."),
        ],
        Workspaces =
        [
            Workspace("source", "Holds the binaries directory."),
            Workspace(DockerConfigWorkspace, "A Docker configuration with credentials for the registry; else the user's.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var destination = PublishParams.Repository(context, "repository", "give the repository alone: binaries are pushed by digest and the Release task tags them");
        var name = context.Param("name");
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.Any(char.IsWhiteSpace))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param name \"{name}\" is not a file name's start; give the binaries' name, such as the service's");
        }

        if (context.ArrayParam("platforms").IsEmpty)
        {
            throw new CatalogTaskFailure("InvalidParam", "param platforms is empty; give at least one platform, such as linux/amd64");
        }

        var binaries = InWorkspace(context, "source", context.Param("binaries"));
        var platforms = PublishParams.PlatformDirectories(context, binaries);
        var request = new BinaryArtifactRequest
        {
            Name = name,
            Platforms = [.. platforms.Select(p => new BinarySource(p.Platform, p.Directory))],
            Destination = destination,
            ModificationTime = PublishParams.SourceDateEpoch(context),
        };

        using var registry = OpenRegistry(context);
        var key = context.Cache is { } cache
            ? InputKey(context, [KeyValuePair.Create("binaries", (await cache.DigestTreeAsync(binaries, [], cancellationToken).ConfigureAwait(false)).ToString())])
            : null;
        if (key is not null && await RecallPublishedAsync(context, key, "artifact-ref", registry, r => $"{name}: {r["artifact-ref"]} ({request.Platforms.Length} platforms, up-to-date)", cancellationToken).ConfigureAwait(false) is { } recalled)
        {
            return recalled;
        }

        var scratch = Path.Combine(Services.Scratch, "sluice-binaries-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await new BinaryArtifactPublisher(registry, scratch).PublishAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var binary in result.Platforms)
            {
                await context.Log.WriteLineAsync($"{binary.Platform}: {binary.FileName} ({binary.Archive.Size} bytes) in manifest {binary.Manifest.Digest}: {binary.Outcome.ToResult()}", cancellationToken).ConfigureAwait(false);
            }

            var reference = result.Reference.ToString();
            var outcome = result.Outcome.ToResult();
            await context.Log.WriteLineAsync($"{reference}: {outcome}", cancellationToken).ConfigureAwait(false);
            var succeeded = CustomTaskOutcome.Success(
                Results(("ARTIFACT_URI", result.Repository.ToString()), ("ARTIFACT_DIGEST", result.Index.Digest.ToString()), ("artifact-ref", reference), ("outcome", outcome)),
                $"{name}: {reference} ({result.Platforms.Length} platforms, {outcome})");
            return await RememberAsync(context, key, succeeded, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
