using System.Diagnostics;
using Sluice.Oci;
using Sluice.Oci.Building;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Benchmarks;

/// <summary>
/// The image of examples/sdk/hello-service for linux/amd64 and linux/arm64, after a one-line change,
/// built two ways with a warm NuGet cache: daemonless (<c>dotnet publish</c> of each runtime in turn
/// on this machine with its build servers, then <see cref="ImageBuilder"/> onto the runtime-deps index
/// in a registry on 127.0.0.1, pushed, the .NET runtime in a layer of its own and a layer memo kept across
/// rounds as a build machine keeps it) and with <c>docker build</c> of the equivalent Dockerfile (the
/// SDK stage on the build platform cross-compiling, a BuildKit cache mount for NuGet's packages), once
/// per platform, not pushed: one after the other (the figure) and both at once (in the detail). The
/// detail also gives the daemonless side with the build servers off, as a container would run it. The
/// first round of each warms the caches and is not counted.
/// </summary>
internal static class ImageBuildBenchmark
{
    private const int Rounds = 3;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(10);

    private static readonly (string Platform, string Runtime, string BaseTag)[] Targets =
    [
        ("linux/amd64", "linux-x64", "bookworm"),
        ("linux/arm64", "linux-arm64", "bookworm-arm64"),
    ];

