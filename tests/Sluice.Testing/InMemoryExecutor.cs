using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Sluice.Engine.Execution;

namespace Sluice.Testing;

/// <summary>What a step run by the <see cref="InMemoryExecutor"/> does: its output, exit code and files it writes.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">What it prints on stdout.</param>
/// <param name="Delay">How long it runs.</param>
public sealed record StepBehaviour(int ExitCode = 0, string Output = "", TimeSpan Delay = default)
{
    /// <summary>Files written when the step ends, by container path (such as <c>/tekton/results/x</c>).</summary>
    public IReadOnlyDictionary<string, string> Writes { get; init; } = new Dictionary<string, string>();
}

/// <summary>A step as the executor received it, with the text of its script when it runs one.</summary>
/// <param name="Sandbox">The TaskRun's sandbox.</param>
/// <param name="Container">The container.</param>
/// <param name="Script">The script's text, or null.</param>
public sealed record StepCall(SandboxSpec Sandbox, ContainerSpec Container, string? Script);

/// <summary>
/// An executor that runs nothing: each step's behaviour comes from a function, and volumes are kept in
/// memory. It lets engine tests and benchmarks exercise scheduling, substitution and status without Docker.
/// </summary>
public sealed class InMemoryExecutor(Func<StepCall, StepBehaviour> behave) : IExecutor
{
    private int _sandboxes;

    /// <summary>Every step started, in start order.</summary>
    public ConcurrentQueue<StepCall> Calls { get; } = new();

    /// <summary>How many sandboxes exist now.</summary>
    public int LiveSandboxes => Volatile.Read(ref _sandboxes);

    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public ValueTask<ResolvedImage> ResolveImageAsync(string reference, ImagePullPolicy policy, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ResolvedImage { Requested = reference, Reference = reference, ImageId = "sha256:" + reference.Length, Cmd = ["sh"], Platform = "linux/amd64" });

    /// <inheritdoc />
    public ValueTask<ITaskRunSandbox> PrepareTaskRunAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sandboxes);
        var sandbox = new Sandbox(spec);
        foreach (var volume in spec.Volumes)
        {
            if (volume.Source is FilesSource files)
            {
                foreach (var file in files.Files)
                {
                    sandbox.Put(volume.Name, file.Path, file.Content);
                }
            }
        }

        return ValueTask.FromResult<ITaskRunSandbox>(sandbox);
    }

    /// <inheritdoc />
    public ValueTask<IStepProcess> CreateStepAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken)
    {
        var memory = (Sandbox)sandbox;
        var script = step.Argv.FirstOrDefault() is { } first && first.StartsWith("/tekton/scripts/", StringComparison.Ordinal)
            ? memory.Read(step, first)
            : null;
        var call = new StepCall(sandbox.Spec, step, script);
        return ValueTask.FromResult<IStepProcess>(new Process(this, memory, call));
    }

    /// <inheritdoc />
    public ValueTask DestroyTaskRunAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _sandboxes);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnedRun>> ListOwnedRunsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<OwnedRun>>([]);

    /// <inheritdoc />
    public ValueTask<ReapReport> ReapAsync(string runUid, CancellationToken cancellationToken) => ValueTask.FromResult(ReapReport.None);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sandbox(SandboxSpec spec) : ITaskRunSandbox
    {
        private readonly ConcurrentDictionary<(string Volume, string Path), byte[]> _files = new();

        public SandboxSpec Spec { get; } = spec;

        public string Id { get; } = $"{spec.TaskRunName}-pod";

        public IReadOnlyList<IStepProcess> Sidecars => [];

        public void Put(string volume, string path, ReadOnlyMemory<byte> content) => _files[(volume, path)] = content.ToArray();

        public ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken)
        {
            _files[(volume, path)] = content.ToArray();
            return ValueTask.CompletedTask;
        }

        public ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_files.TryGetValue((volume, path), out var bytes) ? bytes : null);

        public ValueTask CreateDirectoryAsync(string volume, string path, int mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CreateSymlinkAsync(string volume, string path, string target, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IReadOnlyList<string>> ListFilesAsync(string volume, string path, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<string>>([.. _files.Keys.Where(k => k.Volume == volume && k.Path.StartsWith(path, StringComparison.Ordinal)).Select(k => k.Path)]);

        public string? Read(ContainerSpec container, string containerPath) =>
            Resolve(container, containerPath) is { } key && _files.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

        public void Write(ContainerSpec container, string containerPath, string content)
        {
            if (Resolve(container, containerPath) is { } key)
            {
                _files[key] = Encoding.UTF8.GetBytes(content);
            }
        }

        private static (string, string)? Resolve(ContainerSpec container, string containerPath)
        {
            foreach (var mount in container.Mounts.OrderByDescending(m => m.ContainerPath.Length))
            {
                var root = mount.ContainerPath.TrimEnd('/');
                if (containerPath.StartsWith(root + "/", StringComparison.Ordinal))
                {
                    var relative = containerPath[(root.Length + 1)..];
                    return (mount.Volume, mount.SubPath is null ? relative : $"{mount.SubPath}/{relative}");
                }
            }

            return null;
        }
    }

    private sealed class Process(InMemoryExecutor owner, Sandbox sandbox, StepCall call) : IStepProcess
    {
        private readonly Channel<OutputChunk> _output = Channel.CreateUnbounded<OutputChunk>();
        private readonly TaskCompletionSource<ProcessExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _kill = new();

        public string Name => call.Container.Name;

        public ValueTask StartAsync(CancellationToken cancellationToken)
        {
            owner.Calls.Enqueue(call);
            _ = RunAsync();
            return ValueTask.CompletedTask;
        }

        public async IAsyncEnumerable<OutputChunk> TailAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var chunk in _output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }
        }

        public async ValueTask<ProcessExit> WaitAsync(CancellationToken cancellationToken) =>
            await _exit.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        public ValueTask KillAsync(CancellationToken cancellationToken)
        {
            _kill.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _kill.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task RunAsync()
        {
            var started = DateTimeOffset.UtcNow;
            var behaviour = owner.Behave(call);
            var code = behaviour.ExitCode;
            if (behaviour.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(behaviour.Delay, _kill.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    code = 137;
                }
            }

            if (code != 137)
            {
                foreach (var (path, content) in behaviour.Writes)
                {
                    sandbox.Write(call.Container, path, content);
                }
            }

            if (behaviour.Output.Length > 0)
            {
                _output.Writer.TryWrite(new OutputChunk(OutputStream.Stdout, Encoding.UTF8.GetBytes(behaviour.Output)));
            }

            _output.Writer.TryComplete();
            _exit.TrySetResult(new ProcessExit(code, false, started, DateTimeOffset.UtcNow));
        }
    }

    private StepBehaviour Behave(StepCall call) => behave(call);
}
