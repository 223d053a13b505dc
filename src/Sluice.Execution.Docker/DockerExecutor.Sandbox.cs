using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Execution.Host;

namespace Sluice.Execution.Docker;

public sealed partial class DockerExecutor
{
    /// <inheritdoc />
    public async ValueTask<ITaskRunSandbox> PrepareTaskRunAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sandbox = new DockerSandbox(spec, _volumes.Create(spec));
        try
        {
            if (NeedsHolder(spec))
            {
                var holder = await StartHolderAsync(sandbox, cancellationToken).ConfigureAwait(false);
                sandbox.HolderId = holder;
                sandbox.NetworkMode = $"container:{holder}";
            }
            else
            {
                sandbox.NetworkMode = spec.Network switch
                {
                    NetworkMode.Host => "host",
                    NetworkMode.None => "none",
                    _ => "bridge",
                };
            }

            if (!spec.Sidecars.IsEmpty)
            {
                await StartSidecarsAsync(sandbox, cancellationToken).ConfigureAwait(false);
            }

            return sandbox;
        }
        catch (Exception e)
        {
            try
            {
                await DestroyTaskRunAsync(sandbox, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) when (IsConnectionFailure(e))
            {
                // The daemon is gone: what it holds is left to the reaper; the cause is what matters.
            }

            if (IsConnectionFailure(e))
            {
                throw Unreachable(e);
            }

            throw;
        }
    }

    /// <summary>
    /// Sidecars need a namespace shared with the steps. Steps alone share one when there are several of
    /// them: joining a running namespace starts faster than setting up a fresh one per step.
    /// </summary>
    internal static bool NeedsHolder(SandboxSpec spec) =>
        spec.Network != NetworkMode.Host && (!spec.Sidecars.IsEmpty || spec.StepCount > 1);

    private async Task<string> StartHolderAsync(DockerSandbox sandbox, CancellationToken cancellationToken)
    {
        var spec = sandbox.Spec;
        var image = await EnsurePauseImageAsync(cancellationToken).ConfigureAwait(false);
        var created = await _client.Containers.CreateContainerAsync(
            new CreateContainerParameters
            {
                Name = ContainerName(spec.TaskRunName, "pause"),
                Image = image,
                Entrypoint = ["/pause"],
                Hostname = Truncate(sandbox.Id, 63),
                Labels = ContainerLabels(spec, Labels.HolderRole, "pause"),
                HostConfig = new HostConfig
                {
                    NetworkMode = spec.Network == NetworkMode.None ? "none" : "bridge",
                    ExtraHosts = spec.ExtraHosts.IsEmpty ? null : [.. spec.ExtraHosts],
                    LogConfig = new LogConfig { Type = "none" },
                    ReadonlyRootfs = true,
                    CapDrop = ["ALL"],
                },
            },
            cancellationToken).ConfigureAwait(false);
        sandbox.Track(created.ID);
        await _client.Containers.StartContainerAsync(created.ID, null, cancellationToken).ConfigureAwait(false);
        return created.ID;
    }

    private async Task StartSidecarsAsync(DockerSandbox sandbox, CancellationToken cancellationToken)
    {
        foreach (var sidecar in sandbox.Spec.Sidecars)
        {
            sandbox.AddSidecar(await CreateProcessAsync(sandbox, sidecar.Container, Labels.SidecarRole, cancellationToken).ConfigureAwait(false));
        }

        var sidecars = sandbox.Sidecars.Cast<DockerContainerProcess>().ToList();
        await Task.WhenAll(sidecars.Select(s => s.StartAsync(cancellationToken).AsTask())).ConfigureAwait(false);
        var readiness = new SidecarReadiness(_client, sandbox, _options.SidecarReadyTimeout, _time);
        await Task.WhenAll(sidecars.Select((s, i) => readiness.WaitAsync(s, sandbox.Spec.Sidecars[i].Readiness, cancellationToken))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DestroyTaskRunAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken)
    {
        var docker = Own(sandbox);
        docker.Destroyed = true;
        foreach (var sidecar in docker.Sidecars)
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }

        // Force removal kills first; containers the bookkeeping missed (a create whose answer was lost)
        // are found by label.
        var labelled = await ContainerIdsAsync(Labels.TaskRunUid, docker.Spec.TaskRunUid, cancellationToken).ConfigureAwait(false);
        var ids = docker.Containers.Union(labelled, StringComparer.Ordinal).ToList();
        await Task.WhenAll(ids.Select(id => RemoveContainerAsync(id, cancellationToken))
            .Concat(docker.PendingRemovals)).ConfigureAwait(false);
        LocalVolumes.Delete(docker.Directories);
    }

    private async Task<List<string>> ContainerIdsAsync(string label, string value, CancellationToken cancellationToken)
    {
        var containers = await _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true },
                },
            },
            cancellationToken).ConfigureAwait(false);
        return [.. containers.Select(c => c.ID)];
    }
}
