using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Hosting.Tests.Containers;
using Sluice.Testing;

namespace Sluice.Hosting.Tests.Examples;

/// <summary>
/// examples/conference-app, the workload of the service pipeline, checked the way the pipeline will
/// use it: the services' tests pass with <c>dotnet test</c> on the host, and the frontend's Dockerfile
/// builds for linux/amd64 and linux/arm64 on the stand-in .NET images of <c>eng/images/build.sh</c>
/// (BuildKit, host network), making images of those architectures that answer their readiness
/// endpoint, the arm64 one under QEMU as <c>eng/install.sh</c> registers it.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed partial class ConferenceAppTests : IAsyncDisposable
{
    private const string SdkStandIn = "sluice-standin/dotnet-sdk:bookworm";
    private const string Aarch64Handler = "/proc/sys/fs/binfmt_misc/qemu-aarch64";

    private static readonly string RepositoryRoot = typeof(ConferenceAppTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The runtime-deps stand-in of each platform: BuildKit takes a local image whose architecture is the target's without pulling.</summary>
    private static readonly Dictionary<string, string> RuntimeDepsStandIns = new()
    {
        ["amd64"] = "sluice-standin/dotnet-runtime-deps:bookworm",
        ["arm64"] = "sluice-standin/dotnet-runtime-deps:bookworm-arm64",
    };

    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DockerTimeout = TimeSpan.FromMinutes(1);

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-conference-app-").FullName;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _containers = [];
    private readonly List<string> _images = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Example => Path.Combine(RepositoryRoot, "examples", "conference-app");

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["rm", "--force", container], DockerTimeout, CancellationToken.None);
        }

        if (_images.Count > 0)
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["rmi", "--force", .. _images], DockerTimeout, CancellationToken.None);
        }

        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Every_service_s_tests_pass_with_dotnet_test_on_the_solution()
    {
        var run = await ProcessRunner.RunAsync(
            "dotnet",
            ["test", Path.Combine(Example, "ConferenceApp.slnx"), "--artifacts-path", Path.Combine(_work, "artifacts"), "--results-directory", Path.Combine(_work, "results")],
            TestTimeout,
            Cancel,
            Example,
            new Dictionary<string, string>
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",

                // No build server or compiler server outlives the command and holds its output open.
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
                ["UseSharedCompilation"] = "false",
            });

        var output = $"{run.Stdout}{run.Stderr}";
        Assert.True(run.ExitCode == 0, $"dotnet test failed ({run.ExitCode}):\n{output}");
        var summaries = TestSummary().Matches(run.Stdout).ToDictionary(m => m.Groups["assembly"].Value);
        Assert.True(
            summaries.Keys.Order().SequenceEqual(["AgendaService.Tests", "C4pService.Tests", "Frontend.Tests", "NotificationsService.Tests"]),
            $"expected a summary for each of the four test projects, found {string.Join(", ", summaries.Keys)}:\n{output}");
        foreach (var (assembly, summary) in summaries)
        {
            Assert.True(
                summary.Groups["failed"].Value == "0" && int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5,
                $"{assembly}: {summary.Value}");
        }
    }

    [Fact]
    public async Task The_frontend_Dockerfile_builds_images_for_amd64_and_arm64_that_answer_their_readiness_endpoint()
    {
        foreach (var image in RuntimeDepsStandIns.Values.Prepend(SdkStandIn))
        {
            var inspected = await ProcessRunner.RunAsync("/usr/bin/docker", ["image", "inspect", image], DockerTimeout, Cancel);
            Assert.True(inspected.ExitCode == 0, $"The Dockerfile is built on the stand-in {image}: run eng/images/build.sh.");
        }

        // Both at once: BuildKit shares the steps before the restore, and each platform's publish is one process.
        var images = RuntimeDepsStandIns.Keys.Select(architecture => $"sluice-conference-frontend:{architecture}-{_tag}").ToArray();
        _images.AddRange(images);
        await Task.WhenAll(RuntimeDepsStandIns.Keys.Zip(images, BuildAsync));
        foreach (var (architecture, image) in RuntimeDepsStandIns.Keys.Zip(images))
        {
            Assert.Equal(architecture, (await ProcessRunner.OutputAsync("/usr/bin/docker", ["image", "inspect", "--format", "{{.Architecture}}", image], DockerTimeout, Cancel)).Trim());
        }

        var amd64 = await StartAsync(images[0], "amd64", TimeSpan.FromMinutes(1));
        Assert.Equal("x64", (string?)amd64["platform"]);
        Assert.Equal("frontend", (string?)amd64["name"]);

        if (await Aarch64UnavailableAsync() is { } reason)
        {
            Assert.Skip($"Both images were built with the right architectures and the amd64 one answered; the arm64 one was not started: {reason}");
        }

        // QEMU interprets the whole runtime: its start takes several times as long.
        var arm64 = await StartAsync(images[1], "arm64", TimeSpan.FromMinutes(2));
        Assert.Equal("arm64", (string?)arm64["platform"]);
    }

    /// <summary>
    /// Builds the frontend for a platform exactly as a pipeline would hand Docker the service's
    /// directory, with the stand-ins as the base image build args.
    /// </summary>
    private static async Task BuildAsync(string architecture, string image)
    {
        var build = await ProcessRunner.RunAsync(
            "/usr/bin/docker",
            [
                "build", "--network", "host", "--platform", $"linux/{architecture}",
                "--build-arg", $"SDK_IMAGE={SdkStandIn}",
                "--build-arg", $"RUNTIME_DEPS_IMAGE={RuntimeDepsStandIns[architecture]}",
                "--tag", image, Path.Combine(Example, "frontend"),
            ],
            BuildTimeout,
            Cancel,
            environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "1" });
        Assert.True(build.ExitCode == 0, $"docker build for linux/{architecture} failed ({build.ExitCode}):\n{build.Stderr}{build.Stdout}");
    }

    /// <summary>
    /// Starts an image on the host network at a spare loopback port, waits (bounded) for its readiness
    /// endpoint to answer 200, and returns its <c>/service/info</c>.
    /// </summary>
    private async Task<JsonNode> StartAsync(string image, string architecture, TimeSpan wait)
    {
        var port = RegistryServer.SparePort();
        var name = $"sluice-conference-frontend-{architecture}-{port}";
        _containers.Add(name);
        var started = await ProcessRunner.RunAsync(
            "/usr/bin/docker",
            ["run", "--detach", "--name", name, "--platform", $"linux/{architecture}", "--network", "host", "--env", $"ASPNETCORE_HTTP_PORTS={port}", image],
            DockerTimeout,
            Cancel);
        Assert.True(started.ExitCode == 0, started.Stderr);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/readiness"), Cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal("ready", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["status"]);
                    return JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/service/info"), Cancel))!;
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
                var logs = await ProcessRunner.RunAsync("/usr/bin/docker", ["logs", name], DockerTimeout, Cancel);
                throw new TimeoutException($"{image} ({architecture}) was not ready on port {port} within {wait}:\n{logs.Stdout}{logs.Stderr}");
            }

            await Task.Delay(500, Cancel);
        }
    }

    /// <summary>
    /// Null when the kernel runs aarch64 programs through QEMU, after registering the handler as
    /// eng/install.sh does when it is missing; otherwise why it cannot.
    /// </summary>
    private static async Task<string?> Aarch64UnavailableAsync()
    {
        if (!IsEnabled())
        {
            if (!File.Exists("/proc/sys/fs/binfmt_misc/register"))
            {
                await TryRunAsync("mount", "-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc");
            }

            await TryRunAsync("update-binfmts", "--enable", "qemu-aarch64");
        }

        return IsEnabled()
            ? null
            : $"{Aarch64Handler} is not enabled and could not be registered (run eng/install.sh as root, which installs qemu-user-static and binfmt-support and mounts binfmt_misc)";

        static bool IsEnabled() => File.Exists(Aarch64Handler) && File.ReadLines(Aarch64Handler).FirstOrDefault() == "enabled";

        // Where the tool is missing or refused, the handler simply stays unavailable.
        static async Task TryRunAsync(string program, params string[] args)
        {
            try
            {
                await ProcessRunner.RunAsync(program, args, DockerTimeout, Cancel);
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    [GeneratedRegex(@"^\s*(?:Passed|Failed)!\s+-\s+Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+),.*\s-\s+(?<assembly>[\w.]+)\.dll", RegexOptions.Multiline)]
    private static partial Regex TestSummary();
}
