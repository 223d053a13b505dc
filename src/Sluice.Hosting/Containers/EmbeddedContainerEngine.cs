using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Execution.Docker;
using Sluice.Sdk.Containers;
using Sluice.Store.Trees;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Evaluates the op graph of an SDK program on the local Docker daemon. Each op is evaluated once, by
/// whichever value first needs it, and concurrent callers share that evaluation; ops that do not depend
/// on each other run at the same time. An exec or copy runs on its parent's image and is committed to a
/// new one; the images of a client are removed when it is disposed.
/// </summary>
internal sealed partial class EmbeddedContainerEngine : IContainerEngine
{
    private readonly LocalSession _session;
    private readonly DockerExecutor _docker;
    private readonly TreeDigester _digester;
    private readonly OpKeys _keys;
    private readonly SemaphoreSlim _execs;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<Op, Lazy<Task<ContainerState>>> _states = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<string> _snapshots = new();
    private int _disposed;

    public EmbeddedContainerEngine(LocalSession session, DockerExecutor docker)
    {
        _session = session;
        _docker = docker;
        _digester = new TreeDigester(session.Home.StatCaches, TimeProvider.System);
        _keys = new OpKeys(DigestHostDirectoryAsync, _lifetime.Token);
        _execs = new SemaphoreSlim(session.EngineOptions.Concurrency);
        RunUid = Guid.NewGuid().ToString();
    }

    /// <summary>The run every container of this client is labelled with.</summary>
    public string RunUid { get; }

    public Task<string> KeyAsync(Op op, CancellationToken cancellationToken) => _keys.KeyAsync(op, cancellationToken);

    public async Task<ContainerSnapshot> EvaluateAsync(ContainerOp container, CancellationToken cancellationToken)
    {
        var state = await StateAsync(container, cancellationToken).ConfigureAwait(false);
        return new ContainerSnapshot { Key = state.Key, SnapshotId = state.ImageId, LastExec = state.LastExec };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);

