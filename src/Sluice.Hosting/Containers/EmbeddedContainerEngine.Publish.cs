using System.Collections.Immutable;
using System.IO.Compression;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layout;
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

    /// <summary>Reads <c>docker save</c> of an image, its layers gzipped to files under <paramref name="work"/>.</summary>
    private async Task<ImmutableArray<DockerArchiveLayer>> SaveAsync(string imageId, string work, CancellationToken cancellationToken)
    {
        await using var stream = await _docker.SaveImageAsync(imageId, cancellationToken).ConfigureAwait(false);
        var image = await DockerArchive.ReadAsync(stream, $"docker save of {imageId}", work, CompressionLevel.Fastest, cancellationToken).ConfigureAwait(false);
        return image.Layers;
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
}
