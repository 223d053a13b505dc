namespace Sluice.Oci.Layout;

public sealed partial class OciLayout
{
    /// <inheritdoc/>
    public Task<long?> StatAsync(Digest digest, CancellationToken cancellationToken)
    {
        var file = new FileInfo(BlobPath(digest));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    /// <inheritdoc/>
    public Task<Stream?> OpenReadAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        var path = BlobPath(blob.Digest);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<Stream?>(new VerifyingReadStream(file, blob, path));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> PutAsync(Descriptor blob, Stream content, CancellationToken cancellationToken)
    {
        var path = BlobPath(blob.Digest);
        if (File.Exists(path) && new FileInfo(path).Length == blob.Size)
        {
            return false;
        }

        var temporary = TemporaryBlobPath(blob.Digest.Algorithm);
        try
        {
            await using (var file = CreateTemporary(temporary))
            await using (var checking = new VerifyingReadStream(content, blob, $"content for {blob.Digest}", leaveOpen: true))
            {
                await checking.CopyToAsync(file, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc/>
    public async Task<Descriptor> PutAsync(Stream content, string mediaType, CancellationToken cancellationToken)
    {
        var temporary = TemporaryBlobPath(Digest.Sha256Algorithm);
        try
        {
            Digest digest;
            long size;
            await using (var file = CreateTemporary(temporary))
            await using (var hashing = new HashingWriteStream(file))
            {
                await content.CopyToAsync(hashing, cancellationToken);
                digest = hashing.Digest();
                size = hashing.Written;
            }

            var path = BlobPath(digest);
            if (!File.Exists(path))
            {
                File.Move(temporary, path, overwrite: true);
            }

            return new Descriptor { MediaType = mediaType, Digest = digest, Size = size };
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Stores small content held in memory; false when the layout has it already.</summary>
    public async Task<bool> PutAsync(OciContent content, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(content.Bytes.ToArray(), writable: false);
        return await PutAsync(content.Descriptor, stream, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken)
    {
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            return false;
        }

        await RemoveFromIndexAsync(digest.ToString(), cancellationToken);
        File.Delete(path);
        return true;
    }

    /// <inheritdoc/>
    public async Task<Descriptor> PutManifestAsync(OciContent manifest, string? name, CancellationToken cancellationToken)
    {
        await PutAsync(manifest, cancellationToken);
        await AddToIndexAsync(manifest.Descriptor, name, cancellationToken);
        return manifest.Descriptor;
    }

    /// <inheritdoc/>
    public async Task<OciContent?> GetManifestAsync(string nameOrDigest, CancellationToken cancellationToken)
    {
        var index = await ReadIndexAsync(cancellationToken);
        var digest = Digest.Parse(nameOrDigest, out _);
        var entry = digest is null
            ? index.Manifests.LastOrDefault(m => m.Annotation(Annotations.RefName) == nameOrDigest)
            : index.Manifests.FirstOrDefault(m => m.Digest == digest);
        if (entry is null && digest is null)
        {
            return null;
        }

        var path = BlobPath(entry?.Digest ?? digest!);
        if (!File.Exists(path))
        {
            return null;
        }

        var expected = entry?.Digest ?? digest!;
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var actual = Digest.Compute(expected.Algorithm, bytes);
        if (actual != expected)
        {
            throw new InvalidDataException($"{path}: the content does not match its digest {expected}");
        }

        var mediaType = entry?.MediaType ?? OciJson.Deserialize<ImageManifest>(bytes, out _)?.MediaType
            ?? (OciJson.Deserialize<ImageIndex>(bytes, out _) is not null ? MediaTypes.ImageIndex : MediaTypes.ImageManifest);
        return new OciContent(new Descriptor { MediaType = mediaType, Digest = actual, Size = bytes.Length }, bytes);
    }

    private string TemporaryBlobPath(string algorithm)
    {
        var directory = Path.Combine(Root, BlobsDirectory, algorithm);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Guid.NewGuid():N}.partial");
    }

    private static FileStream CreateTemporary(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
}
