using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Sluice.Catalog.Artifacts;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Catalog.Tests.Registry;

/// <summary>Per-platform binaries pushed as OCI artifacts with an index, read back by skopeo; a second publish sends nothing.</summary>
public sealed class BinaryArtifactPublisherTests : IClassFixture<OpenRegistry>, IDisposable
{
    private readonly RegistryServer _server;
    private readonly RegistryClient _client = new();
    private readonly TempDirectory _directory = new();

    public BinaryArtifactPublisherTests(OpenRegistry registry) => _server = registry.Server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Each_platform_is_an_artifact_manifest_under_an_index_with_its_platform_and_skopeo_reads_them()
    {
        var destination = new OciRepository(_server.Host, "team/agenda-binaries");

        var result = await PublishAsync(destination, "checkout");

        Assert.Equal(PublishOutcome.Pushed, result.Outcome);
        Assert.Equal(["agenda-linux-amd64.tar.gz", "agenda-linux-arm64.tar.gz"], result.Platforms.Select(p => p.FileName));
        var index = JsonNode.Parse(await Skopeo.RawAsync(result.Reference.ToString(), Cancel))!;
        Assert.Equal((MediaTypes.ImageIndex, BinaryArtifactRequest.DefaultArtifactType), ((string?)index["mediaType"], (string?)index["artifactType"]));
        Assert.Equal(
            [("linux/amd64", result.Platforms[0].Manifest.Digest.ToString()), ("linux/arm64", result.Platforms[1].Manifest.Digest.ToString())],
            index["manifests"]!.AsArray().Select(m => ($"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}", (string?)m["digest"])));

        var manifest = JsonNode.Parse(await Skopeo.RawAsync($"{destination}@{result.Platforms[1].Manifest.Digest}", Cancel))!;
        Assert.Equal((MediaTypes.ImageManifest, BinaryArtifactRequest.DefaultArtifactType), ((string?)manifest["mediaType"], (string?)manifest["artifactType"]));
        Assert.Equal((MediaTypes.Empty, Descriptor.Empty.Digest.ToString()), ((string?)manifest["config"]!["mediaType"], (string?)manifest["config"]!["digest"]));
        var layer = Assert.Single(manifest["layers"]!.AsArray())!;
        Assert.Equal(("agenda-linux-arm64.tar.gz", result.Platforms[1].Archive.Digest.ToString()), ((string?)layer["annotations"]![Annotations.Title], (string?)layer["digest"]));
    }

    [Fact]
    public async Task The_archive_has_sorted_entries_a_fixed_time_owner_0_and_the_executable_bit_kept()
    {
        var result = await PublishAsync(new OciRepository(_server.Host, "archives"), "checkout");

        var bytes = await _client.GetBlobBytesAsync(result.Repository, result.Platforms[0].Archive, Cancel);
        using var tar = new TarReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
        var entries = new List<(string, UnixFileMode, int, DateTimeOffset)>();
        while (tar.GetNextEntry() is { } entry)
        {
            entries.Add((entry.Name, entry.Mode, entry.Uid, entry.ModificationTime));
        }

        Assert.Equal(
            [("agenda", (UnixFileMode)0x1ED, 0, DateTimeOffset.UnixEpoch), ("appsettings.json", (UnixFileMode)0x1A4, 0, DateTimeOffset.UnixEpoch),
             ("lib/", (UnixFileMode)0x1ED, 0, DateTimeOffset.UnixEpoch), ("lib/libagenda.so", (UnixFileMode)0x1A4, 0, DateTimeOffset.UnixEpoch)],
            entries);
    }

    [Fact]
    public async Task The_same_binaries_from_another_checkout_are_up_to_date_and_nothing_is_written()
    {
        var destination = new OciRepository(_server.Host, "again/agenda");
        var first = await PublishAsync(destination, "one");
        var puts = _server.CountRequests("PUT");
        var posts = _server.CountRequests("POST");

        var second = await PublishAsync(destination, "elsewhere/two", DateTime.UtcNow.AddDays(-5));

        Assert.Equal((PublishOutcome.UpToDate, "up-to-date"), (second.Outcome, second.Outcome.ToResult()));
        Assert.Equal(first.Index, second.Index);
        Assert.Equal(first.Platforms.Select(p => p.Manifest), second.Platforms.Select(p => p.Manifest));
        Assert.All(second.Platforms, p => Assert.Equal(PublishOutcome.UpToDate, p.Outcome));
        Assert.Equal((puts, posts), (_server.CountRequests("PUT"), _server.CountRequests("POST")));
        Assert.Empty(await _client.ListTagsAsync(destination, Cancel));
    }

    [Fact]
    public async Task A_platform_that_changed_is_pushed_and_one_that_did_not_is_up_to_date()
    {
        var destination = new OciRepository(_server.Host, "partly/agenda");
        var first = await PublishAsync(destination, "one");
        File.AppendAllText(Path.Combine(_directory.Path, "one", "linux-arm64", "appsettings.json"), "\n");

        var second = await PublishAsync(destination, "one");

        Assert.Equal(PublishOutcome.Pushed, second.Outcome);
        Assert.NotEqual(first.Index.Digest, second.Index.Digest);
        Assert.Equal([PublishOutcome.UpToDate, PublishOutcome.Pushed], second.Platforms.Select(p => p.Outcome));
    }

    private async Task<BinaryArtifactResult> PublishAsync(OciRepository destination, string checkout, DateTime? time = null)
    {
        var sources = new List<BinarySource>();
        foreach (var architecture in new[] { "amd64", "arm64" })
        {
            var root = Path.Combine(_directory.Path, checkout, "linux-" + architecture);
            if (!Directory.Exists(root))
            {
                Directory.CreateDirectory(Path.Combine(root, "lib"));
                File.WriteAllText(Path.Combine(root, "agenda"), "#!/bin/sh\necho agenda " + architecture + "\n");
                File.SetUnixFileMode(Path.Combine(root, "agenda"), (UnixFileMode)0x1ED);
                File.WriteAllText(Path.Combine(root, "appsettings.json"), "{}");
                File.WriteAllText(Path.Combine(root, "lib", "libagenda.so"), "ELF " + architecture);
                foreach (var file in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
                {
                    File.SetLastWriteTimeUtc(file, time ?? DateTime.UtcNow);
                }
            }

            sources.Add(new BinarySource(new Platform { Os = "linux", Architecture = architecture }, root));
        }

        var publisher = new BinaryArtifactPublisher(_client, Path.Combine(_directory.Path, "scratch"));
        return await publisher.PublishAsync(new BinaryArtifactRequest { Name = "agenda", Platforms = [.. sources], Destination = destination }, Cancel);
    }
}
