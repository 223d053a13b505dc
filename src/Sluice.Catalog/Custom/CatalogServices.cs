using Sluice.Oci.Distribution;

namespace Sluice.Catalog.Custom;

/// <summary>What the catalog's custom tasks reach the world with; the composition root makes one per process.</summary>
public sealed record CatalogServices
{
    /// <summary>How registries are reached (plain-HTTP registries, retries); credentials come per run, from <see cref="DockerConfigPath"/> or a workspace.</summary>
    public RegistryClientOptions Registry { get; init; } = new();

    /// <summary>The Docker configuration read when a task's <c>dockerconfig</c> workspace is not bound.</summary>
    public string DockerConfigPath { get; init; } = DockerCredentials.DefaultPath;

    /// <summary>Where tasks write what they only need while they run.</summary>
    public string Scratch { get; init; } = Path.GetTempPath();

    /// <summary>
    /// Makes the client a task sends plain HTTP requests with (Notify's events); the task disposes it. The
    /// default shares one connection pool for the process and leaves timeouts to the task.
    /// </summary>
    public Func<HttpClient> HttpClientFactory { get; init; } = () => new HttpClient(SharedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The defaults: the user's Docker configuration, loopback registries over plain HTTP.</summary>
    public static CatalogServices Default { get; } = new();

    /// <summary>Connections are renewed every few minutes so a long-lived process sees DNS changes.</summary>
    private static SocketsHttpHandler SharedHandler { get; } = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
}
