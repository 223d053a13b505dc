using Sluice.Testing;
using System.Text.Json;
using Sluice.Oci.Distribution;
using Sluice.Oci.Layout;

namespace Sluice.Oci.Tests.Registry;

/// <summary>
/// Pushes and pulls against a real registry without auth; skopeo and the registry's own log check
/// what was pushed.
/// </summary>
public sealed class OpenRegistryTests : IClassFixture<OpenRegistry>, IDisposable
{
    private readonly RegistryServer _server;
    private readonly RegistryClient _client = new();
    private readonly TempDirectory _directory = new();

    public OpenRegistryTests(OpenRegistry registry) => _server = registry.Server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_two_platform_image_pushed_by_digest_then_tagged_is_what_skopeo_reads()
    {
        var repository = new OciRepository(_server.Host, "team/multi");
        var amd64 = await TestImage.BuildAsync("linux/amd64", "hello", Cancel);
        var arm64 = await TestImage.BuildAsync("linux/arm64/v8", "hello", Cancel);
        var index = TestImage.Index(amd64, arm64);

        await PushImageAsync(repository, amd64);
        await PushImageAsync(repository, arm64);
        await _client.PushManifestAsync(repository, index, Cancel);
        Assert.Empty(await _client.ListTagsAsync(repository, Cancel));
        Assert.True(await _client.TagAsync(repository, index.Descriptor.Digest, "1.0", Cancel));

        var tag = $"{repository}:1.0";
        Assert.Equal(index.Bytes.ToArray(), await Skopeo.RawAsync(tag, Cancel));
        Assert.Equal(arm64.Manifest.Bytes.ToArray(), await Skopeo.RawAsync($"{repository}@{arm64.Manifest.Descriptor.Digest}", Cancel));
        using var inspected = JsonDocument.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--override-os", "linux", "--override-arch", "arm64", "--override-variant", "v8", $"docker://{tag}"));
        Assert.Equal(index.Descriptor.Digest.ToString(), inspected.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", inspected.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(arm64.Layer.Descriptor.Digest.ToString(), inspected.RootElement.GetProperty("Layers")[0].GetString());

        var pulled = await _client.GetManifestAsync(repository.WithTag("1.0"), Cancel);
        Assert.Equal(index.Descriptor, pulled!.Descriptor);
        Assert.Equal(index.Descriptor, await _client.HeadManifestAsync(repository.WithTag("1.0"), Cancel));
        var entry = pulled.AsIndex(out _)!.ForPlatform(Platform.Parse("linux/arm64", out _)!)!;
        var manifest = (await _client.GetManifestAsync(repository.WithDigest(entry.Digest), Cancel))!.AsManifest(out _)!;
        Assert.Equal(arm64.Config.Bytes.ToArray(), await _client.GetBlobBytesAsync(repository, manifest.Config, Cancel));
        using var layer = new MemoryStream();
        await _client.PullBlobAsync(repository, manifest.Layers[0], layer, Cancel);
        Assert.Equal(arm64.LayerBytes, layer.ToArray());
        Assert.Equal(["1.0"], await _client.ListTagsAsync(repository, Cancel));
    }

    [Fact]
    public async Task Publishing_again_checks_with_head_and_sends_nothing()
    {
        var repository = new OciRepository(_server.Host, "team/idempotent");
        var image = await TestImage.BuildAsync("linux/amd64", "same", Cancel);
        await PushImageAsync(repository, image);
        await _client.PushManifestAsync(repository, image.Manifest, Cancel);
        await _client.TagAsync(repository, image.Manifest.Descriptor.Digest, "latest", Cancel);
        var writes = Writes(repository);

        Assert.Equal(BlobPushOutcome.AlreadyPresent, await _client.PushBlobAsync(repository, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel));
        Assert.Equal(BlobPushOutcome.AlreadyPresent, await _client.PushBlobAsync(repository, image.Config, Cancel));
        Assert.False(await _client.TagAsync(repository, image.Manifest.Descriptor.Digest, "latest", Cancel));
        Assert.Equal(image.Manifest.Descriptor.Digest, (await _client.HeadManifestAsync(repository.WithTag("latest"), Cancel))!.Digest);

        Assert.Equal(writes, Writes(repository));
        Assert.True(_server.CountRequests("HEAD", $"/v2/{repository.Name}/blobs/") >= 2);
    }

    [Fact]
    public async Task A_blob_is_mounted_from_another_repository_without_being_sent_again()
    {
        var source = new OciRepository(_server.Host, "team/base");
        var target = new OciRepository(_server.Host, "team/derived");
        var other = new OciRepository(_server.Host, "team/other");
        var image = await TestImage.BuildAsync("linux/amd64", "base layer", Cancel);
        await _client.PushBlobAsync(source, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel);
        var sent = _server.CountRequests("PUT", $"/v2/{target.Name}/") + _server.CountRequests("PATCH", $"/v2/{target.Name}/");

        var outcome = await _client.PushBlobAsync(target, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel, mountFrom: source);

        Assert.Equal(BlobPushOutcome.Mounted, outcome);
        Assert.Equal(sent, _server.CountRequests("PUT", $"/v2/{target.Name}/") + _server.CountRequests("PATCH", $"/v2/{target.Name}/"));
        Assert.Equal(image.Layer.Descriptor.Size, await _client.HeadBlobAsync(target, image.Layer.Descriptor.Digest, Cancel));
        Assert.True(await _client.MountBlobAsync(other, image.Layer.Descriptor.Digest, source, Cancel));
        Assert.False(await _client.MountBlobAsync(other, Digest.Sha256("never pushed"u8), source, Cancel));
    }

    [Fact]
    public async Task A_stream_of_unknown_digest_is_uploaded_in_chunks_and_pulled_back_equal()
    {
        using var chunked = new RegistryClient(new RegistryClientOptions { ChunkSize = 64 * 1024 });
        var repository = new OciRepository(_server.Host, "team/chunks");
        var content = new byte[300_000];
        new Random(42).NextBytes(content);

        var blob = await chunked.PushBlobAsync(repository, new NonSeekableStream(content), MediaTypes.OctetStream, Cancel);
        var known = Descriptor.FromContent(MediaTypes.OctetStream, content[..100_000]);
        var outcome = await chunked.PushBlobAsync(repository, known, new NonSeekableStream(content[..100_000]), Cancel);

        Assert.Equal(Descriptor.FromContent(MediaTypes.OctetStream, content), blob);
        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        Assert.Equal(5 + 2, _server.CountRequests("PATCH", $"/v2/{repository.Name}/blobs/uploads/"));
        using var pulled = new MemoryStream();
        await chunked.PullBlobAsync(repository, blob, pulled, Cancel);
        Assert.Equal(content, pulled.ToArray());
    }

    [Fact]
    public async Task A_blob_whose_descriptor_gives_another_size_fails_the_download()
    {
        var repository = new OciRepository(_server.Host, "team/sizes");
        var content = "twelve bytes"u8.ToArray();
        var blob = Descriptor.FromContent(MediaTypes.OctetStream, content);
        await _client.PushBlobAsync(repository, blob, new MemoryStream(content), Cancel);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => _client.PullBlobAsync(repository, blob with { Size = 5 }, Stream.Null, Cancel));

        Assert.Contains(_server.Host, failure.Message, StringComparison.Ordinal);
        Assert.Contains("more than the 5 bytes", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_and_blobs_are_deleted_where_the_registry_allows_it()
    {
        var repository = new OciRepository(_server.Host, "team/deleted");
        var image = await TestImage.BuildAsync("linux/amd64", "to delete", Cancel);
        await PushImageAsync(repository, image);
        await _client.PushManifestAsync(repository, image.Manifest, Cancel);

        Assert.True(await _client.DeleteManifestAsync(repository, image.Manifest.Descriptor.Digest, Cancel));
        Assert.Null(await _client.GetManifestAsync(repository.WithDigest(image.Manifest.Descriptor.Digest), Cancel));
        Assert.False(await _client.DeleteManifestAsync(repository, image.Manifest.Descriptor.Digest, Cancel));
        Assert.True(await _client.DeleteBlobAsync(repository, image.Layer.Descriptor.Digest, Cancel));
        Assert.Null(await _client.HeadBlobAsync(repository, image.Layer.Descriptor.Digest, Cancel));
        Assert.Null(await _client.GetManifestAsync(repository.WithTag("never-pushed"), Cancel));
    }

    [Fact]
    public async Task A_manifest_whose_blobs_are_missing_is_refused_with_the_registrys_code()
    {
        var repository = new OciRepository(_server.Host, "team/incomplete");
        var image = await TestImage.BuildAsync("linux/amd64", "no blobs", Cancel);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => _client.PushManifestAsync(repository.WithTag("broken"), image.Manifest, Cancel));

        Assert.Equal((400, "MANIFEST_BLOB_UNKNOWN"), (refused.Error.Status, refused.Error.Code));
        Assert.StartsWith($"{_server.Host}: push manifest {repository}:broken failed: 400", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_skopeo_copies_into_a_layout_is_read_by_the_layout_and_one_written_there_is_pushed_by_skopeo()
    {
        var repository = new OciRepository(_server.Host, "team/layout");
        var image = await TestImage.BuildAsync("linux/amd64", "through a layout", Cancel);
        await PushImageAsync(repository, image);
        await _client.PushManifestAsync(repository.WithTag("v1"), image.Manifest, Cancel);

        var copied = _directory.Combine("copied");
        await Skopeo.RunAsync(Cancel, "copy", "--src-tls-verify=false", $"docker://{repository}:v1", $"oci:{copied}:v1");
        var layout = OciLayout.Open(copied);
        Assert.Equal(image.Manifest.Descriptor.Digest, (await layout.ResolveAsync("v1", Cancel))!.Digest);
        Assert.Equal(image.Layer.Descriptor.Size, await layout.StatAsync(image.Layer.Descriptor.Digest, Cancel));

        var written = OciLayout.Open(_directory.Combine("written"));
        var other = await TestImage.BuildAsync("linux/arm64", "from our layout", Cancel);
        await written.PutAsync(other.Layer.Descriptor, new MemoryStream(other.LayerBytes), Cancel);
        await written.PutAsync(other.Config, Cancel);
        await written.PutManifestAsync(other.Manifest, "v2", Cancel);
        await Skopeo.RunAsync(Cancel, "copy", "--dest-tls-verify=false", $"oci:{written.Root}:v2", $"docker://{repository}:v2");
        Assert.Equal(other.Manifest.Descriptor, await _client.HeadManifestAsync(repository.WithTag("v2"), Cancel));
    }

    private async Task PushImageAsync(OciRepository repository, TestImage image)
    {
        Assert.Equal(BlobPushOutcome.Uploaded, await _client.PushBlobAsync(repository, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel));
        await _client.PushBlobAsync(repository, image.Config, Cancel);
        await _client.PushManifestAsync(repository, image.Manifest, Cancel);
    }

    private int Writes(OciRepository repository) =>
        _server.CountRequests("PUT", $"/v2/{repository.Name}/") + _server.CountRequests("PATCH", $"/v2/{repository.Name}/") +
        _server.CountRequests("POST", $"/v2/{repository.Name}/");

    /// <summary>A stream that cannot seek, as a pipe or a response body is.</summary>
    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
