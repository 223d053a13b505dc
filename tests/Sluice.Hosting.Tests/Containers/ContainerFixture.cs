using System.Reflection;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Caching;
using Sluice.Execution.Docker;
using Sluice.Hosting.Containers;
using Sluice.Model.Diagnostics;
using Sluice.Oci.Layout;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;

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
    public Task<TestClient> ConnectAsync() =>
        ConnectAsync(Path.Combine(Path.GetTempPath(), "sluice-container-tests", Guid.NewGuid().ToString("N")), noCache: false, ownsHome: true);

    /// <summary>A client on a state directory; one that <paramref name="ownsHome"/> prunes its cache and deletes the directory when disposed.</summary>
    public async Task<TestClient> ConnectAsync(string home, bool noCache, bool ownsHome)
    {
        var client = await SluiceClient.ConnectAsync(Options(home) with { NoCache = noCache }, TestContext.Current.CancellationToken);
        return new TestClient(client, ownsHome ? home : null, this);
    }

    /// <summary>
    /// Prunes a state directory's cache as <c>sluice cache prune</c> does, Docker images included, so
    /// that the images of a test's entries do not outlive the test.
    /// </summary>
    public Task<CachePruneReport> PruneAsync(string home, CachePrunePolicy policy) =>
        WithCacheAsync(home, index => index.PruneAsync(policy, TestContext.Current.CancellationToken));

    /// <summary>The keys of a state directory's cache entries.</summary>
    public Task<IReadOnlyList<CacheEntry>> CacheEntriesAsync(string home) =>
        WithCacheAsync(home, index => index.ListAsync(TestContext.Current.CancellationToken));

    private async Task<T> WithCacheAsync<T>(string home, Func<CacheIndex, Task<T>> action)
    {
        var diagnostics = new DiagnosticBag();
        var session = await LocalSession.OpenAsync(Options(home), diagnostics, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException(string.Join('\n', diagnostics.ToImmutable()));
        await using (session)
        {
            var index = new CacheIndex(session.Store, OciLayout.Open(session.Home.Blobs), new CacheLeases(session.Home.CacheLeases), TimeProvider.System, (DockerExecutor)session.Executor);
            return await action(index);
        }
    }

    /// <summary>
    /// How many containers Docker created since <paramref name="since"/> with a run's label (and a
    /// snapshot kind such as <c>exec</c>, when given), from the daemon's event stream.
    /// </summary>
    public async Task<int> ContainersCreatedAsync(string runUid, DateTimeOffset since, string? kind = null)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["type"] = new Dictionary<string, bool> { ["container"] = true },
            ["event"] = new Dictionary<string, bool> { ["create"] = true },
            ["label"] = new Dictionary<string, bool> { [$"{Labels.RunUid}={runUid}"] = true },
        };
        if (kind is not null)
        {
            filters["label"][$"{Labels.Container}={kind}"] = true;
        }

        var created = new EventCount();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var parameters = new ContainerEventsParameters { Since = Stamp(since), Until = Stamp(TimeProvider.System.GetUtcNow()), Filters = filters };
        await Docker.System.MonitorEventsAsync(parameters, created, timeout.Token);
        return created.Count;
    }

    private static string Stamp(DateTimeOffset time) =>
        $"{time.ToUnixTimeSeconds()}.{time.Ticks % TimeSpan.TicksPerSecond * 100:D9}";

    private static SessionOptions Options(string home) => new()
    {
        Home = home,
        ConfigFiles = [Path.Combine(RepositoryRoot, "eng", "images", "standins.yaml")],
        Network = "none",
    };

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

/// <summary>
/// One test's client; disposing it disposes the client and, when it owns its state directory, prunes
/// that directory's cache (removing its images) and deletes it.
/// </summary>
public sealed class TestClient(SluiceClient client, string? ownedHome, ContainerFixture fixture) : IAsyncDisposable
{
    public SluiceClient Client { get; } = client;

    public string RunUid => ((EmbeddedContainerEngine)Client.Engine).RunUid;

    public Task<IList<ContainerListResponse>> ContainersAsync() => fixture.ContainersAsync(RunUid);

    /// <summary>How many containers this client's run created since a time (of a kind such as <c>exec</c>, when given).</summary>
    public Task<int> ContainersCreatedAsync(DateTimeOffset since, string? kind = null) => fixture.ContainersCreatedAsync(RunUid, since, kind);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (ownedHome is not null && Directory.Exists(ownedHome))
        {
            await fixture.PruneAsync(ownedHome, new CachePrunePolicy { MaxSize = 0 });
            Directory.Delete(ownedHome, recursive: true);
        }
    }
}

/// <summary>Counts the daemon's events as they are read, before the call that reads them returns.</summary>
internal sealed class EventCount : IProgress<Message>
{
    private int _count;

    public int Count => _count;

    public void Report(Message value) => Interlocked.Increment(ref _count);
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerFixture>
{
    public const string Name = "containers";
}
