using System.Collections.Concurrent;
using Sluice.Engine.Execution;
using Sluice.Execution.Host;

namespace Sluice.Execution.Docker;

/// <summary>A TaskRun's sandbox on Docker: its directories, its namespace holder and the containers it created.</summary>
internal sealed class DockerSandbox : ITaskRunSandbox
{
    private readonly List<DockerContainerProcess> _sidecars = [];
    private readonly ConcurrentDictionary<string, byte> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _removals = new();

    public DockerSandbox(SandboxSpec spec, SandboxDirectories directories)
    {
        Spec = spec;
        Directories = directories;
        Id = $"{spec.TaskRunName}-pod";
    }

    /// <inheritdoc />
    public SandboxSpec Spec { get; }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public IReadOnlyList<IStepProcess> Sidecars => _sidecars;

    /// <summary>The volumes' host directories.</summary>
    public SandboxDirectories Directories { get; }

    /// <summary>The network mode steps and sidecars use: <c>container:&lt;holder&gt;</c>, <c>host</c>, <c>none</c> or <c>bridge</c>.</summary>
    public string NetworkMode { get; set; } = "bridge";

    /// <summary>The namespace holder's container id, when there is one.</summary>
    public string? HolderId { get; set; }

    /// <summary>Whether the sandbox was destroyed; no step may be created after.</summary>
    public bool Destroyed { get; set; }

    /// <summary>Every container created for the sandbox that was not removed yet.</summary>
    public IEnumerable<string> Containers => _containers.Keys;

    /// <summary>Removals started by disposed processes and not finished yet.</summary>
    public IEnumerable<Task> PendingRemovals => _removals.Keys;

    public void AddSidecar(DockerContainerProcess sidecar) => _sidecars.Add(sidecar);

    public void Track(string containerId) => _containers[containerId] = 0;

    /// <summary>Runs a removal, forgetting the container and the task once it is done.</summary>
    public Task TrackRemoval(string containerId, Func<Task> removal)
    {
        var task = RemoveAsync(containerId, removal);
        _removals[task] = 0;
        _ = task.ContinueWith(t => _removals.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <inheritdoc />
    public ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken) =>
        Directories.WriteFileAsync(volume, path, content, mode, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken) =>
        Directories.ReadFileAsync(volume, path, maxBytes, cancellationToken);

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string volume, string path, int mode, CancellationToken cancellationToken) =>
        Directories.CreateDirectoryAsync(volume, path, mode);

    /// <inheritdoc />
    public ValueTask CreateSymlinkAsync(string volume, string path, string target, CancellationToken cancellationToken) =>
        Directories.CreateSymlinkAsync(volume, path, target);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListFilesAsync(string volume, string path, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Directories.ListFiles(volume, path));

    /// <inheritdoc />
    public string? LocalDirectory(string volume) => Directories.Volumes.GetValueOrDefault(volume);

    private async Task RemoveAsync(string containerId, Func<Task> removal)
    {
        try
        {
            await removal().ConfigureAwait(false);
            _containers.TryRemove(containerId, out _);
        }
        catch (Exception)
        {
            // Left for DestroyTaskRunAsync, which removes whatever is still tracked, or the reaper.
        }
    }
}
