using System.Diagnostics;
using Sluice.Oci;
using Sluice.Oci.Building;
using Sluice.Oci.Distribution;
using Sluice.Testing;

namespace Sluice.Benchmarks;

/// <summary>
/// The image of examples/sdk/hello-service for linux/amd64 and linux/arm64, after a one-line change,
/// built two ways with a warm NuGet cache: daemonless (<c>dotnet publish</c> per runtime on this
/// machine, then <see cref="ImageBuilder"/> onto the runtime-deps index in a registry on 127.0.0.1,
/// pushed) and with <c>docker build</c> of the equivalent Dockerfile (the SDK stage on the build
/// platform cross-compiling, a BuildKit cache mount for NuGet's packages), once per platform, not
/// pushed. The first round of each warms the caches and is not counted.
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
            var baseImage = await PushRuntimeDepsAsync(client, registry.Host).ConfigureAwait(false);
            var daemonlessCheckout = Copy(service, Path.Combine(root, "daemonless"));
            var dockerCheckout = Copy(service, Path.Combine(root, "docker"));
            await File.WriteAllTextAsync(Path.Combine(dockerCheckout, "Dockerfile"), Dockerfile).ConfigureAwait(false);
            var daemonless = new List<TimeSpan>();
            var docker = new List<TimeSpan>();
            for (var round = 0; round <= Rounds; round++)
            {
                foreach (var checkout in new[] { daemonlessCheckout, dockerCheckout })
                {
                    await File.AppendAllTextAsync(Path.Combine(checkout, "Hello.Service", "Greeting.cs"), $"// round {round}\n").ConfigureAwait(false);
                }

                var daemonlessTime = await DaemonlessAsync(client, baseImage, new OciRepository(registry.Host, "hello"), daemonlessCheckout, root).ConfigureAwait(false);
                var dockerTime = await DockerBuildAsync(dockerCheckout).ConfigureAwait(false);
                Console.Error.WriteLine($"  round {round}: daemonless {daemonlessTime.TotalSeconds:0.0} s, docker build {dockerTime.TotalSeconds:0.0} s{(round == 0 ? " (warm-up, not counted)" : "")}");
                if (round > 0)
                {
                    daemonless.Add(daemonlessTime);
                    docker.Add(dockerTime);
                }
            }

            var (daemonlessMedian, dockerMedian) = (Raw.Median(daemonless), Raw.Median(docker));
            return
            [
                new Figure(
                    "image build: docker build over daemonless, 2 platforms",
                    dockerMedian / daemonlessMedian,
                    "x",
                    3.0,
                    $"docker build {dockerMedian.TotalSeconds:0.0} s (both platforms, not pushed) vs daemonless {daemonlessMedian.TotalSeconds:0.0} s (dotnet publish per runtime + sluice image build, pushed); medians of {Rounds} rounds after a one-line change, warm NuGet caches",
                    LowerIsBetter: false),
            ];
        }
        finally
        {
            await ProcessRunner.RunAsync("/usr/bin/docker", ["image", "rm", "--force", "sluice-bench-hello:amd64", "sluice-bench-hello:arm64"], ToolTimeout, CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<TimeSpan> DaemonlessAsync(RegistryClient client, OciReference baseImage, OciRepository destination, string checkout, string root)
    {
        var clock = Stopwatch.StartNew();
        var sources = new List<PlatformSource>();
        foreach (var (platform, runtime, _) in Targets)
        {
            var output = Path.Combine(checkout, "out", runtime);
            await RunAsync("dotnet", ["publish", "Hello.Service/Hello.Service.csproj", "-c", "Release", "-r", runtime, "--self-contained", "-o", output], checkout).ConfigureAwait(false);
            sources.Add(new PlatformSource(Platform.Parse(platform, out _)!, output));
        }

        await new ImageBuilder(client, Path.Combine(root, "scratch")).BuildAsync(new ImageBuildRequest
        {
            Base = baseImage,
            Platforms = [.. sources],
            Destination = destination,
            Entrypoint = ["/app/Hello.Service"],
        }, CancellationToken.None).ConfigureAwait(false);
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> DockerBuildAsync(string checkout)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (platform, runtime, baseTag) in Targets)
        {
            await RunAsync("/usr/bin/docker", ["build", "--network", "host", "--platform", platform, "--build-arg", $"RID={runtime}", "--build-arg", $"BASE={baseTag}", "-t", $"sluice-bench-hello:{platform.Split('/')[1]}", "."], checkout).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    /// <summary>The runtime-deps stand-ins of both platforms pushed with skopeo, and an index of them.</summary>
    private static async Task<OciReference> PushRuntimeDepsAsync(RegistryClient client, string host)
    {
        var repository = new OciRepository(host, "dotnet/runtime-deps");
        var entries = new List<Descriptor>();
        foreach (var (_, _, baseTag) in Targets)
        {
            await RunAsync("/usr/bin/skopeo", ["copy", "--dest-tls-verify=false", $"docker-daemon:sluice-standin/dotnet-runtime-deps:{baseTag}", $"docker://{repository}:{baseTag}"], ".").ConfigureAwait(false);
            var manifest = (await client.GetManifestAsync(repository.WithTag(baseTag), CancellationToken.None).ConfigureAwait(false))!;
            var configDescriptor = manifest.AsManifest(out _)!.Config;
            var config = new OciContent(configDescriptor, await client.GetBlobBytesAsync(repository, configDescriptor, CancellationToken.None).ConfigureAwait(false)).AsConfig(out _)!;
            entries.Add(manifest.Descriptor with { Platform = config.Platform });
        }

        var index = repository.WithTag("10.0");
        await client.PushManifestAsync(index, OciContent.Create(new ImageIndex { Manifests = [.. entries] }), CancellationToken.None).ConfigureAwait(false);
        return index;
    }

    private static async Task RunAsync(string program, string[] args, string directory)
    {
        var environment = new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "1", ["DOTNET_NOLOGO"] = "1", ["MSBUILDDISABLENODEREUSE"] = "1" };
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
