using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Execution.Docker;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;
using Sluice.Store.Trees;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Evaluates the op graph of an SDK program on the local Docker daemon. Each op is evaluated once, by
/// whichever value first needs it, and concurrent callers share that evaluation; ops that do not depend
/// on each other run at the same time. An exec or copy runs on its parent's image and is committed to a
/// new one, which the cache keeps by key when the client caches (see <c>EmbeddedContainerEngine.Cache.cs</c>);
/// the images the cache does not keep are removed when the client is disposed.
/// </summary>
internal sealed partial class EmbeddedContainerEngine : IContainerEngine
{
    private readonly LocalSession _session;
    private readonly DockerExecutor _docker;
    private readonly CacheIndex? _cache;
    private readonly TreeDigester _digester;
    private readonly OpKeys _keys;
    private readonly SemaphoreSlim _execs;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<Op, Lazy<Task<ContainerState>>> _states = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<Op, Lazy<Task<ContainerSettings>>> _settings = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<string> _snapshots = new();
    private readonly ConcurrentDictionary<string, bool> _cachedSnapshots = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>An engine over a session's Docker daemon.</summary>
    /// <param name="session">The session, which the engine owns from now on.</param>
    /// <param name="docker">The session's executor.</param>
    /// <param name="cache">The cache execs and copies are looked up in and stored to; null runs everything and keeps nothing.</param>
    public EmbeddedContainerEngine(LocalSession session, DockerExecutor docker, CacheIndex? cache)
    {
        _session = session;
        _docker = docker;
        _cache = cache;
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
        foreach (var image in _snapshots.Reverse().Where(i => !_cachedSnapshots.ContainsKey(i)))
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
        var key = await _keys.KeyAsync(op, cancellationToken).ConfigureAwait(false);
        switch (op)
        {
            case ExecOp or WithDirectoryOp:
                return await CachedAsync(op, key, cancellationToken).ConfigureAwait(false);
            case ScratchOp or FromOp:
                {
                    var settings = await SettingsAsync(op, cancellationToken).ConfigureAwait(false);
                    return new ContainerState { Key = key, ImageId = settings.Base?.ImageId ?? string.Empty, Settings = settings };
                }

            case EnvOp or WorkdirOp or MountCacheOp or SecretVariableOp or MountSecretOp or EntrypointOp or DefaultArgsOp or LabelOp:
                {
                    var parent = StateAsync((ContainerOp)op.Inputs[0], cancellationToken);
                    var settings = await SettingsAsync(op, cancellationToken).ConfigureAwait(false);
                    return await parent.ConfigureAwait(false) with { Key = key, Settings = settings };
                }

            default:
                throw new NotSupportedException($"the embedded engine cannot evaluate {op.Name} ops");
        }
    }

    /// <summary>Runs an exec or a copy on its parent's snapshot, which is evaluated first.</summary>
    private Task<ContainerState> RunAsync(ContainerOp op, string key, CancellationToken cancellationToken) => op switch
    {
        ExecOp exec => ExecAsync(exec, key, cancellationToken),
        WithDirectoryOp copy => CopyAsync(copy, key, cancellationToken),
        _ => throw new NotSupportedException($"the embedded engine does not run {op.Name} ops on a snapshot"),
    };

