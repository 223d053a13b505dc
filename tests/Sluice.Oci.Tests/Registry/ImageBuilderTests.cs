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
    public async Task A_dotnet_publish_gets_its_runtime_in_a_layer_below_the_application_and_a_change_to_the_application_compresses_and_sends_only_its_layer()
    {
        var baseRepository = await PushBaseAsync("dotnet/base");
        var destination = new OciRepository(_server.Host, "dotnet/app");
        var checkout = DotnetCheckout("dotnet-app");
        var memo = new CountingMemo(new DirectoryLayerMemo(_directory.Combine("memo")));

        var first = await BuildAsync(baseRepository, destination, checkout, memo);
        var afterFirst = (memo.Recalled, memo.Remembered);
        var firstManifest = JsonNode.Parse(await Skopeo.RawAsync($"{destination}@{first.Images[0].Digest}", Cancel))!["layers"]!.AsArray();
        foreach (var platform in new[] { "amd64", "arm64" })
        {
            File.AppendAllText(Path.Combine(checkout, platform, "App.dll"), "changed\n");
        }

        var second = await BuildAsync(baseRepository, destination, checkout, memo);

        Assert.Equal(3, firstManifest.Count);
        var runtime = await PullLayerAsync(destination, firstManifest[1]!);
        Assert.Equal(["app", "app/System.Private.CoreLib.dll", "app/libcoreclr.so"], runtime);
        var application = await PullLayerAsync(destination, firstManifest[2]!);
        Assert.Equal(["app", "app/App", "app/App.deps.json", "app/App.dll", "app/data", "app/data/message.txt"], application);
        var secondManifest = JsonNode.Parse(await Skopeo.RawAsync($"{destination}@{second.Images[0].Digest}", Cancel))!["layers"]!.AsArray();
        Assert.Equal((string?)firstManifest[1]!["digest"], (string?)secondManifest[1]!["digest"]);
        Assert.NotEqual((string?)firstManifest[2]!["digest"], (string?)secondManifest[2]!["digest"]);
        Assert.Equal((0, 4), afterFirst);
        Assert.Equal((2, 6), (memo.Recalled, memo.Remembered));
        var uploaded = second.Blobs.Where(b => b.Value == BlobPushOutcome.Uploaded).Select(b => b.Key).ToHashSet();
        Assert.Equal(4, uploaded.Count);
        Assert.Contains(Digest.Parse((string)secondManifest[2]!["digest"]!), uploaded);
    }

    [Fact]
    public async Task A_layer_the_memo_knows_but_the_destination_lacks_is_compressed_and_sent_again_to_the_same_digest()
    {
        var baseRepository = await PushBaseAsync("memo/base");
        var checkout = DotnetCheckout("memo-app");
        var memo = new CountingMemo(new DirectoryLayerMemo(_directory.Combine("memo")));
        var one = await BuildAsync(baseRepository, new OciRepository(_server.Host, "memo/one"), checkout, memo);

        var two = await BuildAsync(baseRepository, new OciRepository(_server.Host, "memo/two"), checkout, memo);

        Assert.Equal(one.Index.Descriptor.Digest, two.Index.Descriptor.Digest);
        Assert.Equal(4, memo.Recalled);
        Assert.Equal(6, two.Blobs.Count(b => b.Value == BlobPushOutcome.Uploaded));
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

    private Task<ImageBuildResult> BuildAsync(OciRepository baseRepository, OciRepository destination, string checkout, ILayerMemo? memo = null) =>
        new ImageBuilder(_client, _directory.Combine("scratch")) { Memo = memo }.BuildAsync(Request(baseRepository, destination, checkout), Cancel);

    /// <summary>A checkout of a .NET publish per platform: a deps file naming two runtime files, beside the application's.</summary>
    private string DotnetCheckout(string name)
    {
        var root = Checkout(name, DateTime.UtcNow);
        foreach (var platform in new[] { "amd64", "arm64" })
        {
            var directory = Path.Combine(root, platform);
            File.WriteAllText(Path.Combine(directory, "App"), "apphost " + platform);
            File.WriteAllText(Path.Combine(directory, "App.dll"), "application\n");
            File.WriteAllText(Path.Combine(directory, "System.Private.CoreLib.dll"), "corelib " + platform);
            File.WriteAllText(Path.Combine(directory, "libcoreclr.so"), "coreclr " + platform);
            File.Delete(Path.Combine(directory, "hello"));
            File.WriteAllText(Path.Combine(directory, "App.deps.json"), $$"""
                {
                  "targets": {
                    ".NETCoreApp,Version=v10.0/linux-{{platform}}": {
                      "App/1.0.0": { "runtime": { "App.dll": {} } },
                      "runtimepack.Microsoft.NETCore.App.Runtime.linux-{{platform}}/10.0.0": {
                        "runtime": { "System.Private.CoreLib.dll": {} },
                        "native": { "libcoreclr.so": {} }
                      }
                    }
                  },
                  "libraries": {
                    "App/1.0.0": { "type": "project" },
                    "runtimepack.Microsoft.NETCore.App.Runtime.linux-{{platform}}/10.0.0": { "type": "runtimepack" }
                  }
                }
                """);
        }

        return root;
    }

    private async Task<List<string>> PullLayerAsync(OciRepository repository, JsonNode layer)
    {
        var bytes = new MemoryStream();
        await _client.PullBlobAsync(repository, new Descriptor { MediaType = MediaTypes.LayerGzip, Digest = Digest.Parse((string)layer["digest"]!), Size = (long)layer["size"]! }, bytes, Cancel);
        return await ReadLayerAsync(bytes.ToArray());
    }

    /// <summary>A memo that counts what it gave back and what it was told.</summary>
    private sealed class CountingMemo(ILayerMemo inner) : ILayerMemo
    {
        private int _recalled;
        private int _remembered;

        public int Recalled => _recalled;

        public int Remembered => _remembered;

        public async Task<Descriptor?> RecallAsync(Digest diffId, System.IO.Compression.CompressionLevel level, CancellationToken cancellationToken)
        {
            var known = await inner.RecallAsync(diffId, level, cancellationToken);
            if (known is not null)
            {
                Interlocked.Increment(ref _recalled);
            }

            return known;
        }

        public Task RememberAsync(Digest diffId, System.IO.Compression.CompressionLevel level, Descriptor compressed, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _remembered);
            return inner.RememberAsync(diffId, level, compressed, cancellationToken);
        }
    }

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
