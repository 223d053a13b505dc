using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>
/// An OCI image index (also read from Docker's manifest list): the manifests of a multi-platform
/// image, or the references of an image layout. Serialize with <see cref="OciJson"/>.
/// </summary>
public sealed record ImageIndex
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The index's own media type; the OCI one unless read from a Docker manifest list.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; } = MediaTypes.ImageIndex;

    /// <summary>The artifact type, for an index that is an artifact.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The manifests, each with its platform where it is an image. Written even when empty.</summary>
    [JsonPropertyName("manifests")]
    public required ImmutableArray<Descriptor> Manifests { get; init; }

    /// <summary>The manifest this index refers to.</summary>
    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    /// <summary>Arbitrary metadata; written sorted by key.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The manifest for a platform (matching os, architecture and, when given, variant), or null.</summary>
    public Descriptor? ForPlatform(Platform platform) => Manifests.FirstOrDefault(m =>
        m.Platform is { } p && p.Os == platform.Os && p.Architecture == platform.Architecture &&
        (platform.Variant is null || p.Variant == platform.Variant));
}
