using System.Net;

namespace Sluice.Oci.Distribution;

/// <summary>What pushing a blob did.</summary>
public enum BlobPushOutcome
{
    /// <summary>The repository had the blob already (a <c>HEAD</c> said so); nothing was sent.</summary>
    AlreadyPresent,

    /// <summary>The registry mounted the blob from another repository; nothing was sent.</summary>
    Mounted,

    /// <summary>The blob was uploaded.</summary>
    Uploaded,
}

public sealed partial class RegistryClient
{
    /// <summary>The size of a blob in a repository (<c>HEAD</c>), or null when the repository does not have it.</summary>
    public async Task<long?> HeadBlobAsync(OciRepository repository, Digest digest, CancellationToken cancellationToken)
    {
        var context = RequestContext.Pull(repository, $"look up blob {digest} in {repository}");
        using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Head, RepositoryUri(repository, $"blobs/{digest}")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return response.IsSuccessStatusCode
            ? response.Content.Headers.ContentLength ?? 0
            : throw await ErrorAsync(context, response, cancellationToken);
    }

    /// <summary>
    /// Opens a blob for reading as it downloads. The stream throws <see cref="InvalidDataException"/>
    /// when its end arrives and size or digest differ from the descriptor's; read it to the end.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(OciRepository repository, Descriptor blob, CancellationToken cancellationToken)
    {
        var context = RequestContext.Pull(repository, $"pull blob {blob.Digest} from {repository}");
        var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Get, RepositoryUri(repository, $"blobs/{blob.Digest}")), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(context, response, cancellationToken);
        }

        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new VerifyingReadStream(body, blob, $"{repository.Registry}: {repository}@{blob.Digest}", response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Downloads a blob into a stream, checking size and digest; nothing is held in memory.</summary>
    public async Task PullBlobAsync(OciRepository repository, Descriptor blob, Stream destination, CancellationToken cancellationToken)
    {
        await using var source = await OpenBlobAsync(repository, blob, cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>Downloads a small blob (a configuration) into memory, checking size and digest.</summary>
    public async Task<byte[]> GetBlobBytesAsync(OciRepository repository, Descriptor blob, CancellationToken cancellationToken)
    {
        if (blob.Size > _options.MaxManifestSize)
        {
            throw new ArgumentException($"{blob.Digest} is {blob.Size} bytes: stream it with {nameof(OpenBlobAsync)} instead", nameof(blob));
        }

        using var buffer = new MemoryStream((int)blob.Size);
        await PullBlobAsync(repository, blob, buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Pushes a blob whose descriptor is known: nothing when the repository has it already (<c>HEAD</c>
    /// first), a cross-repository mount when <paramref name="mountFrom"/> (in the same registry) has it,
    /// else an upload streamed from <paramref name="content"/> (monolithic when it can seek, so that a
    /// retry can start over; chunked otherwise). The registry checks the digest.
    /// </summary>
    public async Task<BlobPushOutcome> PushBlobAsync(OciRepository repository, Descriptor blob, Stream content, CancellationToken cancellationToken, OciRepository? mountFrom = null)
    {
        if (await HeadBlobAsync(repository, blob.Digest, cancellationToken) is not null)
        {
            return BlobPushOutcome.AlreadyPresent;
        }

        var context = RequestContext.Push(repository, $"push blob {blob.Digest} to {repository}");
        Uri location;
        int chunkSize;
        if (mountFrom is not null && mountFrom.Registry == repository.Registry && mountFrom.Name != repository.Name)
        {
            var mount = context.WithScope($"repository:{mountFrom.Name}:pull");
            var (mounted, session, size) = await StartUploadAsync(mount, repository, $"?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom.Name)}", cancellationToken);
            if (mounted)
            {
                return BlobPushOutcome.Mounted;
            }

            (location, chunkSize) = (session, size);
        }
        else
        {
            (_, location, chunkSize) = await StartUploadAsync(context, repository, "", cancellationToken);
        }

        if (content.CanSeek)
        {
            await PutMonolithicAsync(context, location, blob, content, cancellationToken);
        }
        else
        {
            var (digest, size) = await UploadChunksAsync(context, location, chunkSize, content, blob.Digest, cancellationToken);
            if (digest != blob.Digest || size != blob.Size)
            {
                throw new InvalidDataException($"{repository}: the content pushed as {blob.Digest} ({blob.Size} bytes) was {digest} ({size} bytes)");
            }
        }

        return BlobPushOutcome.Uploaded;
    }

    /// <summary>Pushes small content held in memory (a configuration, an empty descriptor's <c>{}</c>).</summary>
    public async Task<BlobPushOutcome> PushBlobAsync(OciRepository repository, OciContent content, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(content.Bytes.ToArray(), writable: false);
        return await PushBlobAsync(repository, content.Descriptor, stream, cancellationToken);
    }

    /// <summary>
    /// Pushes content whose digest is not known yet (a layer being written), in chunks of
    /// <see cref="RegistryClientOptions.ChunkSize"/> while hashing it; returns its descriptor.
    /// </summary>
    public async Task<Descriptor> PushBlobAsync(OciRepository repository, Stream content, string mediaType, CancellationToken cancellationToken)
    {
        var context = RequestContext.Push(repository, $"push a blob to {repository}");
        var (_, location, chunkSize) = await StartUploadAsync(context, repository, "", cancellationToken);
        var (digest, size) = await UploadChunksAsync(context, location, chunkSize, content, null, cancellationToken);
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = size };
    }

    /// <summary>
    /// Mounts a blob from another repository of the same registry without sending it; false when the
    /// registry could not (it then opened an upload, which is abandoned).
    /// </summary>
    public async Task<bool> MountBlobAsync(OciRepository repository, Digest digest, OciRepository from, CancellationToken cancellationToken)
    {
        if (from.Registry != repository.Registry)
        {
            throw new ArgumentException($"a mount works inside one registry: {from.Registry} is not {repository.Registry}", nameof(from));
        }

        var context = RequestContext.Push(repository, $"mount blob {digest} from {from} into {repository}").WithScope($"repository:{from.Name}:pull");
        var (mounted, _, _) = await StartUploadAsync(context, repository, $"?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(from.Name)}", cancellationToken);
        return mounted;
    }

    /// <summary>Deletes a blob; false when it was not there. Registries may refuse deletes.</summary>
    public async Task<bool> DeleteBlobAsync(OciRepository repository, Digest digest, CancellationToken cancellationToken)
    {
        var context = RequestContext.Delete(repository, $"delete blob {digest} from {repository}");
        using var response = await SendAsync(context, () => new HttpRequestMessage(HttpMethod.Delete, RepositoryUri(repository, $"blobs/{digest}")), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        return response.IsSuccessStatusCode ? true : throw await ErrorAsync(context, response, cancellationToken);
    }
}
