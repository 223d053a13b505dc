using Sluice.Oci.Distribution;
using Sluice.Oci.Layout;
using Sluice.Oci.Tests.Registry;

namespace Sluice.Oci.Tests;

/// <summary>What every <see cref="IBlobStore"/> does, run on the layout and on a real registry.</summary>
public abstract class BlobStoreContract
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract IBlobStore Store { get; }

    [Fact]
    public async Task A_blob_is_stored_once_read_back_and_deleted()
    {
        var content = "cached output"u8.ToArray();
        var blob = Descriptor.FromContent(MediaTypes.LayerGzip, content);

        Assert.Null(await Store.StatAsync(blob.Digest, Cancel));
        Assert.Null(await Store.OpenReadAsync(blob, Cancel));
        Assert.True(await Store.PutAsync(blob, new MemoryStream(content), Cancel));
        Assert.False(await Store.PutAsync(blob, new MemoryStream(content), Cancel));
        Assert.Equal(content.Length, await Store.StatAsync(blob.Digest, Cancel));
        Assert.Equal(content, await ReadAsync(blob));
        Assert.True(await Store.DeleteAsync(blob.Digest, Cancel));
        Assert.Null(await Store.StatAsync(blob.Digest, Cancel));
        Assert.False(await Store.DeleteAsync(blob.Digest, Cancel));
    }

    [Fact]
    public async Task Content_of_unknown_digest_is_hashed_on_the_way_in()
    {
        var content = new byte[200_000];
        new Random(3).NextBytes(content);

        var blob = await Store.PutAsync(new MemoryStream(content), MediaTypes.OctetStream, Cancel);

        Assert.Equal(Descriptor.FromContent(MediaTypes.OctetStream, content), blob);
        Assert.Equal(content, await ReadAsync(blob));
    }

    [Fact]
    public async Task A_manifest_is_found_by_name_and_digest_and_a_name_moves()
    {
        var blob = Descriptor.FromContent(MediaTypes.OctetStream, "entry"u8);
        await Store.PutAsync(blob, new MemoryStream("entry"u8.ToArray()), Cancel);
        await Store.PutAsync(Descriptor.Empty, new MemoryStream("{}"u8.ToArray()), Cancel);
        var first = OciContent.Create(new ImageManifest { ArtifactType = "application/vnd.sluice.cache.v1", Config = Descriptor.Empty, Layers = [blob] });
        var second = OciContent.Create(new ImageManifest { ArtifactType = "application/vnd.sluice.cache.v1", Config = Descriptor.Empty, Layers = [blob, blob] });
        var key = new string('a', 64);

        await Store.PutManifestAsync(first, key, Cancel);
        Assert.Equal(first.Bytes.ToArray(), (await Store.GetManifestAsync(key, Cancel))!.Bytes.ToArray());
        await Store.PutManifestAsync(second, key, Cancel);

        Assert.Equal(second.Descriptor, (await Store.GetManifestAsync(key, Cancel))!.Descriptor);
        Assert.Equal(first.Descriptor, (await Store.GetManifestAsync(first.Descriptor.Digest.ToString(), Cancel))!.Descriptor);
        Assert.Null(await Store.GetManifestAsync("missing", Cancel));
    }

    private async Task<byte[]> ReadAsync(Descriptor blob)
    {
        await using var stream = (await Store.OpenReadAsync(blob, Cancel))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Cancel);
        return copy.ToArray();
    }
}

public sealed class LayoutBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    public LayoutBlobStoreTests() => Store = OciLayout.Open(_directory.Path);

    protected override IBlobStore Store { get; }

    public void Dispose() => _directory.Dispose();
}

public sealed class RegistryBlobStoreTests : BlobStoreContract, IClassFixture<OpenRegistry>, IDisposable
{
    private readonly RegistryClient _client = new();

    public RegistryBlobStoreTests(OpenRegistry registry) =>
        Store = new RegistryBlobStore(_client, new OciRepository(registry.Server.Host, $"cache/c{Guid.NewGuid():N}"));

    protected override IBlobStore Store { get; }

    public void Dispose() => _client.Dispose();
}
