using System.Text.Json.Nodes;
using Sluice.Cli.Tests.Processes;
using Sluice.Oci;
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
    public async Task Unchanged_inputs_are_recalled_without_building_while_the_registry_holds_the_index_and_built_again_when_it_does_not()
    {
        await WriteBinariesAsync("one");
        var file = await WriteAsync(Pipeline);
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(code == 0, output);
        var digest = System.Text.RegularExpressions.Regex.Match(output, $@"{_registry.Host}/team/app@(sha256:[0-9a-f]{{64}})").Groups[1].Value;

        // The same binaries and params: the index is looked up by its remembered digest, no layer is made or checked.
        var blobChecks = _registry.CountRequests("HEAD", "/v2/team/app/blobs/");
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/team/app@{digest}: up-to-date (the inputs of TaskRun", printedAgain, StringComparison.Ordinal);
        Assert.Equal(blobChecks, _registry.CountRequests("HEAD", "/v2/team/app/blobs/"));

        // The registry lost the index: what was remembered does not count, the image is built and pushed again.
        using (var client = new RegistryClient())
        {
            Assert.True(await client.DeleteManifestAsync(new OciRepository(_registry.Host, "team/app"), Digest.Parse(digest), Cancel));
        }

        var (third, printedThird) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(third == 0, printedThird);
        Assert.Contains("but the registry no longer has it; building again", printedThird, StringComparison.Ordinal);
        using var check = new RegistryClient();
        Assert.NotNull(await check.HeadManifestAsync(new OciRepository(_registry.Host, "team/app").WithDigest(Digest.Parse(digest)), Cancel));

        // Other binaries: another key, another index.
        await WriteBinariesAsync("two");
        var (fourth, printedFourth) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(fourth == 0, printedFourth);
        Assert.DoesNotContain(digest, printedFourth, StringComparison.Ordinal);
        Assert.DoesNotContain("(the inputs of TaskRun", printedFourth, StringComparison.Ordinal);

        // --no-cache remembers nothing and recalls nothing: the builder checks every blob.
        blobChecks = _registry.CountRequests("HEAD", "/v2/team/app/blobs/");
        var (fifth, printedFifth) = await SluiceProcess.RunAsync(Home, "run", "--no-cache", "--network", "host", file);
        Assert.True(fifth == 0, printedFifth);
        Assert.DoesNotContain("(the inputs of TaskRun", printedFifth, StringComparison.Ordinal);
        Assert.True(_registry.CountRequests("HEAD", "/v2/team/app/blobs/") > blobChecks, _registry.Log);
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

    private async Task WriteBinariesAsync(string text)
    {
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Directory.CreateDirectory(Path.Combine(Source, "binaries", rid));
            await File.WriteAllTextAsync(Path.Combine(Source, "binaries", rid, "hello"), $"#!/bin/sh\necho {text} from {rid}\n", Cancel);
            File.SetUnixFileMode(Path.Combine(Source, "binaries", rid, "hello"), (UnixFileMode)0x1ED);
        }
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
