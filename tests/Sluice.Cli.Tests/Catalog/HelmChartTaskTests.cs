using System.Text.Json.Nodes;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>HelmChart</c> run by the real <c>sluice run</c>: a chart in the named claim
/// <c>source</c> is versioned, given an image digest, packaged and pushed to a registry on 127.0.0.1, then read
/// back with skopeo; an invalid chart fails naming the file, line and value, and pushes nothing. Needs
/// docker-registry and skopeo.
/// </summary>
public sealed class HelmChartTaskTests : IAsyncLifetime
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          generateName: chart-
        spec:
          pipelineSpec:
            tasks:
              - name: chart
                taskRef: {apiVersion: sluice.dev/v1, kind: HelmChart}
                params:
                  - {name: chart, value: deploy/shop}
                  - {name: registry, value: REGISTRY/charts}
                  - {name: version, value: 1.4.0}
                  - {name: values, value: [web.image.digest=sha256:0a1b, web.replicas=REPLICAS]}
                workspaces: [{name: source, workspace: source}]
            workspaces: [{name: source}]
          workspaces:
            - name: source
              persistentVolumeClaim: {claimName: source}
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-chart-task-").FullName;
    private RegistryServer _registry = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    private string Chart => Path.Combine(Home, "claims", "default", "source", "deploy", "shop");

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_ => null, Cancel);
        Directory.CreateDirectory(Path.Combine(Chart, "templates"));
        await File.WriteAllTextAsync(Path.Combine(Chart, "Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: 0.1.0\ndescription: The shop\n", Cancel);
        await File.WriteAllTextAsync(Path.Combine(Chart, "values.yaml"), "web:\n  image:\n    repository: registry.example.com/web\n    digest: \"\"\n  replicas: \"1\"\n", Cancel);
        await File.WriteAllTextAsync(Path.Combine(Chart, "values.schema.json"), """
            {
              "$schema": "http://json-schema.org/draft-07/schema#",
              "type": "object",
              "properties": {
                "web": {
                  "type": "object",
                  "properties": {
                    "image": {"type": "object", "properties": {"repository": {"type": "string"}, "digest": {"type": "string"}}},
                    "replicas": {"type": "string", "pattern": "^[0-9]+$"}
                  }
                }
              }
            }
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(Chart, "templates", "deployment.yaml"), "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n", Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_chart_is_versioned_packaged_and_pushed_with_Helms_media_types_by_digest_and_a_rerun_writes_nothing()
    {
        var file = await WriteAsync("3");
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);

        Assert.True(code == 0, output);
        var digest = System.Text.RegularExpressions.Regex.Match(output, $@"{_registry.Host}/charts/shop@(sha256:[0-9a-f]{{64}}): pushed").Groups[1].Value;
        Assert.NotEmpty(digest);
        var manifest = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/charts/shop@{digest}", Cancel))!;
        Assert.Equal("application/vnd.cncf.helm.config.v1+json", (string?)manifest["config"]!["mediaType"]);
        Assert.Equal("application/vnd.cncf.helm.chart.content.v1.tar+gzip", (string?)manifest["layers"]![0]!["mediaType"]);
        Assert.Equal("1.4.0", (string?)manifest["annotations"]!["org.opencontainers.image.version"]);
        Assert.True(File.Exists(Path.Combine(Home, "claims", "default", "source", ".sluice", "charts", "shop-1.4.0.tgz")));
        Assert.Equal(0, _registry.CountRequests("PUT", "/v2/charts/shop/manifests/1.4.0"));
        Assert.Contains("replicas: \"1\"", await File.ReadAllTextAsync(Path.Combine(Chart, "values.yaml"), Cancel), StringComparison.Ordinal);

        var writes = Writes();
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", file);
        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/charts/shop@{digest}: up-to-date", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
    }

    [Fact]
    public async Task Values_that_break_the_schema_fail_the_task_naming_the_value_and_push_nothing()
    {
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", await WriteAsync("three"));

        Assert.Equal(1, code);
        Assert.Contains("ChartInvalid", output, StringComparison.Ordinal);
        Assert.Contains("web.replicas", output, StringComparison.Ordinal);
        Assert.Contains("deploy/shop/values.yaml:", output, StringComparison.Ordinal);
        Assert.Equal(0, Writes());
    }

    private async Task<string> WriteAsync(string replicas)
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, Pipeline.Replace("REGISTRY", _registry.Host, StringComparison.Ordinal).Replace("REPLICAS", replicas, StringComparison.Ordinal), Cancel);
        return file;
    }

    private int Writes() =>
        _registry.CountRequests("PUT", "/v2/charts/") + _registry.CountRequests("PATCH", "/v2/charts/") + _registry.CountRequests("POST", "/v2/charts/");
}
