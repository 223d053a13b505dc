using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>PublishBinaries</c> run by the real <c>sluice run</c>: binaries for two runtime
/// identifiers in the named claim <c>source</c> become an index of two artifact manifests pushed by digest to a
/// registry on 127.0.0.1 and read back with skopeo; the registry's log shows that a rerun writes nothing, and
/// that a missing platform directory fails the task before anything is sent. Needs docker-registry and skopeo.
/// </summary>
public sealed class PublishBinariesTaskTests : IAsyncLifetime
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: binaries-
        spec:
          pipelineSpec:
            tasks:
              - name: binaries
                taskRef: {apiVersion: sluice.dev/v1, kind: PublishBinaries}
                params:
                  - {name: repository, value: REGISTRY/team/agenda-binaries}
                  - {name: name, value: agenda}
                  - {name: source-date-epoch, value: "1767323045"}
                workspaces: [{name: source, workspace: source}]
            workspaces: [{name: source}]
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-binaries-task-").FullName;
    private RegistryServer _registry = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Binaries => Path.Combine(Home, "claims", "default", "source", "binaries");

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Directory.CreateDirectory(Path.Combine(Binaries, rid));
            await File.WriteAllTextAsync(Path.Combine(Binaries, rid, "agenda"), $"#!/bin/sh\necho agenda on {rid}\n", Cancel);
            File.SetUnixFileMode(Path.Combine(Binaries, rid, "agenda"), (UnixFileMode)0x1ED);
            await File.WriteAllTextAsync(Path.Combine(Binaries, rid, "appsettings.json"), "{}\n", Cancel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Binaries_of_two_platforms_become_an_index_of_artifact_manifests_pushed_by_digest_and_a_rerun_writes_nothing()
    {
        var file = await WriteAsync();
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);

        Assert.True(code == 0, output);
        var digest = IndexLine(_registry.Host).Match(output) is { Success: true } line && line.Groups["outcome"].Value == "pushed" ? line.Groups["digest"].Value : null;
        Assert.True(digest is not null, output);
        var index = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/team/agenda-binaries@{digest}", Cancel))!;
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        Assert.Equal("application/vnd.sluice.binaries.v1+tar", (string?)index["artifactType"]);
        var entries = index["manifests"]!.AsArray().Select(m => m!).ToList();
        Assert.Equal(["linux/amd64", "linux/arm64"], entries.Select(m => $"{m["platform"]!["os"]}/{m["platform"]!["architecture"]}"));
        foreach (var entry in entries)
        {
            var manifest = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/team/agenda-binaries@{entry["digest"]}", Cancel))!;
            Assert.Equal("application/vnd.sluice.binaries.v1+tar", (string?)manifest["artifactType"]);
            Assert.Equal("application/vnd.oci.empty.v1+json", (string?)manifest["config"]!["mediaType"]);
            var layer = Assert.Single(manifest["layers"]!.AsArray())!;
            Assert.Equal($"agenda-linux-{entry["platform"]!["architecture"]}.tar.gz", (string?)layer["annotations"]!["org.opencontainers.image.title"]);
        }

        Assert.Equal(3, _registry.CountRequests("PUT", "/v2/team/agenda-binaries/manifests/sha256:"));
        Assert.Equal(3, _registry.CountRequests("PUT", "/v2/team/agenda-binaries/manifests/"));
        var (_, description) = await SluiceProcess.RunAsync(Home, "describe", "--last");
        Assert.True(Regex.IsMatch(description, $@"(?m)^\s*artifact\s+ARTIFACT\s+{digest}\s+{Regex.Escape(_registry.Host)}/team/agenda-binaries\s"), description);

        var writes = Writes();
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/team/agenda-binaries@{digest}: up-to-date", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
    }

    [Fact]
    public async Task A_missing_platform_directory_fails_with_BinariesMissing_naming_it_before_anything_is_pushed()
    {
        Directory.Delete(Path.Combine(Binaries, "linux-arm64"), recursive: true);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", await WriteAsync());

        Assert.True(code == 1, output);
        Assert.Contains("BinariesMissing", output, StringComparison.Ordinal);
        Assert.Contains("binaries/linux-arm64 is not in workspace \"source\"; publish linux/arm64 there first (dotnet publish -r linux-arm64 -o binaries/linux-arm64)", output, StringComparison.Ordinal);
        Assert.Equal(0, Writes());
    }

    private async Task<string> WriteAsync()
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, Pipeline.Replace("REGISTRY", _registry.Host, StringComparison.Ordinal), Cancel);
        return file;
    }

    private int Writes() =>
        _registry.CountRequests("PUT") + _registry.CountRequests("PATCH") + _registry.CountRequests("POST");

    private static Regex IndexLine(string host) => new($@"{Regex.Escape(host)}/team/agenda-binaries@(?<digest>sha256:[0-9a-f]{{64}}): (?<outcome>pushed|up-to-date)");
}
