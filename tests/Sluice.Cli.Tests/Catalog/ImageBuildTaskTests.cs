using System.Text.Json.Nodes;
using Sluice.Cli.Tests.Processes;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>ImageBuild</c> in a pipeline run by the real <c>sluice run</c>: binaries
/// for two runtime identifiers in the named claim <c>source</c> become one image index on the runtime-deps
/// stand-ins, pushed by digest to a registry on 127.0.0.1 and read back with skopeo; the registry's own
/// log shows that a second run writes nothing. Needs Docker (for the stand-in images) and docker-registry.
/// </summary>
public sealed class ImageBuildTaskTests : IAsyncLifetime
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: image-
        spec:
          pipelineSpec:
            tasks:
              - name: image
                taskRef: {apiVersion: sluice.dev/v1, kind: ImageBuild}
                params:
                  - {name: image, value: REGISTRY/team/app}
                  - {name: base, value: BASE}
                  - {name: entrypoint, value: [/app/hello]}
                  - {name: labels, value: [org.opencontainers.image.version=1.2.3]}
                  - {name: source-date-epoch, value: "1767323045"}
                workspaces: [{name: source, workspace: source}]
            workspaces: [{name: source}]
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-image-task-").FullName;
    private RegistryServer _registry = null!;
    private string _base = string.Empty;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Source => Path.Combine(Home, "claims", "default", "source");

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        using var client = new RegistryClient();
        _base = (await StandInImages.PushRuntimeDepsAsync(client, _registry.Host, Cancel)).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Binaries_of_two_platforms_become_one_index_pushed_by_digest_and_a_rerun_writes_nothing()
    {
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Directory.CreateDirectory(Path.Combine(Source, "binaries", rid));
            await File.WriteAllTextAsync(Path.Combine(Source, "binaries", rid, "hello"), $"#!/bin/sh\necho hello from {rid}\n", Cancel);
            File.SetUnixFileMode(Path.Combine(Source, "binaries", rid, "hello"), (UnixFileMode)0x1ED);
        }

        var file = await WriteAsync(Pipeline);
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);

        Assert.True(code == 0, output);
        var digest = System.Text.RegularExpressions.Regex.Match(output, $@"{_registry.Host}/team/app@(sha256:[0-9a-f]{{64}})").Groups[1].Value;
        Assert.NotEmpty(digest);
        var index = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/team/app@{digest}", Cancel))!;
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        Assert.Equal(["amd64", "arm64"], index["manifests"]!.AsArray().Select(m => (string)m!["platform"]!["architecture"]!).Order(StringComparer.Ordinal));
        Assert.Equal(0, _registry.CountRequests("GET", "/v2/team/app/tags/"));
        Assert.DoesNotContain("/v2/team/app/manifests/latest", _registry.Log, StringComparison.Ordinal);

        var (described, description) = await SluiceProcess.RunAsync(Home, "describe", "--last");
        Assert.True(described == 0, description);
        Assert.Contains($"{_registry.Host}/team/app", description, StringComparison.Ordinal);
        Assert.Contains(digest, description, StringComparison.Ordinal);

        var writes = Writes();
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/team/app@{digest}: up-to-date", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
    }

    [Fact]
    public async Task A_platform_whose_binaries_are_missing_fails_the_task_naming_the_directory_and_pushes_nothing()
    {
        Directory.CreateDirectory(Path.Combine(Source, "binaries", "linux-x64"));
        await File.WriteAllTextAsync(Path.Combine(Source, "binaries", "linux-x64", "hello"), "x", Cancel);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", await WriteAsync(Pipeline));

        Assert.Equal(1, code);
        Assert.Contains("BinariesMissing", output, StringComparison.Ordinal);
        Assert.Contains("binaries/linux-arm64 is not in workspace \"source\"", output, StringComparison.Ordinal);
        Assert.Equal(0, Writes());
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, yaml.Replace("REGISTRY", _registry.Host, StringComparison.Ordinal).Replace("BASE", _base, StringComparison.Ordinal), Cancel);
        return file;
    }

    private int Writes() =>
        _registry.CountRequests("PUT", "/v2/team/") + _registry.CountRequests("PATCH", "/v2/team/") + _registry.CountRequests("POST", "/v2/team/");
}
