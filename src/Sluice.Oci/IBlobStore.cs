namespace Sluice.Oci;

/// <summary>
/// Content-addressed storage that speaks OCI descriptors: blobs by digest, plus manifests that can be
/// found by a name (a tag). <see cref="Layout.OciLayout"/> keeps them in an OCI image layout on disk;
/// <see cref="Distribution.RegistryBlobStore"/> in a registry repository, so that several servers
/// share one cache. Absent content is a value (null or false); I/O failures throw.
/// </summary>
public interface IBlobStore
{
    /// <summary>The size of a blob, or null when the store does not have it.</summary>
    Task<long?> StatAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a blob, or null when the store does not have it. The stream checks size and digest and
    /// throws <see cref="InvalidDataException"/> at its end when they differ; read it to the end.
    /// </summary>
    Task<Stream?> OpenReadAsync(Descriptor blob, CancellationToken cancellationToken);

    /// <summary>Stores a blob whose descriptor is known; false, reading nothing, when the store has it already.</summary>
    Task<bool> PutAsync(Descriptor blob, Stream content, CancellationToken cancellationToken);

    /// <summary>Stores content whose digest is not known yet, hashing it on the way; returns its descriptor.</summary>
    Task<Descriptor> PutAsync(Stream content, string mediaType, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; false when it was not there.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a manifest or index (its blobs must be stored first), findable by its digest and, when
    /// <paramref name="name"/> is given, by that name, which then points at it alone.
    /// </summary>
    Task<Descriptor> PutManifestAsync(OciContent manifest, string? name, CancellationToken cancellationToken);

    /// <summary>A manifest or index by name or by digest (<c>sha256:…</c>), or null when there is none.</summary>
    Task<OciContent?> GetManifestAsync(string nameOrDigest, CancellationToken cancellationToken);
}
