using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Execution.Host;

namespace Sluice.Execution.Docker;

/// <summary>
/// Runs TaskRuns on a local Docker daemon through the Engine API: a container per step and per
/// sidecar, joined to one network namespace held by a pause container, the TaskRun's volumes as bind
/// mounts of <see cref="LocalVolumes"/> directories, and labels on everything so a later process can
/// reap what a dead one left.
/// </summary>
public sealed partial class DockerExecutor : IExecutor
{
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _client;
    private readonly DockerExecutorOptions _options;
    private readonly LocalVolumes _volumes;
    private readonly TimeProvider _time;

    /// <summary>Connects to the daemon the options name; refuses a remote one.</summary>
    /// <exception cref="SandboxConfigurationException">The endpoint is not a local socket.</exception>
    public DockerExecutor(DockerExecutorOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <summary>Connects to the daemon the options name, with a clock for readiness budgets.</summary>
    /// <exception cref="SandboxConfigurationException">The endpoint is not a local socket.</exception>
    public DockerExecutor(DockerExecutorOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        var endpoint = LocalEndpoint(options.Endpoint, options.StateRoot);

        // Waits, attaches and pulls last as long as the step; callers bound them with tokens instead.
        _configuration = new DockerClientConfiguration(endpoint, null, Timeout.InfiniteTimeSpan);
        _client = _configuration.CreateClient();
        _volumes = new LocalVolumes(options.StateRoot, options.OwnerId);
    }

    /// <inheritdoc />
    public string Name => "docker";

    /// <summary>The repository of the namespace holder image; tests point it elsewhere.</summary>
    internal string PauseRepository { get; init; } = "sluice/pause";

    internal DockerClient Client => _client;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _pauseGate.Dispose();
        _client.Dispose();
        _configuration.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Accepts only a daemon on this machine: every volume is a bind mount of a local directory.</summary>
    internal static Uri LocalEndpoint(string endpoint, string stateRoot)
    {
        if (endpoint.StartsWith('/'))
        {
            endpoint = "unix://" + endpoint;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new SandboxConfigurationException(
                $"Docker endpoint \"{endpoint}\" (from DOCKER_HOST) is not a valid address; use a local socket such as {DockerExecutorOptions.DefaultEndpoint}.");
        }

        if (uri.Scheme == "unix")
        {
            return uri;
        }

        throw new SandboxConfigurationException(
            $"Docker endpoint \"{endpoint}\" (from DOCKER_HOST) is not a local socket. The Docker executor bind-mounts the " +
            $"TaskRun directories under {Path.Combine(stateRoot, "runs")} into containers, which needs a Docker daemon on this " +
            $"machine. Unset DOCKER_HOST or point it at a local socket ({DockerExecutorOptions.DefaultEndpoint}).");
    }

    /// <summary>Turns "cannot connect" into a message that says what to do.</summary>
    private Exception Unreachable(Exception inner) =>
        new IOException(
            $"cannot reach the Docker daemon at {_configuration.EndpointBaseUri}: {inner.Message}. Start Docker (dockerd) or set DOCKER_HOST to its local socket.",
            inner);

    private static bool IsConnectionFailure(Exception exception) =>
        exception is HttpRequestException or SocketException || exception.InnerException is SocketException;

    private static bool IsGone(DockerApiException exception) =>
        exception.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict;

    /// <summary>Force-removes a container (SIGKILL, then removal); true when it was there.</summary>
    internal async Task<bool> RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.ResponseBody.Contains("already in progress", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
