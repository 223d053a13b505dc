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

    /// <summary>The defaults: the user's Docker configuration, loopback registries over plain HTTP.</summary>
    public static CatalogServices Default { get; } = new();
}
