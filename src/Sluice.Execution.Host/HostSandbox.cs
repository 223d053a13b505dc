using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>A TaskRun's sandbox on the host: its volume directories, its processes and, with network <c>None</c> and sidecars, the namespace they share.</summary>
internal sealed class HostSandbox : ITaskRunSandbox
{
    private readonly Lock _gate = new();
    private readonly HashSet<HostStepProcess> _running = [];
    private readonly List<IStepProcess> _sidecars = [];
    private bool _destroyed;
    private bool _unclean;

    public HostSandbox(SandboxSpec spec, SandboxDirectories directories, string? hostsFile, NetworkNamespace? network)
    {
        Spec = spec;
        Directories = directories;
        HostsFile = hostsFile;
        Namespace = network;
        Id = LocalVolumes.SafeName(spec.TaskRunName) + "-pod";
    }

    /// <inheritdoc/>
    public SandboxSpec Spec { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public IReadOnlyList<IStepProcess> Sidecars
    {
        get
        {
            lock (_gate)
            {
                return [.. _sidecars];
            }
        }
    }

    /// <summary>The volumes' host directories.</summary>
    public SandboxDirectories Directories { get; }

    /// <summary>An /etc/hosts with the spec's extra entries, or null.</summary>
    public string? HostsFile { get; }

    /// <summary>The network namespace steps and sidecars share, or null when each step gets the host's or its own.</summary>
    public NetworkNamespace? Namespace { get; }

    /// <summary>Creates a process in this sandbox; it is killed when the sandbox is destroyed.</summary>
    public HostStepProcess CreateProcess(StepLaunch launch, TimeProvider time, bool isSidecar)
    {
        var process = new HostStepProcess(launch, this, time, keepLatestOutput: isSidecar);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_destroyed, this);
            _running.Add(process);
            if (isSidecar)
            {
                _sidecars.Add(process);
            }
        }

        return process;
    }

    /// <summary>Throws when the sandbox was destroyed.</summary>
    public void ThrowIfDestroyed()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_destroyed, this);
        }
    }

    /// <summary>
    /// Whether the sandbox's directories may serve the run's next TaskRun: every process ended on its
    /// own (one that was killed may have left its PID namespace still emptying), none was privileged.
    /// </summary>
    public bool Recyclable
    {
        get
        {
            lock (_gate)
            {
                return !_unclean;
            }
        }
    }

    /// <summary>Records a started group leader; returns where its record is.</summary>
    public long Record(int pid, string name) =>
        (Directories.Tree ?? throw new InvalidOperationException("a host sandbox has a tree")).Processes.Append(pid, name);

    /// <summary>Marks a recorded group as ended.</summary>
    public void Ended(long record) => Directories.Tree?.Processes.MarkEnded(record);

    /// <summary>Keeps the sandbox's directories from being recycled (see <see cref="Recyclable"/>).</summary>
    public void MarkUnclean()
    {
        lock (_gate)
        {
            _unclean = true;
        }
    }

    /// <summary>Drops a process that has ended.</summary>
    public void Forget(HostStepProcess process)
    {
        lock (_gate)
        {
            _running.Remove(process);
        }
    }

    /// <summary>Kills every process left and waits for them; false when the sandbox was stopped already.</summary>
    public async ValueTask<bool> StopAsync()
    {
        HostStepProcess[] left;
        lock (_gate)
        {
            if (_destroyed)
            {
                return false;
            }

            _destroyed = true;
            left = [.. _running];
        }

        foreach (var process in left)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        Namespace?.Dispose();
        return true;
    }

    /// <inheritdoc/>
    public ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken) =>
        Directories.WriteFileAsync(volume, path, content, mode, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken) =>
        Directories.ReadFileAsync(volume, path, maxBytes, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateDirectoryAsync(string volume, string path, int mode, CancellationToken cancellationToken) =>
        Directories.CreateDirectoryAsync(volume, path, mode);

    /// <inheritdoc/>
    public ValueTask CreateSymlinkAsync(string volume, string path, string target, CancellationToken cancellationToken) =>
        Directories.CreateSymlinkAsync(volume, path, target);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListFilesAsync(string volume, string path, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Directories.ListFiles(volume, path));

    /// <inheritdoc/>
    public string? LocalDirectory(string volume) => Directories.Volumes.GetValueOrDefault(volume);
}
