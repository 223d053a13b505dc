using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>
/// An OCI image manifest (also read from Docker's schema 2 manifest, which has the same shape): one
/// image's configuration and layers, or an artifact's. Serialize with <see cref="OciJson"/>.
/// </summary>
public sealed record ImageManifest
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The manifest's own media type; the OCI one unless read from a Docker manifest.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; } = MediaTypes.ImageManifest;

    /// <summary>The artifact type, for artifacts whose configuration is <see cref="Descriptor.Empty"/>.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The image configuration (or an artifact's configuration blob).</summary>
    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    /// <summary>The layers, base first. Written even when empty, as the spec requires.</summary>
    [JsonPropertyName("layers")]
    public required ImmutableArray<Descriptor> Layers { get; init; }

    /// <summary>The manifest this one refers to (a signature or an SBOM of an image).</summary>
    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    /// <summary>Arbitrary metadata; written sorted by key.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
