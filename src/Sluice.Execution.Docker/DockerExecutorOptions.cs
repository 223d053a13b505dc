using Sluice.Engine.Images;

namespace Sluice.Execution.Docker;

/// <summary>How a <see cref="DockerExecutor"/> reaches Docker and where it keeps its state.</summary>
public sealed record DockerExecutorOptions
{
    /// <summary>The endpoint used when <c>DOCKER_HOST</c> is not set.</summary>
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>The state root (<c>$SLUICE_HOME</c>); per-TaskRun directories go under <c>runs/</c>.</summary>
    public required string StateRoot { get; init; }

    /// <summary>The id of this process as an owner, written on every container and run directory.</summary>
    public required string OwnerId { get; init; }

    /// <summary>Rewrites image references before they are looked up or pulled.</summary>
    public ImageMirrorMap ImageMirrors { get; init; } = ImageMirrorMap.Empty;

    /// <summary>The Docker endpoint; by default <c>DOCKER_HOST</c>, or the local socket when it is unset.</summary>
    public string Endpoint { get; init; } = EndpointFromEnvironment();

    /// <summary>
    /// How long a sidecar with a readiness check may take to become ready, counted after its
    /// initial delay; past it the TaskRun's preparation fails.
    /// </summary>
    public TimeSpan SidecarReadyTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The endpoint <c>DOCKER_HOST</c> names, or <see cref="DefaultEndpoint"/>.</summary>
    public static string EndpointFromEnvironment() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint;
}