        // Their callers saw any failure; here each only has to have ended, so its images are known.
        foreach (var state in _states.Values.Where(s => s.IsValueCreated))
        {
            await ((Task)state.Value).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Children were committed after their parents: removing in reverse order frees each before its parent.
        foreach (var image in _snapshots.Reverse())
        {
            await _docker.RemoveSnapshotAsync(image, CancellationToken.None).ConfigureAwait(false);
        }

        await _docker.ReapAsync(RunUid, CancellationToken.None).ConfigureAwait(false);
        _execs.Dispose();
        _lifetime.Dispose();
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    private Task<ContainerState> StateAsync(ContainerOp op, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var state = _states.GetOrAdd(op, o => new Lazy<Task<ContainerState>>(() => Task.Run(() => EvaluateCoreAsync((ContainerOp)o, _lifetime.Token))));
        return state.Value.WaitAsync(cancellationToken);
    }

    private async Task<ContainerState> EvaluateCoreAsync(ContainerOp op, CancellationToken cancellationToken)
    {
        // The seam for the cache: the key is known before the op runs.
        var key = await _keys.KeyAsync(op, cancellationToken).ConfigureAwait(false);
        switch (op)
        {
            case ScratchOp:
                return ContainerState.Empty(key);
            case FromOp from:
                {
                    var parent = await StateAsync(from.Parent, cancellationToken).ConfigureAwait(false);
                    var image = await _docker.ResolveImageAsync(from.Address, ImagePullPolicy.IfNotPresent, cancellationToken).ConfigureAwait(false);
                    return parent with { Key = key, ImageId = image.ImageId, Workdir = null, LastExec = null };
                }

            case EnvOp env:
                {
                    var parent = await StateAsync(env.Parent, cancellationToken).ConfigureAwait(false);
                    return parent with { Key = key, Env = [.. parent.Env.Where(e => e.Key != env.Variable), KeyValuePair.Create(env.Variable, env.Value)] };
                }

            case WorkdirOp workdir:
                return await StateAsync(workdir.Parent, cancellationToken).ConfigureAwait(false) with { Key = key, Workdir = workdir.Path };
            case MountCacheOp cache:
                {
                    var parent = await StateAsync(cache.Parent, cancellationToken).ConfigureAwait(false);
                    return parent with { Key = key, Caches = [.. parent.Caches.Where(c => c.Path != cache.Path), new SnapshotCacheMount(cache.Volume, cache.Path)] };
                }

            case WithDirectoryOp copy:
                return await CopyAsync(copy, key, cancellationToken).ConfigureAwait(false);
            case ExecOp exec:
                return await ExecAsync(exec, key, cancellationToken).ConfigureAwait(false);
            default:
                throw new NotSupportedException($"the embedded engine cannot evaluate {op.Name} ops");
        }
    }

    private async Task<ContainerState> ExecAsync(ExecOp exec, string key, CancellationToken cancellationToken)
    {
        var parent = await StateAsync(exec.Parent, cancellationToken).ConfigureAwait(false);
        var spec = new SnapshotExec
        {
            RunUid = RunUid,
            ImageId = RootFilesystem(parent, exec),
            Argv = exec.Args,
            Env = parent.Env,
            WorkingDir = parent.Workdir,
            Caches = parent.Caches,
            Network = _session.EngineOptions.Network,
        };
        SnapshotExecResult result;
        await _execs.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            result = await _docker.ExecOnSnapshotAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _execs.Release();
        }

        var stderr = Encoding.UTF8.GetString(result.Stderr);
        if (result.ExitCode != 0)
        {
            throw new ExecFailedException(exec.Args, result.ExitCode, stderr);
        }

        _snapshots.Enqueue(result.ImageId);
        var output = new ExecOutput { Args = exec.Args, ExitCode = result.ExitCode, Stdout = Encoding.UTF8.GetString(result.Stdout), Stderr = stderr };
        return parent with { Key = key, ImageId = result.ImageId, LastExec = output };
    }

    private async Task<ContainerState> CopyAsync(WithDirectoryOp copy, string key, CancellationToken cancellationToken)
    {
        var parentTask = StateAsync(copy.Parent, cancellationToken);
        var archiveTask = ArchiveAsync(copy.Source, copy.Path, cancellationToken);
        await Task.WhenAll(parentTask, archiveTask).ConfigureAwait(false);
        var parent = await parentTask.ConfigureAwait(false);
        using var archive = await archiveTask.ConfigureAwait(false);
        var image = await _docker.CopyIntoSnapshotAsync(RunUid, RootFilesystem(parent, copy), archive, cancellationToken).ConfigureAwait(false);
        _snapshots.Enqueue(image);
        return parent with { Key = key, ImageId = image };
    }

    private static string RootFilesystem(ContainerState parent, ContainerOp op) =>
        parent.ImageId.Length > 0
            ? parent.ImageId
            : throw new InvalidOperationException($"the {op.Name} op needs a filesystem: call From(image) on the container first.");

    private async Task<string> DigestHostDirectoryAsync(HostDirectoryOp directory, CancellationToken cancellationToken) =>
        (await _digester.DigestAsync(directory.Path, Filter(directory), cancellationToken).ConfigureAwait(false)).Digest.ToString();

    private static TreeFilter Filter(HostDirectoryOp directory) => new() { Include = directory.Include, Exclude = directory.Exclude };

    /// <summary>What a container op leaves for the ops after it.</summary>
    private sealed record ContainerState
    {
        public required string Key { get; init; }

        public required string ImageId { get; init; }

        public ImmutableArray<KeyValuePair<string, string>> Env { get; init; } = [];

        public string? Workdir { get; init; }

        public ImmutableArray<SnapshotCacheMount> Caches { get; init; } = [];

        public ExecOutput? LastExec { get; init; }

        public static ContainerState Empty(string key) => new() { Key = key, ImageId = string.Empty };
    }
}
