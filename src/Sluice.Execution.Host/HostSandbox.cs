using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>A TaskRun's sandbox on the host: its volume directories, its processes and, with network <c>None</c> and sidecars, the namespace they share.</summary>
internal sealed class HostSandbox : ITaskRunSandbox
{
    private readonly Lock _gate = new();
    private readonly HashSet<HostStepProcess> _running = [];
    private readonly List<IStepProcess> _sidecars = [];
    private bool _destroyed;

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

    /// <summary>Records a started group leader; returns the record's path.</summary>
    public string Record(int pid, string name) => ProcessRecords.Write(Directories.Root, pid, name);

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
}
