using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Sluice.Sdk.Containers;
using Sluice.Testing;

namespace Sluice.Hosting.Tests.Containers;

/// <summary>
/// Publishing to Debian's docker-registry on 127.0.0.1, checked from outside the code under test: skopeo
/// reads what was pushed, Docker pulls and runs it (the arm64 image under QEMU, registered by
/// eng/install.sh), and the registry's access log counts what was sent.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class ContainerPublishTests : IAsyncLifetime
{
    /// <summary>Maps to sluice-standin/dotnet-runtime-deps:bookworm, whose arm64 image is tagged bookworm-arm64.</summary>
    private const string RuntimeDeps = "mcr.microsoft.com/dotnet/runtime-deps:10.0";

    private readonly ContainerFixture _fixture;
    private readonly string _files = Directory.CreateTempSubdirectory("sluice-publish-files-").FullName;
    private readonly List<string> _pulled = [];
    private RegistryServer _registry = null!;

    public ContainerPublishTests(ContainerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        await File.WriteAllTextAsync(Path.Combine(_files, "hello.txt"), "hello from the published image\n", Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var image in _pulled)
        {
            await DockerAsync(["image", "rm", "--force", image], allowFailure: true);
        }

        await _registry.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task Two_platforms_become_one_index_whose_images_run_with_the_settings_of_their_containers()
    {
        await using var test = await _fixture.ConnectAsync();
        var (amd64, arm64) = Variants(test.Client);

        var published = await amd64.PublishAsync($"{_registry.Host}/sluice-test/hello:1.0", [arm64], Cancel);

        var index = await Skopeo.RawAsync($"{_registry.Host}/sluice-test/hello:1.0", Cancel);
        Assert.Equal($"{_registry.Host}/sluice-test/hello@sha256:{Convert.ToHexStringLower(SHA256.HashData(index))}", published);
        var manifests = JsonNode.Parse(index)!["manifests"]!.AsArray();
        Assert.Equal(["linux/amd64", "linux/arm64"], manifests.Select(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}").Order());

        var config = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", "--override-arch", "amd64", $"docker://{published}"))!;
        Assert.Equal("amd64", (string?)config["architecture"]);
        var settings = config["config"]!;
        Assert.Contains("GREETING=hello", settings["Env"]!.AsArray().Select(e => (string?)e));
        Assert.Contains(settings["Env"]!.AsArray(), e => ((string?)e)!.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Equal(["cat"], settings["Entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["hello.txt"], settings["Cmd"]!.AsArray().Select(e => (string?)e));
        Assert.Equal("/app", (string?)settings["WorkingDir"]);
        Assert.Equal("https://example.test/hello", (string?)settings["Labels"]!["org.opencontainers.image.source"]);
        var armConfig = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", "--override-arch", "arm64", $"docker://{published}"))!;
        Assert.Equal("arm64", (string?)armConfig["architecture"]);

        Assert.Equal("hello from the published image\n", await RunPublishedAsync(published, "linux/amd64"));
        Assert.Contains("GLIBC", await RunPublishedAsync(published, "linux/arm64"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_the_same_containers_again_sends_no_blob_and_no_manifest()
    {
        await using var test = await _fixture.ConnectAsync();
        var (amd64, arm64) = Variants(test.Client);
        var first = await amd64.PublishAsync($"{_registry.Host}/sluice-test/again:1.0", [arm64], Cancel);
        var (puts, posts) = (_registry.CountRequests("PUT"), _registry.CountRequests("POST"));

        var second = await amd64.PublishAsync($"{_registry.Host}/sluice-test/again:1.0", [arm64], Cancel);

        Assert.Equal(first, second);
        Assert.Equal(puts, _registry.CountRequests("PUT"));
        Assert.Equal(posts, _registry.CountRequests("POST"));
        Assert.True(puts >= 3, $"the first publish sent {puts} PUTs: two manifests and an index at least");
    }

    [Fact]
    public async Task An_address_without_a_tag_pushes_by_digest_only_and_one_container_is_a_manifest()
    {
        await using var test = await _fixture.ConnectAsync();
        var (amd64, _) = Variants(test.Client);

        var published = await amd64.PublishAsync($"{_registry.Host}/sluice-test/untagged", cancellationToken: Cancel);

        var manifest = JsonNode.Parse(await Skopeo.RawAsync(published, Cancel))!;
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", (string?)manifest["mediaType"]);
        var latest = await Assert.ThrowsAsync<InvalidOperationException>(() => Skopeo.RawAsync($"{_registry.Host}/sluice-test/untagged:latest", Cancel));
        Assert.Contains("manifest unknown", latest.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_of_another_platform_is_refused_naming_both_platforms()
    {
        await using var test = await _fixture.ConnectAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            test.Client.Container(Platforms.LinuxArm64).From("busybox").WithExec(["true"]).SyncAsync(Cancel));

        Assert.Contains("is linux/amd64, but the container is for linux/arm64, and there is no linux/arm64 image sluice-standin/busybox:bookworm-arm64", error.Message, StringComparison.Ordinal);
    }

    private (Container Amd64, Container Arm64) Variants(SluiceClient client)
    {
        var files = client.Host.Directory(_files);
        var amd64 = client.Container(Platforms.LinuxAmd64).From("busybox")
            .WithDirectory("/app", files)
            .WithEnvVariable("GREETING", "hello")
            .WithWorkdir("/app")
            .WithEntrypoint(["cat"])
            .WithDefaultArgs(["hello.txt"])
            .WithLabel("org.opencontainers.image.source", "https://example.test/hello");
        var arm64 = client.Container(Platforms.LinuxArm64).From(RuntimeDeps)
            .WithDirectory("/app", files)
            .WithEntrypoint(["/lib/ld-linux-aarch64.so.1"])
            .WithDefaultArgs(["--version"]);
        return (amd64, arm64);
    }

    /// <summary>Pulls one platform of a published image with Docker and runs it without a network.</summary>
    private async Task<string> RunPublishedAsync(string image, string platform)
    {
        // Docker 20.10 cannot keep two platforms of one index digest, so each runs by its manifest's digest.
        var index = JsonNode.Parse(await Skopeo.RawAsync(image, Cancel))!["manifests"]!.AsArray();
        var manifest = index.Single(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}" == platform)!;
        var pinned = $"{image.Split('@')[0]}@{(string?)manifest["digest"]}";
        _pulled.Add(pinned);
        return await DockerAsync(["run", "--rm", "--network", "none", "--platform", platform, pinned]);
    }

    private static async Task<string> DockerAsync(IEnumerable<string> arguments, bool allowFailure = false)
    {
        var result = await ProcessRunner.RunAsync("/usr/bin/docker", arguments, TimeSpan.FromMinutes(2), Cancel);
        return result.ExitCode == 0 || allowFailure
            ? result.Stdout
            : throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr}");
    }
}
