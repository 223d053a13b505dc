namespace Sluice.Oci;

/// <summary>The media types Sluice reads and writes, spelled exactly as their specifications do.</summary>
public static class MediaTypes
{
    /// <summary>An OCI image manifest.</summary>
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An OCI image index (a multi-platform image or a set of manifests).</summary>
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>An OCI image configuration.</summary>
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>An uncompressed OCI layer.</summary>
    public const string Layer = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>A gzip-compressed OCI layer.</summary>
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>A zstd-compressed OCI layer.</summary>
    public const string LayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    /// <summary>The empty JSON object <c>{}</c>, for artifacts without a configuration.</summary>
    public const string Empty = "application/vnd.oci.empty.v1+json";

    /// <summary>The <c>oci-layout</c> file of an image layout.</summary>
    public const string LayoutHeader = "application/vnd.oci.layout.header.v1+json";

    /// <summary>A Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>A Docker manifest list (Docker's multi-platform index).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>A Docker image configuration.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>A gzip-compressed Docker layer.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>A Helm chart's configuration (its Chart.yaml as JSON).</summary>
    public const string HelmConfig = "application/vnd.cncf.helm.config.v1+json";

    /// <summary>A Helm chart's packaged content.</summary>
    public const string HelmChartContent = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /// <summary>Bytes of no particular type.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>The manifest types a registry is asked for when pulling, in order of preference.</summary>
    public static IReadOnlyList<string> Manifests { get; } = [ImageManifest, ImageIndex, DockerManifest, DockerManifestList];

    /// <summary>Whether a media type is an index (OCI image index or Docker manifest list).</summary>
    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;

    /// <summary>Whether a media type is a single-image manifest (OCI or Docker schema 2).</summary>
    public static bool IsManifest(string? mediaType) => mediaType is ImageManifest or DockerManifest;
}
