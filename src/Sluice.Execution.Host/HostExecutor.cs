using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>
/// The host backend: each step is a host process in its own session and process group, under
/// bubblewrap with the same paths a container would see (<c>/workspace</c>, <c>/tekton/...</c>,
/// workspaces) over a tmpfs root that binds the host's top-level directories read-only, in a PID
/// namespace that dies with the step. Images are not used. For trusted work and fast tests.
/// </summary>
public sealed class HostExecutor : IExecutor
{
    /// <summary>The image id every resolved image gets: steps run on the host's own filesystem.</summary>
    public const string HostImageId = "host";

    private static readonly TimeSpan ReapGrace = TimeSpan.FromSeconds(2);

    private readonly HostExecutorOptions _options;
    private readonly LocalVolumes _volumes;
    private readonly StepCommands _commands;
    private readonly Lock _gate = new();
    private readonly HashSet<HostSandbox> _sandboxes = [];
    private readonly SandboxTrash _trash = new();
    private readonly SandboxPool _pool = new();

    /// <summary>Makes the backend.</summary>
    public HostExecutor(HostExecutorOptions options)
    {
        _options = options;
        _volumes = new LocalVolumes(options.StateRoot, options.OwnerId, _pool);
        var bubblewrap = options.BubblewrapPath ?? StepCommands.FindProgram("bwrap", Environment.GetEnvironmentVariable("PATH"));
        var problem = options.BubblewrapPath is { } configured
            ? $"bubblewrap was not found at {configured}"
            : "bubblewrap (bwrap) is not on PATH";
        _commands = new StepCommands(bubblewrap is not null && File.Exists(bubblewrap) ? bubblewrap : null, problem, _volumes.StateRoot);
    }

    /// <inheritdoc/>
    public string Name => "host";

    /// <summary>Whether steps run under bubblewrap; without it only steps without mounts can run.</summary>
    public bool HasBubblewrap => _commands.HasBubblewrap;

    /// <inheritdoc/>
    public ValueTask<ResolvedImage> ResolveImageAsync(string reference, ImagePullPolicy policy, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ResolvedImage
        {
            Requested = reference,
            Reference = reference,
            ImageId = HostImageId,
            Platform = "linux/" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() switch
            {
                "x64" => "amd64",
                var other => other,
            },
        });

    /// <inheritdoc/>
    public async ValueTask<ITaskRunSandbox> PrepareTaskRunAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var directories = _volumes.Create(spec);
        HostSandbox? sandbox = null;
        try
        {
            var hosts = spec.ExtraHosts.IsDefaultOrEmpty ? null : WriteHostsFile(directories.Root, spec.ExtraHosts);
            sandbox = new HostSandbox(spec, directories, hosts, await SharedNetworkAsync(spec).ConfigureAwait(false));
            lock (_gate)
            {
                _sandboxes.Add(sandbox);
            }

            if (!spec.Sidecars.IsDefaultOrEmpty)
            {
                await StartSidecarsAsync(sandbox, cancellationToken).ConfigureAwait(false);
            }

            return sandbox;
        }
        catch
        {
            if (sandbox is not null)
            {
                await DestroyAsync(sandbox).ConfigureAwait(false);
            }
            else
            {
                LocalVolumes.Delete(directories);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask<IStepProcess> CreateStepAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken)
    {
        var host = Own(sandbox);
        var launch = _commands.Build(host, step);
        if (step.Privileged)
        {
            host.MarkUnclean();
        }

        return ValueTask.FromResult<IStepProcess>(host.CreateProcess(launch, _options.TimeProvider, isSidecar: false));
    }

    /// <inheritdoc/>
    public ValueTask DestroyTaskRunAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken) => DestroyAsync(Own(sandbox));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<OwnedRun>> ListOwnedRunsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(_volumes.ListRuns());

    /// <inheritdoc/>
    public async ValueTask<ReapReport> ReapAsync(string runUid, CancellationToken cancellationToken)
    {
        var processes = await ProcessRecords.KillLeftoversAsync(_volumes.RunDirectory(runUid), ReapGrace, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        await _trash.FlushAsync().ConfigureAwait(false);
        return new ReapReport(0, processes, _volumes.Reap(runUid));
    }

    /// <summary>Destroys the sandboxes still open (their processes are killed, their directories removed) and finishes pending deletions.</summary>
    public async ValueTask DisposeAsync()
    {
        HostSandbox[] open;
        lock (_gate)
        {
            open = [.. _sandboxes];
        }

        foreach (var sandbox in open)
        {
            await DestroyAsync(sandbox).ConfigureAwait(false);
        }

        await _trash.DisposeAsync().ConfigureAwait(false);
        _pool.Dispose();
    }

    private async Task StartSidecarsAsync(HostSandbox sandbox, CancellationToken cancellationToken)
    {
        var started = new List<(SidecarSpec Spec, HostStepProcess Process)>();
        foreach (var sidecar in sandbox.Spec.Sidecars)
        {
            var process = sandbox.CreateProcess(_commands.Build(sandbox, sidecar.Container), _options.TimeProvider, isSidecar: true);
            await process.StartAsync(cancellationToken).ConfigureAwait(false);
            started.Add((sidecar, process));
        }

        await Task.WhenAll(started.Select(s =>
            SidecarReadiness.WaitAsync(s.Spec, s.Process, sandbox, _commands, _options.TimeProvider, cancellationToken))).ConfigureAwait(false);
    }

    // Steps and sidecars of a TaskRun share one network, as containers of a pod do. With the host's
    // network that is given; with none, each step may have its own loopback unless sidecars must be
    // reached on it.
    private static async ValueTask<NetworkNamespace?> SharedNetworkAsync(SandboxSpec spec)
    {
        if (spec.Network != NetworkMode.None || spec.Sidecars.IsDefaultOrEmpty)
        {
            return null;
        }

        if (!Posix.IsRoot)
        {
            throw new SandboxConfigurationException("sidecars with network none need sluice to run as root on the host backend (to share one network namespace); use network host or the docker backend");
        }

        return await NetworkNamespace.CreateAsync().ConfigureAwait(false);
    }

    private static string WriteHostsFile(string sandboxRoot, ImmutableArray<string> extraHosts)
    {
        var text = new StringBuilder(File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : "127.0.0.1\tlocalhost\n");
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }

        foreach (var entry in extraHosts)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new SandboxConfigurationException($"extra host \"{entry}\" must be host:ip");
            }

            text.Append(entry[(colon + 1)..]).Append('\t').Append(entry[..colon]).Append('\n');
        }

        // A dot-name is one no volume directory can have.
        var path = Path.Combine(sandboxRoot, ".hosts");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static HostSandbox Own(ITaskRunSandbox sandbox) =>
        sandbox as HostSandbox ?? throw new ArgumentException($"sandbox {sandbox.Id} was not made by the host backend", nameof(sandbox));

    private async ValueTask DestroyAsync(HostSandbox sandbox)
    {
        // Without bubblewrap a step's processes can leave its session, and so outlive it.
        if (await sandbox.StopAsync().ConfigureAwait(false) &&
            !(_commands.HasBubblewrap && sandbox.Recyclable && _volumes.TryRecycle(sandbox.Directories)))
        {
            sandbox.Directories.Tree?.Dispose();
            _trash.Discard(sandbox.Directories.Root);
        }

        lock (_gate)
        {
            _sandboxes.Remove(sandbox);
        }
    }
}
