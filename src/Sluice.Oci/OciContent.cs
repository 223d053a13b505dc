namespace Sluice.Oci;

/// <summary>
/// A small document (manifest, index, configuration) with its exact bytes and their descriptor. The
/// bytes are what digests are computed over: a pulled manifest is never re-serialized.
/// </summary>
public sealed record OciContent
{
    /// <summary>Pairs bytes with their descriptor; the caller vouches that they match.</summary>
    public OciContent(Descriptor descriptor, ReadOnlyMemory<byte> bytes)
    {
        Descriptor = descriptor;
        Bytes = bytes;
    }

    /// <summary>What the bytes are, their digest and size.</summary>
    public Descriptor Descriptor { get; }

    /// <summary>The exact bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The canonical bytes of a document and their descriptor.</summary>
    public static OciContent Create<T>(T document, string mediaType)
    {
        var bytes = OciJson.Serialize(document);
        return new OciContent(Descriptor.FromContent(mediaType, bytes), bytes);
    }

    /// <summary>An image manifest with the media type it names (OCI unless it says Docker's).</summary>
    public static OciContent Create(ImageManifest manifest) => Create(manifest, manifest.MediaType ?? MediaTypes.ImageManifest);

    /// <summary>An image index with the media type it names (OCI unless it says Docker's).</summary>
    public static OciContent Create(ImageIndex index) => Create(index, index.MediaType ?? MediaTypes.ImageIndex);

    /// <summary>An image configuration with the OCI configuration media type.</summary>
    public static OciContent Create(ImageConfig config) => Create(config, MediaTypes.ImageConfig);

    /// <summary>Reads the bytes as an image manifest; null with a message when they are not one.</summary>
    public ImageManifest? AsManifest(out string? error) => OciJson.Deserialize<ImageManifest>(Bytes.Span, out error);

    /// <summary>Reads the bytes as an image index; null with a message when they are not one.</summary>
    public ImageIndex? AsIndex(out string? error) => OciJson.Deserialize<ImageIndex>(Bytes.Span, out error);

    /// <summary>Reads the bytes as an image configuration; null with a message when they are not one.</summary>
    public ImageConfig? AsConfig(out string? error) => OciJson.Deserialize<ImageConfig>(Bytes.Span, out error);
}
