using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Hosting.Tests.Containers;
using Sluice.Testing;

namespace Sluice.Hosting.Tests.Examples;

/// <summary>
/// examples/sdk as its README runs it: pack.sh packs Sluice and the pipeline library into the local
/// feed, and <c>dotnet run build.cs</c> restores them through the repository's nuget.config (into a
/// NuGet package folder of the test's own) and ships the sample service to a registry on 127.0.0.1.
/// What it pushed is read with skopeo and run with Docker, the arm64 image under QEMU.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed partial class SdkExampleTests : IAsyncLifetime
{
    private static readonly string RepositoryRoot = typeof(SdkExampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    private readonly ContainerFixture _fixture;
    private readonly string _work = Directory.CreateTempSubdirectory("sluice-sdk-example-").FullName;
    private readonly List<string> _started = [];
    private RegistryServer _registry = null!;

    public SdkExampleTests(ContainerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Example => Path.Combine(RepositoryRoot, "examples", "sdk");

    private Dictionary<string, string> Environment => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget"),
        ["SLUICE_HOME"] = Path.Combine(_work, "home"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",

        // No build server or compiler server outlives the commands and holds their output open.
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
    };

    public async ValueTask InitializeAsync() => _registry = await RegistryServer.StartAsync(_ => null, Cancel);

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _started)
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["rm", "--force", container], TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        await _registry.DisposeAsync();
        if (Directory.Exists(Environment["SLUICE_HOME"]))
        {
            // The snapshot images the run's cache kept go with it.
            await _fixture.PruneAsync(Environment["SLUICE_HOME"], new Sluice.Store.Caching.CachePrunePolicy { MaxSize = 0 });
        }

        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task The_service_pipeline_ships_an_image_index_whose_two_images_answer_and_a_rerun_pushes_nothing()
    {
        var pack = await ProcessRunner.RunAsync("/bin/bash", [Path.Combine(Example, "pack.sh")], PackTimeout, Cancel, environment: Environment);
        Assert.True(pack.ExitCode == 0, $"pack.sh failed ({pack.ExitCode}):\n{pack.Stderr}{pack.Stdout}");

        var first = await RunPipelineAsync("all", "--registry", $"{_registry.Host}/examples", "--version", "1.2.3");

        var index = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/examples/hello.service:1.2.3", Cancel))!["manifests"]!.AsArray();
        var digests = index.ToDictionary(m => (string)m!["platform"]!["architecture"]!, m => (string)m!["digest"]!);
        Assert.Equal(["amd64", "arm64"], digests.Keys.Order());
        foreach (var (architecture, digest) in digests)
        {
            var image = $"{_registry.Host}/examples/hello.service@{digest}";
            var config = JsonNode.Parse(await Skopeo.RunAsync(Cancel, "inspect", "--tls-verify=false", "--config", $"docker://{image}"))!;
            Assert.Equal(architecture, (string?)config["architecture"]);
            Assert.Equal("1.2.3", (string?)config["config"]!["Labels"]!["org.opencontainers.image.version"]);
            Assert.Equal($"ok 1.2.3 {(architecture == "amd64" ? "x64" : "arm64")}\n", await HealthAsync(image, architecture));
        }

        var (puts, posts) = (_registry.CountRequests("PUT"), _registry.CountRequests("POST"));
        var second = await RunPipelineAsync("all", "--registry", $"{_registry.Host}/examples", "--version", "1.2.3");

        Assert.Equal(Published(first), Published(second));
        Assert.Equal((puts, posts), (_registry.CountRequests("PUT"), _registry.CountRequests("POST")));
    }

    private async Task<string> RunPipelineAsync(params string[] args)
    {
        var run = await ProcessRunner.RunAsync("dotnet", ["run", "--no-cache", Path.Combine(Example, "build.cs"), "--", .. args], RunTimeout, Cancel, Example, Environment);
        Assert.True(run.ExitCode == 0, $"build.cs {string.Join(' ', args)} failed ({run.ExitCode}):\n{run.Stderr}{run.Stdout}");
        return run.Stdout;
    }

    private static string Published(string output) =>
        PublishedLine().Match(output) is { Success: true } match ? match.Groups["image"].Value : throw new InvalidOperationException($"no published image in:\n{output}");

    /// <summary>Starts an image on the host network at a spare loopback port and reads its health endpoint, waiting at most a minute.</summary>
    private async Task<string> HealthAsync(string image, string architecture)
    {
        var port = RegistryServer.SparePort();
        var name = $"sluice-sdk-example-{architecture}-{port}";
        _started.Add(name);
        var started = await ProcessRunner.RunAsync(
            "/usr/bin/docker",
            ["run", "--detach", "--name", name, "--platform", $"linux/{architecture}", "--network", "host", "--env", $"ASPNETCORE_HTTP_PORTS={port}", image],
            TimeSpan.FromMinutes(2),
            Cancel);
        Assert.True(started.ExitCode == 0, started.Stderr);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), Cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync(Cancel);
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline && !Cancel.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                var logs = await ProcessRunner.RunAsync("/usr/bin/docker", ["logs", name], TimeSpan.FromMinutes(1), Cancel);
                throw new TimeoutException($"{image} ({architecture}) did not answer on port {port} within a minute:\n{logs.Stdout}{logs.Stderr}");
            }

            await Task.Delay(500, Cancel);
        }
    }

    [GeneratedRegex("^published (?<image>\\S+@sha256:[0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex PublishedLine();
}
