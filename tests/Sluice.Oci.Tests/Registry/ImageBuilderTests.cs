using System.Text.Json.Nodes;
using Sluice.Oci.Building;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Oci.Tests.Registry;

/// <summary>Daemonless image builds against a real registry; skopeo and the registry's log check the result.</summary>
public sealed class ImageBuilderTests : IClassFixture<OpenRegistry>, IDisposable
{
    private readonly RegistryServer _server;
    private readonly RegistryClient _client = new();
    private readonly TempDirectory _directory = new();

    public ImageBuilderTests(OpenRegistry registry) => _server = registry.Server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_same_files_in_two_checkouts_built_at_other_times_give_one_digest_and_the_second_build_sends_nothing()
    {
        var baseRepository = await PushBaseAsync("reproducible/base");
        var destination = new OciRepository(_server.Host, "reproducible/app");
        var first = Checkout("checkout-one", DateTime.UtcNow.AddDays(-2));
        var second = Checkout("elsewhere/checkout-two", DateTime.UtcNow);

        var one = await BuildAsync(baseRepository, destination, first);
        var writes = Writes(destination);
        var two = await BuildAsync(baseRepository, destination, second);

        Assert.Equal(one.Index.Descriptor.Digest, two.Index.Descriptor.Digest);
        Assert.Equal(writes, Writes(destination));
        Assert.All(two.Blobs.Values, outcome => Assert.Equal(BlobPushOutcome.AlreadyPresent, outcome));
        Assert.Contains(BlobPushOutcome.Mounted, one.Blobs.Values);
        Assert.Equal(one.Index.Bytes.ToArray(), await Skopeo.RawAsync($"{destination}@{one.Index.Descriptor.Digest}", Cancel));
    }

    [Fact]
    public async Task Each_platform_is_its_base_image_plus_one_layer_with_the_settings_over_the_base_configuration()
    {
        var baseRepository = await PushBaseAsync("settings/base");
        var destination = new OciRepository(_server.Host, "settings/app");

        var result = await BuildAsync(baseRepository, destination, Checkout("app", DateTime.UtcNow));

        var index = JsonNode.Parse(result.Index.Bytes.ToArray())!["manifests"]!.AsArray();
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], index.Select(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}{(m["platform"]!["variant"] is { } v ? "/" + v : "")}"));
        var arm = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", "--override-arch", "arm64", "--override-variant", "v8", $"docker://{destination}@{result.Index.Descriptor.Digest}"))!;
        Assert.Equal("arm64", (string?)arm["architecture"]);
        Assert.Equal("1970-01-02T00:00:00Z", (string?)arm["created"]);
        var settings = arm["config"]!;
        Assert.Equal(["PATH=/usr/bin:/bin", "GREETING=hello"], settings["Env"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["/app/hello"], settings["Entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Null(settings["Cmd"]);
        Assert.Equal("1.2.3", (string?)settings["Labels"]!["org.opencontainers.image.version"]);
        Assert.Equal(2, arm["rootfs"]!["diff_ids"]!.AsArray().Count);
        Assert.Equal(2, arm["history"]!.AsArray().Count);

        var manifest = JsonNode.Parse(await Skopeo.RawAsync($"{destination}@{result.Images[1].Digest}", Cancel))!;
        var layers = manifest["layers"]!.AsArray();
        Assert.Equal(2, layers.Count);
        var layer = new MemoryStream();
        await _client.PullBlobAsync(destination, new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = Digest.Parse((string)layers[1]!["digest"]!), Size = (long)layers[1]!["size"]! }, layer, Cancel);
        var entries = await ReadLayerAsync(layer.ToArray());
        Assert.Contains("app/hello", entries);
        Assert.Contains("app/data/message.txt", entries);
    }

    [Fact]
    public async Task A_platform_the_base_image_lacks_is_refused_naming_the_platforms_it_has()
    {
        var baseRepository = await PushBaseAsync("missing/base");
        var request = Request(baseRepository, new OciRepository(_server.Host, "missing/app"), Checkout("app", DateTime.UtcNow)) with
        {
            Platforms = [new PlatformSource(Platform.Parse("linux/s390x", out _)!, Checkout("s390x", DateTime.UtcNow))],
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ImageBuilder(_client, _directory.Combine("scratch")).BuildAsync(request, Cancel));

        Assert.Contains("has no linux/s390x image (it has linux/amd64, linux/arm64/v8)", error.Message, StringComparison.Ordinal);
    }

    private async Task<OciRepository> PushBaseAsync(string name)
    {
        var repository = new OciRepository(_server.Host, name);
        var amd64 = await TestImage.BuildAsync("linux/amd64", "base", Cancel);
        var arm64 = await TestImage.BuildAsync("linux/arm64/v8", "base", Cancel);
        foreach (var image in new[] { amd64, arm64 })
        {
            await _client.PushBlobAsync(repository, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel);
            await _client.PushBlobAsync(repository, image.Config, Cancel);
            await _client.PushManifestAsync(repository, image.Manifest, Cancel);
        }

        var index = TestImage.Index(amd64, arm64);
        await _client.PushManifestAsync(repository.WithTag("1.0"), index, Cancel);
        return repository;
    }

    private Task<ImageBuildResult> BuildAsync(OciRepository baseRepository, OciRepository destination, string checkout) =>
        new ImageBuilder(_client, _directory.Combine("scratch")).BuildAsync(Request(baseRepository, destination, checkout), Cancel);

    private static ImageBuildRequest Request(OciRepository baseRepository, OciRepository destination, string checkout) => new()
    {
        Base = baseRepository.WithTag("1.0"),
        Platforms =
        [
            new PlatformSource(Platform.Parse("linux/amd64", out _)!, Path.Combine(checkout, "amd64")),
            new PlatformSource(Platform.Parse("linux/arm64/v8", out _)!, Path.Combine(checkout, "arm64")),
        ],
        Destination = destination,
        Entrypoint = ["/app/hello"],
        Env = [KeyValuePair.Create("GREETING", "hello")],
        Labels = [KeyValuePair.Create("org.opencontainers.image.version", "1.2.3")],
        Created = DateTimeOffset.UnixEpoch.AddDays(1),
    };

    /// <summary>A checkout with a binary and a data file per platform, whose files carry <paramref name="time"/>.</summary>
    private string Checkout(string name, DateTime time)
    {
        var root = _directory.Combine(name);
        foreach (var platform in new[] { "amd64", "arm64" })
        {
            var directory = Path.Combine(root, platform);
            Directory.CreateDirectory(Path.Combine(directory, "data"));
            File.WriteAllText(Path.Combine(directory, "hello"), $"#!/bin/sh\necho hello from {platform}\n");
            File.SetUnixFileMode(Path.Combine(directory, "hello"), (UnixFileMode)0b111_101_101);
            File.WriteAllText(Path.Combine(directory, "data", "message.txt"), "hello\n");
            foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories))
            {
                File.SetLastWriteTimeUtc(path, time);
            }
        }

        return root;
    }

    private static async Task<List<string>> ReadLayerAsync(byte[] gzip)
    {
        var names = new List<string>();
        await using var tar = new System.Formats.Tar.TarReader(new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync(copyData: false, Cancel) is { } entry)
        {
            names.Add(entry.Name.TrimEnd('/'));
        }

        return names;
    }

    private int Writes(OciRepository repository) =>
        _server.CountRequests("PUT", $"/v2/{repository.Name}/") + _server.CountRequests("PATCH", $"/v2/{repository.Name}/") +
        _server.CountRequests("POST", $"/v2/{repository.Name}/");
}