    private async Task<ContainerState> ExecAsync(ExecOp exec, string key, CancellationToken cancellationToken)
    {
        var parent = await StateAsync(exec.Parent, cancellationToken).ConfigureAwait(false);
        var secrets = await SecretValuesAsync(exec, cancellationToken).ConfigureAwait(false);
        var mask = new SecretMask(secrets.Values);
        var spec = new SnapshotExec
        {
            RunUid = RunUid,
            ImageId = RootFilesystem(parent, exec),
            Argv = exec.Args,
            Env = parent.Settings.Env,
            WorkingDir = parent.Settings.Workdir,
            Caches = parent.Settings.Caches,
            Network = _session.EngineOptions.Network,
            SecretEnv = [.. parent.Settings.SecretEnv.Select(e => KeyValuePair.Create(e.Key, secrets[e.Value]))],
            SecretFiles = [.. parent.Settings.SecretMounts.Select(m => new SnapshotSecretFile(m.Key, Encoding.UTF8.GetBytes(secrets[m.Value])))],
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

        var stderr = mask.Apply(Encoding.UTF8.GetString(result.Stderr));
        var stdout = mask.Apply(Encoding.UTF8.GetString(result.Stdout));
        if (result.ExitCode != 0)
        {
            throw new ExecFailedException(exec.Args, result.ExitCode, stderr, stdout);
        }

        _snapshots.Enqueue(result.ImageId);
        var output = new ExecOutput { Args = exec.Args, ExitCode = result.ExitCode, Stdout = stdout, Stderr = stderr };
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

    /// <summary>The environment, working directory, cache mounts and image of a container, memoized per op.</summary>
    private Task<ContainerSettings> SettingsAsync(ContainerOp op, CancellationToken cancellationToken)
    {
        var settings = _settings.GetOrAdd(op, o => new Lazy<Task<ContainerSettings>>(() => Task.Run(() => SettingsCoreAsync((ContainerOp)o, _lifetime.Token))));
        return settings.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Settings follow the parent chain alone and run nothing, so a cache hit need not evaluate its parent.</summary>
    private async Task<ContainerSettings> SettingsCoreAsync(ContainerOp op, CancellationToken cancellationToken)
    {
        if (op is ScratchOp scratch)
        {
            return new ContainerSettings { Platform = scratch.Platform };
        }

        var parent = await SettingsAsync((ContainerOp)op.Inputs[0], cancellationToken).ConfigureAwait(false);
        return op switch
        {
            FromOp from => parent with { Base = await ResolveBaseAsync(from, parent.Platform, cancellationToken).ConfigureAwait(false), Workdir = null, Entrypoint = null, DefaultArgs = null },
            EnvOp env => parent with
            {
                Env = [.. parent.Env.Where(e => e.Key != env.Variable), KeyValuePair.Create(env.Variable, env.Value)],
                SecretEnv = [.. parent.SecretEnv.Where(e => e.Key != env.Variable)],
            },
            SecretVariableOp secret => parent with
            {
                Env = [.. parent.Env.Where(e => e.Key != secret.Variable)],
                SecretEnv = [.. parent.SecretEnv.Where(e => e.Key != secret.Variable), KeyValuePair.Create(secret.Variable, secret.Secret)],
            },
            MountSecretOp mount => parent with { SecretMounts = [.. parent.SecretMounts.Where(m => m.Key != mount.Path), KeyValuePair.Create(mount.Path, mount.Secret)] },
            WorkdirOp workdir => parent with { Workdir = workdir.Path },
            MountCacheOp cache => parent with { Caches = [.. parent.Caches.Where(c => c.Path != cache.Path), new SnapshotCacheMount(cache.Volume, cache.Path)] },
            EntrypointOp entrypoint => parent with { Entrypoint = entrypoint.Args, DefaultArgs = null },
            DefaultArgsOp args => parent with { DefaultArgs = args.Args },
            LabelOp label => parent with { Labels = parent.Labels.SetItem(label.Label, label.Value) },
            ExecOp or WithDirectoryOp => parent,
            _ => throw new NotSupportedException($"the embedded engine cannot evaluate {op.Name} ops"),
        };
    }

    /// <summary>
    /// The image of a <c>From</c>, which must be of the container's platform. Docker keeps one platform
    /// per tag, so when the reference (after mirrors) names an image of another platform, the same name
    /// with the tag suffixed <c>-ARCH</c> (<c>runtime-deps:bookworm-arm64</c>) is taken when it is there
    /// and of the right platform.
    /// </summary>
    private async Task<ResolvedImage> ResolveBaseAsync(FromOp from, string platform, CancellationToken cancellationToken)
    {
        var image = await _docker.ResolveImageAsync(from.Address, ImagePullPolicy.IfNotPresent, cancellationToken).ConfigureAwait(false);
        if (SamePlatform(image.Platform, platform))
        {
            return image;
        }

        var candidate = PlatformTag(image.Reference, platform);
        try
        {
            var variant = await _docker.ResolveImageAsync(candidate, ImagePullPolicy.IfNotPresent, cancellationToken).ConfigureAwait(false);
            if (SamePlatform(variant.Platform, platform))
            {
                return variant with { Requested = from.Address };
            }
        }
        catch (ImageUnavailableException)
        {
        }

        throw new InvalidOperationException(
            $"From(\"{from.Address}\"): the image {image.Reference} is {image.Platform}, but the container is for {platform}, " +
            $"and there is no {platform} image {candidate}. This machine's Docker keeps one platform per tag: " +
            $"tag an image built for {platform} as {candidate}, or name it in From.");
    }

    /// <summary>A reference with its tag suffixed by a platform's architecture: <c>app:1.0</c> for linux/arm64 is <c>app:1.0-arm64</c>.</summary>
    internal static string PlatformTag(string reference, string platform)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? reference : reference[..at];
        var architecture = platform.Split('/')[1];
        return name.LastIndexOf(':') > name.LastIndexOf('/') ? $"{name}-{architecture}" : $"{name}:latest-{architecture}";
    }

    /// <summary>Whether two <c>os/architecture[/variant]</c> platforms are the same; a missing variant matches any.</summary>
    internal static bool SamePlatform(string image, string container)
    {
        var a = image.Split('/');
        var b = container.Split('/');
        return a.Length >= 2 && b.Length >= 2 && a[0] == b[0] && a[1] == b[1] && (a.Length < 3 || b.Length < 3 || a[2] == b[2]);
    }

    private static string RootFilesystem(ContainerState parent, ContainerOp op) =>
        parent.ImageId.Length > 0
            ? parent.ImageId
            : throw new InvalidOperationException($"the {op.Name} op needs a filesystem: call From(image) on the container first.");

    private async Task<string> DigestHostDirectoryAsync(HostDirectoryOp directory, CancellationToken cancellationToken) =>
        (await _digester.DigestAsync(directory.Path, Filter(directory), cancellationToken).ConfigureAwait(false)).Digest.ToString();

    private static TreeFilter Filter(HostDirectoryOp directory) => new() { Include = directory.Include, Exclude = directory.Exclude };

    /// <summary>What the ops of a container's parent chain set for its execs; no filesystem is needed to know it.</summary>
    private sealed record ContainerSettings
    {
        public ImmutableArray<KeyValuePair<string, string>> Env { get; init; } = [];

        public string? Workdir { get; init; }

        public ImmutableArray<SnapshotCacheMount> Caches { get; init; } = [];

        /// <summary>Secret variables by name; they reach the exec's process only.</summary>
        public ImmutableArray<KeyValuePair<string, Secret>> SecretEnv { get; init; } = [];

        /// <summary>Secret files by path, mounted from outside the snapshot.</summary>
        public ImmutableArray<KeyValuePair<string, Secret>> SecretMounts { get; init; } = [];

        /// <summary>The platform of the container's image.</summary>
        public string Platform { get; init; } = Platforms.Host;

        /// <summary>The entrypoint a published image gets instead of its base image's, or null.</summary>
        public ImmutableArray<string>? Entrypoint { get; init; }

        /// <summary>The default arguments a published image gets instead of its base image's, or null.</summary>
        public ImmutableArray<string>? DefaultArgs { get; init; }

        /// <summary>Labels of the published image, over its base image's.</summary>
        public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

        /// <summary>The image of the nearest <c>From</c>, or null when there is none.</summary>
        public ResolvedImage? Base { get; init; }
    }

    /// <summary>What a container op leaves for the ops after it.</summary>
    private sealed record ContainerState
    {
        public required string Key { get; init; }

        public required string ImageId { get; init; }

        public required ContainerSettings Settings { get; init; }

        public ExecOutput? LastExec { get; init; }
    }
}
