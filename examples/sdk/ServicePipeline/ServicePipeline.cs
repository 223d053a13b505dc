using Sluice.Sdk.Containers;

namespace Sluice.Examples.ServicePipeline;

/// <summary>Where a service is and what it is built with.</summary>
public sealed record ServiceOptions
{
    /// <summary>The service's directory on this machine: the one with its solution.</summary>
    public required string Directory { get; init; }

    /// <summary>The project to publish, relative to <see cref="Directory"/>, such as <c>Hello.Service/Hello.Service.csproj</c>.</summary>
    public required string Project { get; init; }

    /// <summary>The version the binaries and the image carry.</summary>
    public string Version { get; init; } = "0.1.0";

    /// <summary>The platforms of the image index; each is cross-compiled on this machine's platform.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [Sluice.Sdk.Containers.Platforms.LinuxAmd64, Sluice.Sdk.Containers.Platforms.LinuxArm64];

    /// <summary>The .NET SDK image the build runs in.</summary>
    public string SdkImage { get; init; } = "mcr.microsoft.com/dotnet/sdk:10.0";

    /// <summary>The base image of the published image: self-contained binaries need only runtime-deps.</summary>
    public string RuntimeImage { get; init; } = "mcr.microsoft.com/dotnet/runtime-deps:10.0";
}

/// <summary>
/// The standard pipeline of one .NET service: build, test, publish self-contained binaries for each
/// platform by cross-compiling (never running the SDK under emulation), and one image index of them.
/// Every step is a container value, so a program composes, branches and awaits them as it likes, and
/// an unchanged service costs nothing the second time (the steps are cached by their inputs).
/// </summary>
public sealed class ServicePipeline
{
    private readonly SluiceClient _client;
    private readonly ServiceOptions _options;

    /// <summary>The pipeline of a service, on a client.</summary>
    public ServicePipeline(SluiceClient client, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
    }

    /// <summary>The service's sources: its directory without build outputs and test results.</summary>
    public DirectoryValue Source => _client.Host.Directory(_options.Directory, exclude: ["**/bin/", "**/obj/", "**/TestResults/"]);

    /// <summary>The SDK with the sources at <c>/src</c>, NuGet's package folder and HTTP cache as cache volumes, and the packages restored.</summary>
    public Container Restored() => _client.Container()
        .From(_options.SdkImage)
        .WithMountedCache("/root/.nuget/packages", _client.CacheVolume("nuget-packages"))
        .WithMountedCache("/root/.local/share/NuGet/http-cache", _client.CacheVolume("nuget-http"))
        .WithDirectory("/src", Source)
        .WithWorkdir("/src")
        .WithExec(["dotnet", "restore"]);

    /// <summary>The service built in Release.</summary>
    public Container Build() => Restored()
        .WithExec(["dotnet", "build", "--no-restore", "-c", "Release", $"-p:Version={_options.Version}"]);

    /// <summary>The tests run on the build; a failing test fails this value with the test output.</summary>
    public Container Test() => Build()
        .WithExec(["dotnet", "test", "--no-build", "-c", "Release", "--logger", "trx", "--results-directory", "/results"]);

    /// <summary>The test results (TRX files).</summary>
    public DirectoryValue TestResults() => Test().Directory("/results");

    /// <summary>Self-contained binaries of the service for a platform, cross-compiled by the SDK on this machine's platform.</summary>
    public DirectoryValue Binaries(string platform)
    {
        var runtime = Platforms.RuntimeIdentifier(platform);
        return Restored()
            .WithExec(["dotnet", "publish", _options.Project, "-c", "Release", "-r", runtime, "--self-contained", $"-p:Version={_options.Version}", "-o", $"/out/{runtime}"])
            .Directory($"/out/{runtime}");
    }

    /// <summary>The image of the service for a platform: its binaries on runtime-deps, started by their apphost.</summary>
    public Container Image(string platform)
    {
        var entrypoint = "/app/" + Path.GetFileNameWithoutExtension(_options.Project);
        return _client.Container(platform)
            .From(_options.RuntimeImage)
            .WithDirectory("/app", Binaries(platform))
            .WithWorkdir("/app")
            .WithEntrypoint([entrypoint])
            .WithLabel("org.opencontainers.image.version", _options.Version)
            .WithLabel("org.opencontainers.image.title", Path.GetFileNameWithoutExtension(_options.Project));
    }

    /// <summary>
    /// Tests the service, then pushes its image for every platform as one image index.
    /// </summary>
    /// <param name="address">The repository and tag, such as <c>localhost:5000/hello:0.1.0</c>; without a tag it is pushed by digest only.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The image index as <c>repository@sha256:...</c>.</returns>
    public async Task<string> PublishAsync(string address, CancellationToken cancellationToken = default)
    {
        await Test().SyncAsync(cancellationToken).ConfigureAwait(false);
        var images = _options.Platforms.Select(Image).ToList();
        return await images[0].PublishAsync(address, images.Skip(1), cancellationToken).ConfigureAwait(false);
    }
}
