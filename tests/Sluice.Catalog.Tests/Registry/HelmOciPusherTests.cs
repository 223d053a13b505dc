using System.Text.Json.Nodes;
using Sluice.Catalog.Charts;
using Sluice.Oci;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Catalog.Tests.Registry;

/// <summary>Charts pushed to a real registry by digest, read back by skopeo; a second push sends nothing.</summary>
public sealed class HelmOciPusherTests : IClassFixture<OpenRegistry>, IDisposable
{
    private readonly RegistryServer _server;
    private readonly RegistryClient _client = new();
    private readonly TempDirectory _directory = new();

    public HelmOciPusherTests(OpenRegistry registry) => _server = registry.Server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_chart_is_pushed_as_a_Helm_OCI_artifact_under_its_name_and_a_second_push_is_up_to_date()
    {
        var archive = await PackageAsync("1.4.0");
        var pusher = new HelmOciPusher(_client);
        var destination = new OciRepository(_server.Host, "team/charts");

        var first = await pusher.PushAsync(archive.Path!, destination, Cancel);
        var puts = _server.CountRequests("PUT");
        var second = await pusher.PushAsync(archive.Path!, destination, Cancel);

        Assert.Equal((PublishOutcome.Pushed, PublishOutcome.UpToDate), (first.Outcome, second.Outcome));
        Assert.Equal("up-to-date", second.Outcome.ToResult());
        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(puts, _server.CountRequests("PUT"));
        Assert.Equal($"{_server.Host}/team/charts/agenda", first.Repository.ToString());
        Assert.Empty(await _client.ListTagsAsync(first.Repository, Cancel));

        var raw = await Skopeo.RawAsync(first.Reference.ToString(), Cancel);
        var manifest = JsonNode.Parse(raw)!;
        Assert.Equal(MediaTypes.ImageManifest, (string?)manifest["mediaType"]);
        Assert.Equal("application/vnd.cncf.helm.config.v1+json", (string?)manifest["config"]!["mediaType"]);
        var layer = Assert.Single(manifest["layers"]!.AsArray())!;
        Assert.Equal("application/vnd.cncf.helm.chart.content.v1.tar+gzip", (string?)layer["mediaType"]);
        Assert.Equal(archive.Descriptor.Digest.ToString(), (string?)layer["digest"]);
        Assert.Equal(("agenda", "1.4.0"), ((string?)manifest["annotations"]![Annotations.Title], (string?)manifest["annotations"]![Annotations.Version]));

        var config = await _client.GetBlobBytesAsync(first.Repository, Descriptor.FromContent(MediaTypes.HelmConfig, first.Chart.ToConfigJson()), Cancel);
        Assert.Equal("""{"name":"agenda","version":"1.4.0","description":"The agenda service","apiVersion":"v2","appVersion":"abc123"}""", System.Text.Encoding.UTF8.GetString(config));
    }

    [Fact]
    public async Task Another_version_is_another_manifest_in_the_same_repository()
    {
        var pusher = new HelmOciPusher(_client);
        var destination = new OciRepository(_server.Host, "versions");

        var one = await pusher.PushAsync((await PackageAsync("1.0.0")).Path!, destination, Cancel);
        var two = await pusher.PushAsync((await PackageAsync("1.0.1")).Path!, destination, Cancel);

        Assert.Equal((PublishOutcome.Pushed, PublishOutcome.Pushed), (one.Outcome, two.Outcome));
        Assert.Equal(one.Repository, two.Repository);
        Assert.NotEqual(one.Manifest.Digest, two.Manifest.Digest);
    }

    private async Task<ChartPackage> PackageAsync(string version)
    {
        var chart = _directory.Combine("agenda-" + version);
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: agenda\ndescription: The agenda service\nversion: 0.1.0\n", Cancel);
        await File.WriteAllTextAsync(Path.Combine(chart, "templates", "deployment.yaml"), "kind: Deployment\n", Cancel);
        var result = await ChartPackager.PackageAsync(chart, _directory.Combine("out-" + version), new ChartOverrides { Version = version, AppVersion = "abc123" }, null, Cancel);
        return result.Package ?? throw new InvalidOperationException(string.Join("\n", result.Problems));
    }
}
