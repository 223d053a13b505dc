using System.Collections.Immutable;
using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Oci;
using Sluice.Oci.Distribution;

namespace Sluice.Catalog.Charts;

/// <summary>What pushing a chart did.</summary>
/// <param name="Repository">The chart's repository: the destination with the chart's name appended.</param>
/// <param name="Manifest">The manifest's descriptor; its digest is the chart's reference.</param>
/// <param name="Chart">The chart's metadata, read from the archive.</param>
/// <param name="Outcome">Whether the manifest was already there or was pushed.</param>
public sealed record HelmPushResult(OciRepository Repository, Descriptor Manifest, ChartMetadata Chart, PublishOutcome Outcome)
{
    /// <summary>The chart by digest: <c>REGISTRY/REPO/NAME@sha256:…</c>.</summary>
    public OciReference Reference => Repository.WithDigest(Manifest.Digest);
}

/// <summary>
/// Pushes a packaged chart to an OCI registry as Helm does (<c>helm push CHART oci://REGISTRY/REPO</c>),
/// but by digest only: no tag is made, since tags are a release step's. The manifest is an OCI image
/// manifest with the chart's metadata as JSON for its configuration
/// (<c>application/vnd.cncf.helm.config.v1+json</c>) and the archive as its one layer
/// (<c>application/vnd.cncf.helm.chart.content.v1.tar+gzip</c>), annotated with the chart's title,
/// version and, when given, description, home and first source. It holds no time, so the same archive
/// always gives the same digest; when the registry has that digest, nothing is pushed.
/// </summary>
public sealed class HelmOciPusher
{
    private readonly RegistryClient _registry;

    /// <summary>A pusher speaking to registries with <paramref name="registry"/>.</summary>
    public HelmOciPusher(RegistryClient registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <summary>Pushes the archive at <paramref name="archivePath"/> to <c>destination/NAME</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not a chart archive with a valid Chart.yaml.</exception>
    /// <exception cref="RegistryException">The registry refused a request.</exception>
    public async Task<HelmPushResult> PushAsync(string archivePath, OciRepository destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        await using var file = File.OpenRead(archivePath);
        return await PushAsync(file, destination, cancellationToken);
    }

    /// <summary>Pushes a chart archive read from <paramref name="archive"/> to <c>destination/NAME</c>.</summary>
    /// <exception cref="InvalidDataException">The content is not a chart archive with a valid Chart.yaml.</exception>
    /// <exception cref="RegistryException">The registry refused a request.</exception>
    public async Task<HelmPushResult> PushAsync(Stream archive, OciRepository destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(destination);
        using var buffer = new MemoryStream();
        await archive.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var chart = ReadChart(bytes);
        var repository = new OciRepository(destination.Registry, $"{destination.Name}/{chart.Name}");
        var layer = Descriptor.FromContent(MediaTypes.HelmChartContent, bytes);
        var configBytes = chart.ToConfigJson();
        var config = new OciContent(Descriptor.FromContent(MediaTypes.HelmConfig, configBytes), configBytes);
        var manifest = OciContent.Create(new ImageManifest
        {
            Config = config.Descriptor,
            Layers = [layer],
            Annotations = Annotations(chart),
        });
        var outcome = await ManifestPublishing.PushOnceAsync(
            _registry,
            repository,
            manifest,
            [(config.Descriptor, () => new MemoryStream(configBytes, writable: false)), (layer, () => new MemoryStream(bytes, writable: false))],
            cancellationToken);
        return new HelmPushResult(repository, manifest.Descriptor, chart, outcome);
    }

    private static ImmutableSortedDictionary<string, string> Annotations(ChartMetadata chart)
    {
        var annotations = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        annotations[Oci.Annotations.Title] = chart.Name;
        annotations[Oci.Annotations.Version] = chart.Version;
        if (!string.IsNullOrEmpty(chart.Description))
        {
            annotations["org.opencontainers.image.description"] = chart.Description;
        }

        if (!string.IsNullOrEmpty(chart.Home))
        {
            annotations["org.opencontainers.image.url"] = chart.Home;
        }

        if (!chart.Sources.IsDefaultOrEmpty)
        {
            annotations[Oci.Annotations.Source] = chart.Sources[0];
        }

        return annotations.ToImmutable();
    }

    private static ChartMetadata ReadChart(byte[] archive)
    {
        OrderedFiles files;
        try
        {
            files = ChartTree.Unpack(archive);
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException)
        {
            throw new InvalidDataException($"not a chart archive (a gzipped tar): {exception.Message}", exception);
        }

        if (!files.TryGetValue(ChartFile.FileName, out var chartYaml))
        {
            throw new InvalidDataException("not a chart archive: it has no NAME/Chart.yaml");
        }

        var problems = new DiagnosticBag();
        return ChartFile.Read(Encoding.UTF8.GetString(chartYaml), ChartFile.FileName, problems)
            ?? throw new InvalidDataException($"the archive's Chart.yaml is not valid: {string.Join("; ", problems.ToImmutable())}");
    }
}
