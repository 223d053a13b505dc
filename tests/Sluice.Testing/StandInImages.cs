using Sluice.Oci;
using Sluice.Oci.Distribution;

namespace Sluice.Testing;

/// <summary>The stand-in images of eng/images as a registry serves them.</summary>
public static class StandInImages
{
    /// <summary>The runtime-deps stand-ins per platform: the tag of each in the registry, and the local image it is copied from.</summary>
    private static readonly (string Tag, string Local)[] RuntimeDeps =
    [
        ("bookworm", "sluice-standin/dotnet-runtime-deps:bookworm"),
        ("bookworm-arm64", "sluice-standin/dotnet-runtime-deps:bookworm-arm64"),
    ];

    /// <summary>
    /// Copies the runtime-deps stand-ins for linux/amd64 and linux/arm64 into <c>dotnet/runtime-deps</c>
    /// of a registry with skopeo, and pushes an image index of them as <c>10.0</c>. A registry that needs
    /// credentials gets them from <paramref name="authFile"/> (a Docker configuration) and the client's.
    /// </summary>
    public static async Task<OciReference> PushRuntimeDepsAsync(RegistryClient client, string registry, CancellationToken cancellationToken, string? authFile = null)
    {
        var repository = new OciRepository(registry, "dotnet/runtime-deps");
        var entries = new List<Descriptor>();
        foreach (var (tag, local) in RuntimeDeps)
        {
            string[] auth = authFile is null ? [] : ["--dest-authfile", authFile];
            await Skopeo.RunAsync(cancellationToken, ["copy", "--dest-tls-verify=false", .. auth, $"docker-daemon:{local}", $"docker://{repository}:{tag}"]);
            var manifest = (await client.GetManifestAsync(repository.WithTag(tag), cancellationToken))!;
            var configDescriptor = manifest.AsManifest(out _)!.Config;
            var config = new OciContent(configDescriptor, await client.GetBlobBytesAsync(repository, configDescriptor, cancellationToken)).AsConfig(out _)!;
            entries.Add(manifest.Descriptor with { Platform = config.Platform });
        }

        var index = repository.WithTag("10.0");
        await client.PushManifestAsync(index, OciContent.Create(new ImageIndex { Manifests = [.. entries] }), cancellationToken);
        return index;
    }
}
