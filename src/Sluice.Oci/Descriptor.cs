using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Sluice.Oci;

/// <summary>
/// An OCI content descriptor: what a piece of content is (media type), its digest and size, and
/// optional annotations, platform and artifact type. Fields and their order follow the image-spec's
/// <c>descriptor.md</c> and its Go types, so serialized descriptors match other tools byte for byte.
/// </summary>
public sealed record Descriptor
{
    /// <summary>The media type of the referenced content.</summary>
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    /// <summary>The digest of the referenced content.</summary>
    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    /// <summary>The size of the referenced content in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>Where else the content may be downloaded from; empty for almost all content.</summary>
    [JsonPropertyName("urls")]
    public ImmutableArray<string> Urls { get; init; } = [];

    /// <summary>Arbitrary metadata; written sorted by key.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The content itself, embedded (base64 in JSON); only for small content.</summary>
    [JsonPropertyName("data")]
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>The platform an image manifest in an index is for.</summary>
    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    /// <summary>The artifact type of the referenced manifest, for artifacts.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The descriptor of the empty JSON object <c>{}</c>, with the object embedded as the spec's example has it.</summary>
    public static Descriptor Empty { get; } = new()
    {
        MediaType = MediaTypes.Empty,
        Digest = Digest.Sha256("{}"u8),
        Size = 2,
        Data = "{}"u8.ToArray(),
    };

    /// <summary>Describes some bytes: their SHA-256 digest and length.</summary>
    public static Descriptor FromContent(string mediaType, ReadOnlySpan<byte> content) =>
        new() { MediaType = mediaType, Digest = Digest.Sha256(content), Size = content.Length };

    /// <summary>The value of an annotation, or null.</summary>
    public string? Annotation(string key) => Annotations?.GetValueOrDefault(key);

    /// <summary>This descriptor with one more annotation (replacing one of the same key).</summary>
    public Descriptor WithAnnotation(string key, string value) => this with
    {
        Annotations = (Annotations ?? ImmutableSortedDictionary<string, string>.Empty)
            .Where(a => a.Key != key)
            .Append(new KeyValuePair<string, string>(key, value))
            .ToImmutableSortedDictionary(StringComparer.Ordinal),
    };
}

/// <summary>Annotation keys the image-spec predefines.</summary>
public static class Annotations
{
    /// <summary>The name of a reference in an image layout's index (its "tag").</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>When the image was created (RFC 3339).</summary>
    public const string Created = "org.opencontainers.image.created";

    /// <summary>The source code the image was built from.</summary>
    public const string Source = "org.opencontainers.image.source";

    /// <summary>The source control revision the image was built from.</summary>
    public const string Revision = "org.opencontainers.image.revision";

    /// <summary>The version of the packaged software.</summary>
    public const string Version = "org.opencontainers.image.version";

    /// <summary>A human-readable title, such as the file name of an artifact's layer.</summary>
    public const string Title = "org.opencontainers.image.title";
}
