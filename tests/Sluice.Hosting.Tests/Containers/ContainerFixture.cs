using System.Reflection;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Execution.Docker;
using Sluice.Hosting.Containers;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Tests.Containers;

/// <summary>
/// A reachable Docker daemon with the stand-in busybox image that <c>eng/images/build.sh</c> makes, and
/// clients that map public image names onto the stand-ins with <c>eng/images/standins.yaml</c>. Fails,
/// never skips, when either is missing.
/// </summary>
public sealed class ContainerFixture : IAsyncLifetime
{
    /// <summary>The image <c>busybox</c> maps to.</summary>
    public const string BusyboxStandIn = "sluice-standin/busybox:bookworm";

    private static readonly string RepositoryRoot = typeof(ContainerFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public DockerClient Docker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var endpoint = DockerExecutorOptions.EndpointFromEnvironment();
        Docker = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Docker.System.PingAsync(timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"These integration tests need a running Docker daemon at {endpoint} ({e.Message}): run eng/install.sh.", e);
        }

        try
        {
            await Docker.Images.InspectImageAsync(BusyboxStandIn);
        }
        catch (DockerImageNotFoundException e)
        {
            throw new InvalidOperationException($"These integration tests run on the stand-in image {BusyboxStandIn}: run eng/images/build.sh.", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        Docker.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A client with its own state directory, the stand-in mirrors, and no network for containers.</summary>
    public async Task<TestClient> ConnectAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), "sluice-container-tests", Guid.NewGuid().ToString("N"));
        var options = new SessionOptions
        {
            Home = home,
            ConfigFiles = [Path.Combine(RepositoryRoot, "eng", "images", "standins.yaml")],
            Network = "none",
        };
        var client = await SluiceClient.ConnectAsync(options, TestContext.Current.CancellationToken);
        return new TestClient(client, home, this);
    }

    /// <summary>The containers Docker lists with a run's label, whatever the engine recorded.</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync(string runUid) =>
        await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{Labels.RunUid}={runUid}"] = true },
            },
        });

    /// <summary>Whether the daemon has an image.</summary>
    public async Task<bool> HasImageAsync(string id)
    {
        try
        {
            await Docker.Images.InspectImageAsync(id);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }
}

/// <summary>One test's client and state directory; disposing it disposes the client and deletes the directory.</summary>
public sealed class TestClient(SluiceClient client, string home, ContainerFixture fixture) : IAsyncDisposable
{
    public SluiceClient Client { get; } = client;

    public string RunUid => ((EmbeddedContainerEngine)Client.Engine).RunUid;

    public Task<IList<ContainerListResponse>> ContainersAsync() => fixture.ContainersAsync(RunUid);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerFixture>
{
    public const string Name = "containers";
}
