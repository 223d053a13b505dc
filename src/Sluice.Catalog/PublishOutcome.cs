using Sluice.Oci;
using Sluice.Oci.Distribution;

namespace Sluice.Catalog;

/// <summary>What publishing did: a publisher checks the registry first and pushes only what is missing.</summary>
public enum PublishOutcome
{
    /// <summary>The registry already had the manifest; nothing was pushed.</summary>
    UpToDate,

    /// <summary>The manifest (and whichever blobs were missing) was pushed.</summary>
    Pushed,
}

/// <summary>The result text of a <see cref="PublishOutcome"/>.</summary>
public static class PublishOutcomeText
{
    /// <summary><c>up-to-date</c> or <c>pushed</c>, as a Task's result says it.</summary>
    public static string ToResult(this PublishOutcome outcome) => outcome == PublishOutcome.UpToDate ? "up-to-date" : "pushed";
}

/// <summary>Pushes a manifest by digest only when the repository lacks it, its blobs first.</summary>
internal static class ManifestPublishing
{
    /// <summary>
    /// <see cref="PublishOutcome.UpToDate"/> when a <c>HEAD</c> finds the manifest's digest (nothing is
    /// sent); else each blob (skipped when present) and then the manifest, by digest.
    /// </summary>
    public static async Task<PublishOutcome> PushOnceAsync(RegistryClient registry, OciRepository repository, OciContent manifest, IEnumerable<(Descriptor Blob, Func<Stream> Open)> blobs, CancellationToken cancellationToken)
    {
        if (await registry.HeadManifestAsync(repository.WithDigest(manifest.Descriptor.Digest), cancellationToken) is not null)
        {
            return PublishOutcome.UpToDate;
        }

        foreach (var (blob, open) in blobs)
        {
            await using var content = open();
            await registry.PushBlobAsync(repository, blob, content, cancellationToken);
        }

        await registry.PushManifestAsync(repository, manifest, cancellationToken);
        return PublishOutcome.Pushed;
    }
}
