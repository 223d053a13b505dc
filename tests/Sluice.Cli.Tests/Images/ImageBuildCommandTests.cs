using System.Text.Json.Nodes;
using Sluice.Cli.Tests.Processes;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Images;

/// <summary>
/// <c>sluice image build</c> on real .NET binaries: a console app published self-contained for
/// linux-x64 and linux-arm64 on this machine, layered onto the runtime-deps stand-ins pushed to a
/// registry on 127.0.0.1, then read with skopeo and run with Docker (arm64 under QEMU).
/// </summary>
public sealed class ImageBuildCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);
    private readonly string _work = Directory.CreateTempSubdirectory("sluice-image-build-").FullName;
    private readonly List<string> _pulled = [];
    private RegistryServer _registry = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    public async ValueTask InitializeAsync() => _registry = await RegistryServer.StartAsync(_ => null, Cancel);

    public async ValueTask DisposeAsync()
    {
        foreach (var image in _pulled)
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["image", "rm", "--force", image], TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        await _registry.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_dotnet_app_for_two_platforms_becomes_one_index_that_runs_on_both_and_rebuilds_to_the_same_digest_elsewhere()
    {
        using var client = new RegistryClient();
        var baseImage = (await StandInImages.PushRuntimeDepsAsync(client, _registry.Host, Cancel)).ToString();
        var output = await PublishAppAsync(Path.Combine(_work, "checkout-one"));
        var digestFile = Path.Combine(_work, "digest");

        var (code, printed) = await SluiceProcess.RunAsync(Home, "image", "build", "--base", baseImage,
            "--platform", $"linux/amd64={output}/linux-x64", "--platform", $"linux/arm64={output}/linux-arm64",
            "--entrypoint", "/app/hello", "--label", "org.opencontainers.image.version=1.0.0",
            "--push", $"{_registry.Host}/hello:1.0", "--digest-file", digestFile);

        Assert.True(code == 0, printed);
        var digest = await File.ReadAllTextAsync(digestFile, Cancel);
        Assert.Contains($"{_registry.Host}/hello@{digest}", printed, StringComparison.Ordinal);
        var index = JsonNode.Parse(await Skopeo.RawAsync($"{_registry.Host}/hello:1.0", Cancel))!["manifests"]!.AsArray();
        var images = index.ToDictionary(m => (string)m!["platform"]!["architecture"]!, m => $"{_registry.Host}/hello@{(string)m!["digest"]!}");
        Assert.Equal("hello from linux-x64\n", await RunAsync(images["amd64"], "linux/amd64"));
        Assert.Equal("hello from linux-arm64\n", await RunAsync(images["arm64"], "linux/arm64"));

        // Another checkout at another path, its files written later, builds to the same index and sends nothing.
        var elsewhere = Path.Combine(_work, "elsewhere", "checkout-two", "out");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        await ProcessRunner.OutputAsync("/bin/cp", ["-r", output, elsewhere], ToolTimeout, Cancel);
        await ProcessRunner.OutputAsync("/usr/bin/find", [elsewhere, "-exec", "touch", "-d", "2030-01-01", "{}", "+"], ToolTimeout, Cancel);
        var writes = Writes();
        var (again, printedAgain) = await SluiceProcess.RunAsync(Home, "image", "build", "--base", baseImage,
            "--platform", $"linux/amd64={elsewhere}/linux-x64", "--platform", $"linux/arm64={elsewhere}/linux-arm64",
            "--entrypoint", "/app/hello", "--label", "org.opencontainers.image.version=1.0.0",
            "--push", $"{_registry.Host}/hello");

        Assert.True(again == 0, printedAgain);
        Assert.Contains($"{_registry.Host}/hello@{digest}", printedAgain, StringComparison.Ordinal);
        Assert.Equal(writes, Writes());
    }

    [Fact]
    public async Task A_platform_without_its_directory_is_refused_before_anything_is_pushed()
    {
        var (code, printed) = await SluiceProcess.RunAsync(Home, "image", "build", "--base", $"{_registry.Host}/base:1",
            "--platform", "linux/amd64", "--platform", $"linux/arm64={_work}/missing", "--push", $"{_registry.Host}/app");

        Assert.Equal(2, code);
        Assert.Contains("--platform linux/amd64: write NAME=VALUE, such as --platform linux/amd64=out/linux-x64", printed, StringComparison.Ordinal);
        Assert.Contains($"no directory {_work}/missing", printed, StringComparison.Ordinal);
        Assert.Equal(0, Writes());
    }

    /// <summary>A console app published self-contained for linux-x64 and linux-arm64 under DIRECTORY/out.</summary>
    private static async Task<string> PublishAppAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "hello.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <InvariantGlobalization>true</InvariantGlobalization>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), "Console.WriteLine($\"hello from {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}\");\n", Cancel);
        var environment = new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["UseSharedCompilation"] = "false", ["DOTNET_NOLOGO"] = "1" };
        foreach (var runtime in new[] { "linux-x64", "linux-arm64" })
        {
            var result = await ProcessRunner.RunAsync("dotnet", ["publish", "-r", runtime, "--self-contained", "-o", Path.Combine(directory, "out", runtime)], ToolTimeout, Cancel, directory, environment);
            Assert.True(result.ExitCode == 0, $"dotnet publish -r {runtime} failed:\n{result.Stdout}{result.Stderr}");
        }

        return Path.Combine(directory, "out");
    }

    private async Task<string> RunAsync(string image, string platform)
    {
        _pulled.Add(image);
        return await ProcessRunner.OutputAsync("/usr/bin/docker", ["run", "--rm", "--network", "none", "--platform", platform, image], ToolTimeout, Cancel);
    }

    private int Writes() => _registry.CountRequests("PUT", "/v2/hello/") + _registry.CountRequests("PATCH", "/v2/hello/") + _registry.CountRequests("POST", "/v2/hello/");
}
