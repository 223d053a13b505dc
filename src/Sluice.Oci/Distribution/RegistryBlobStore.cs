namespace Sluice.Oci.Distribution;

/// <summary>
/// A blob store in one registry repository: blobs are the repository's blobs, names are its tags.
/// Registries collect blobs no manifest refers to, so keep what must last referenced from a manifest
/// stored with <see cref="PutManifestAsync"/>.
/// </summary>
public sealed class RegistryBlobStore : IBlobStore
{
    private readonly RegistryClient _client;

    /// <summary>Makes the store over a client and a repository.</summary>
    public RegistryBlobStore(RegistryClient client, OciRepository repository)
    {
        _client = client;
        Repository = repository;
    }

    /// <summary>The repository holding the store.</summary>
    public OciRepository Repository { get; }

    /// <inheritdoc/>
    public Task<long?> StatAsync(Digest digest, CancellationToken cancellationToken) =>
        _client.HeadBlobAsync(Repository, digest, cancellationToken);

    /// <inheritdoc/>
    public async Task<Stream?> OpenReadAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.OpenBlobAsync(Repository, blob, cancellationToken);
        }
        catch (RegistryException exception) when (exception.Error.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> PutAsync(Descriptor blob, Stream content, CancellationToken cancellationToken) =>
        await _client.PushBlobAsync(Repository, blob, content, cancellationToken) != BlobPushOutcome.AlreadyPresent;

    /// <inheritdoc/>
    public Task<Descriptor> PutAsync(Stream content, string mediaType, CancellationToken cancellationToken) =>
        _client.PushBlobAsync(Repository, content, mediaType, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken) =>
        _client.DeleteBlobAsync(Repository, digest, cancellationToken);

    /// <inheritdoc/>
    public async Task<Descriptor> PutManifestAsync(OciContent manifest, string? name, CancellationToken cancellationToken)
    {
        var descriptor = await _client.PushManifestAsync(Repository, manifest, cancellationToken);
        if (name is not null)
        {
            await _client.PushManifestAsync(Repository.WithTag(name), manifest, cancellationToken);
        }

        return descriptor;
    }

    /// <inheritdoc/>
    public Task<OciContent?> GetManifestAsync(string nameOrDigest, CancellationToken cancellationToken) =>
        _client.GetManifestAsync(
            Digest.Parse(nameOrDigest, out _) is { } digest ? Repository.WithDigest(digest) : Repository.WithTag(nameOrDigest),
            cancellationToken);
}