    public static async Task<IReadOnlyList<Figure>> RunAsync(string service)
    {
        var root = Directory.CreateTempSubdirectory("sluice-bench-image-").FullName;
        await using var registry = await RegistryServer.StartAsync(_ => null, CancellationToken.None).ConfigureAwait(false);
        using var client = new RegistryClient();
        try
        {
            var baseImage = await StandInImages.PushRuntimeDepsAsync(client, registry.Host, CancellationToken.None).ConfigureAwait(false);
            var daemonlessCheckout = Copy(service, Path.Combine(root, "daemonless"));
            var dockerCheckout = Copy(service, Path.Combine(root, "docker"));
            await File.WriteAllTextAsync(Path.Combine(dockerCheckout, "Dockerfile"), Dockerfile).ConfigureAwait(false);
            var daemonless = new List<TimeSpan>();
            var publishing = new List<TimeSpan>();
            var cold = new List<TimeSpan>();
            var docker = new List<TimeSpan>();
            var dockerTogether = new List<TimeSpan>();
            for (var round = 0; round <= Rounds; round++)
            {
                foreach (var checkout in new[] { daemonlessCheckout, dockerCheckout })
                {
                    await File.AppendAllTextAsync(Path.Combine(checkout, "Hello.Service", "Greeting.cs"), $"// round {round} {Guid.NewGuid():N}\n").ConfigureAwait(false);
                }

                var (daemonlessTime, publishTime) = await DaemonlessAsync(client, baseImage, new OciRepository(registry.Host, "hello"), daemonlessCheckout, root, BuildServers).ConfigureAwait(false);
                var dockerTime = await DockerBuildAsync(dockerCheckout, together: false).ConfigureAwait(false);
                await File.AppendAllTextAsync(Path.Combine(dockerCheckout, "Hello.Service", "Greeting.cs"), $"// together {Guid.NewGuid():N}\n").ConfigureAwait(false);
                var dockerTogetherTime = await DockerBuildAsync(dockerCheckout, together: true).ConfigureAwait(false);
                await File.AppendAllTextAsync(Path.Combine(daemonlessCheckout, "Hello.Service", "Greeting.cs"), $"// cold compiler {Guid.NewGuid():N}\n").ConfigureAwait(false);
                var (coldTime, _) = await DaemonlessAsync(client, baseImage, new OciRepository(registry.Host, "hello"), daemonlessCheckout, root, NoBuildServers).ConfigureAwait(false);
                Console.Error.WriteLine($"  round {round}: daemonless {daemonlessTime.TotalSeconds:0.0} s ({publishTime.TotalSeconds:0.0} s of it publishing; {coldTime.TotalSeconds:0.0} s without build servers), docker build {dockerTime.TotalSeconds:0.0} s one after the other, {dockerTogetherTime.TotalSeconds:0.0} s both at once{(round == 0 ? " (warm-up, not counted)" : "")}");
                if (round > 0)
                {
                    daemonless.Add(daemonlessTime);
                    publishing.Add(publishTime);
                    docker.Add(dockerTime);
                    dockerTogether.Add(dockerTogetherTime);
                    cold.Add(coldTime);
                }
            }

            var (daemonlessMedian, dockerMedian, togetherMedian) = (Raw.Median(daemonless), Raw.Median(docker), Raw.Median(dockerTogether));
            return
            [
                new Figure(
                    "image build: docker build over daemonless, 2 platforms",
                    dockerMedian / daemonlessMedian,
                    "x",
                    3.0,
                    $"docker build {dockerMedian.TotalSeconds:0.0} s (one platform after the other, not pushed; {togetherMedian.TotalSeconds:0.0} s both at once, {togetherMedian / daemonlessMedian:0.00}x) vs daemonless {daemonlessMedian.TotalSeconds:0.0} s (dotnet publish of each runtime, {Raw.Median(publishing).TotalSeconds:0.0} s, + sluice image build, pushed; {Raw.Median(cold).TotalSeconds:0.0} s and {dockerMedian / Raw.Median(cold):0.00}x with the build servers off); medians of {Rounds} rounds after a one-line change, warm NuGet caches",
                    LowerIsBetter: false),
            ];
        }
        finally
        {
            await ProcessRunner.RunAsync("dotnet", ["build-server", "shutdown"], ToolTimeout, CancellationToken.None).ConfigureAwait(false);
            await ProcessRunner.RunAsync("/usr/bin/docker", ["image", "rm", "--force", "sluice-bench-hello:amd64", "sluice-bench-hello:arm64"], ToolTimeout, CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(TimeSpan Total, TimeSpan Publishing)> DaemonlessAsync(RegistryClient client, OciReference baseImage, OciRepository destination, string checkout, string root, Dictionary<string, string> environment)
    {
        var clock = Stopwatch.StartNew();

        // One restore for both runtimes (the project lists them, so the first publish restores for
        // both), then one publish after the other with the build servers a build machine keeps warm (no
        // container can): with the compiler server answering, two publishes in turn beat two at once.
        var sources = new List<PlatformSource>();
        foreach (var target in Targets)
        {
            var output = Path.Combine(checkout, "out", target.Runtime);
            string[] restore = sources.Count == 0 ? [] : ["--no-restore"];
            await RunAsync("dotnet", ["publish", "Hello.Service/Hello.Service.csproj", .. restore, "-c", "Release", "-r", target.Runtime, "--self-contained", "-o", output], checkout, environment).ConfigureAwait(false);
            sources.Add(new PlatformSource(Platform.Parse(target.Platform, out _)!, output));
        }

        var publishing = clock.Elapsed;
        await new ImageBuilder(client, Path.Combine(root, "scratch")) { Memo = new DirectoryLayerMemo(Path.Combine(root, "layers")) }.BuildAsync(new ImageBuildRequest
        {
            Base = baseImage,
            Platforms = [.. sources],
            Destination = destination,
            Entrypoint = ["/app/Hello.Service"],
        }, CancellationToken.None).ConfigureAwait(false);
        return (clock.Elapsed, publishing);
    }

    /// <summary>One <c>docker build --platform</c> per platform, as Debian's Docker (no buildx) builds them, one after the other or both at once.</summary>
    private static async Task<TimeSpan> DockerBuildAsync(string checkout, bool together)
    {
        var clock = Stopwatch.StartNew();
        Task Build((string Platform, string Runtime, string BaseTag) target) =>
            RunAsync("/usr/bin/docker", ["build", "--network", "host", "--platform", target.Platform, "--build-arg", $"RID={target.Runtime}", "--build-arg", $"BASE={target.BaseTag}", "-t", $"sluice-bench-hello:{target.Platform.Split('/')[1]}", "."], checkout, Isolated);
        if (together)
        {
            await Task.WhenAll(Targets.Select(Build)).ConfigureAwait(false);
        }
        else
        {
            foreach (var target in Targets)
            {
                await Build(target).ConfigureAwait(false);
            }
        }

        return clock.Elapsed;
    }

    private static readonly Dictionary<string, string> Isolated = new() { ["DOCKER_BUILDKIT"] = "1", ["DOTNET_NOLOGO"] = "1", ["MSBUILDDISABLENODEREUSE"] = "1" };
    /// <summary>
    /// The .NET SDK's defaults: the compiler server, MSBuild's node reuse and its server on. This
    /// machine's environment turns all three off (UseSharedCompilation=false and the like), which would
    /// make every daemonless round pay a cold compiler, as a container does.
    /// </summary>
    private static readonly Dictionary<string, string> BuildServers = new()
    {
        ["DOTNET_NOLOGO"] = "1",
        ["UseSharedCompilation"] = "true",
        ["MSBUILDDISABLENODEREUSE"] = "0",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "1",
    };

    /// <summary>
    /// Each publish with a compiler and MSBuild of its own, as in a container: what the daemonless side costs
    /// without a warm build machine. Servers already running are neither used nor stopped.
    /// </summary>
    private static readonly Dictionary<string, string> NoBuildServers = new()
    {
        ["DOTNET_NOLOGO"] = "1",
        ["UseSharedCompilation"] = "false",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
    };

    private static async Task RunAsync(string program, string[] args, string directory, Dictionary<string, string> environment)
    {
        var result = await ProcessRunner.RunAsync(program, args, ToolTimeout, CancellationToken.None, directory, environment).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Stderr}{result.Stdout}");
        }
    }

    private static string Copy(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "out"))
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return destination;
    }

    private const string Dockerfile = """
        ARG BASE=bookworm
        FROM --platform=$BUILDPLATFORM sluice-standin/dotnet-sdk:bookworm AS build
        ARG RID
        WORKDIR /src
        COPY . .
        RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish Hello.Service/Hello.Service.csproj -c Release -r $RID --self-contained -o /out
        FROM sluice-standin/dotnet-runtime-deps:${BASE}
        COPY --from=build /out /app
        ENTRYPOINT ["/app/Hello.Service"]
        """;
}
