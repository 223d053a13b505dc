using System.Text;
using Sluice.Oci.Layout;

namespace Sluice.Oci.Tests;

public sealed class LayoutTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_new_layout_has_the_layout_file_an_empty_index_and_the_blobs_directory()
    {
        var layout = OciLayout.Open(_directory.Combine("layout"), out var error);

        Assert.Null(error);
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", await File.ReadAllTextAsync(_directory.Combine("layout", "oci-layout"), Cancel));
        Assert.Equal("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", await File.ReadAllTextAsync(_directory.Combine("layout", "index.json"), Cancel));
        Assert.True(Directory.Exists(_directory.Combine("layout", "blobs", "sha256")));
        Assert.Empty((await layout!.ReadIndexAsync(Cancel)).Manifests);
    }

    [Fact]
    public async Task Blobs_are_stored_by_digest_once_and_read_back_checked()
    {
        var layout = OciLayout.Open(_directory.Path);
        var content = Encoding.UTF8.GetBytes("hello layer");
        var blob = Descriptor.FromContent(MediaTypes.LayerGzip, content);

        var source = new MemoryStream(content);
        Assert.True(await layout.PutAsync(blob, source, Cancel));
        Assert.True(source.CanRead, "the caller's stream stays open");
        Assert.False(await layout.PutAsync(blob, new MemoryStream(content), Cancel));
        Assert.Equal(content.Length, await layout.StatAsync(blob.Digest, Cancel));
        Assert.Equal(content, await File.ReadAllBytesAsync(_directory.Combine("blobs", "sha256", blob.Digest.Encoded), Cancel));
        await using (var read = (await layout.OpenReadAsync(blob, Cancel))!)
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy, Cancel);
            Assert.Equal(content, copy.ToArray());
        }

        Assert.Empty(Directory.GetFiles(_directory.Combine("blobs", "sha256"), ".*"));
        Assert.True(await layout.DeleteAsync(blob.Digest, Cancel));
        Assert.Null(await layout.StatAsync(blob.Digest, Cancel));
        Assert.Null(await layout.OpenReadAsync(blob, Cancel));
    }

    [Fact]
    public async Task Content_that_does_not_match_its_descriptor_is_refused_and_leaves_nothing()
    {
        var layout = OciLayout.Open(_directory.Path);
        var blob = Descriptor.FromContent(MediaTypes.LayerGzip, "expected"u8);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => layout.PutAsync(blob, new MemoryStream("tampered"u8.ToArray()), Cancel));

        Assert.Contains(blob.Digest.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Combine("blobs", "sha256")));
    }

    [Fact]
    public async Task A_blob_corrupted_on_disk_fails_when_read_to_its_end()
    {
        var layout = OciLayout.Open(_directory.Path);
        var blob = await layout.PutAsync(new MemoryStream("original"u8.ToArray()), MediaTypes.OctetStream, Cancel);
        await File.WriteAllTextAsync(layout.BlobPath(blob.Digest), "0riginal", Cancel);

        await using var read = (await layout.OpenReadAsync(blob, Cancel))!;
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => read.CopyToAsync(Stream.Null, Cancel));

        Assert.Contains("does not match its digest", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_are_named_in_the_index_and_a_name_moves_to_its_new_manifest()
    {
        var layout = OciLayout.Open(_directory.Path);
        var config = OciContent.Create(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } });
        await layout.PutAsync(config, Cancel);
        var first = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [] });
        var second = OciContent.Create(new ImageManifest { Config = config.Descriptor, Layers = [], Annotations = new Dictionary<string, string> { ["v"] = "2" } });

        await layout.PutManifestAsync(first, "v1.0", Cancel);
        await layout.PutManifestAsync(first, "stable", Cancel);
        await layout.PutManifestAsync(second, "stable", Cancel);
        await layout.PutManifestAsync(second, "stable", Cancel);

        var index = await layout.ReadIndexAsync(Cancel);
        Assert.Equal(["v1.0", "stable"], index.Manifests.Select(m => m.Annotation(Annotations.RefName)));
        Assert.Equal(second.Descriptor.Digest, (await layout.ResolveAsync("stable", Cancel))!.Digest);
        Assert.Equal(first.Bytes.ToArray(), (await layout.GetManifestAsync("v1.0", Cancel))!.Bytes.ToArray());
        Assert.Equal(MediaTypes.ImageManifest, (await layout.GetManifestAsync(second.Descriptor.Digest.ToString(), Cancel))!.Descriptor.MediaType);
        Assert.Null(await layout.GetManifestAsync("missing", Cancel));

        var reopened = OciLayout.Open(_directory.Path);
        Assert.True(await reopened.RemoveFromIndexAsync("v1.0", Cancel));
        Assert.Single((await reopened.ReadIndexAsync(Cancel)).Manifests);
    }

    [Fact]
    public async Task Writers_in_parallel_lose_no_index_entry()
    {
        var layout = OciLayout.Open(_directory.Path);
        var manifests = Enumerable.Range(0, 16)
            .Select(i => OciContent.Create(new ImageManifest { Config = Descriptor.Empty, Layers = [], Annotations = new Dictionary<string, string> { ["i"] = $"{i}" } }))
            .ToList();

        await Task.WhenAll(manifests.Select((m, i) => Task.Run(() => OciLayout.Open(_directory.Path).PutManifestAsync(m, $"n{i}", Cancel), Cancel)));

        Assert.Equal(16, (await layout.ReadIndexAsync(Cancel)).Manifests.Length);
    }

    [Theory]
    [InlineData("oci-layout", """{"imageLayoutVersion":"2.0.0"}""", "image layout version '2.0.0' is not supported")]
    [InlineData("oci-layout", "{", "oci-layout: not a valid")]
    [InlineData("index.json", """{"schemaVersion":2}""", "index.json: not a valid OCI image index")]
    public async Task A_directory_that_is_not_a_usable_layout_is_an_error_value_naming_the_file(string file, string content, string expected)
    {
        OciLayout.Open(_directory.Path);
        await File.WriteAllTextAsync(_directory.Combine(file), content, Cancel);

        Assert.Null(OciLayout.Open(_directory.Path, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
