using System.Collections.Concurrent;
using System.Diagnostics;
using Sluice.Engine.Execution;
using Sluice.Testing;

namespace Sluice.Engine.Tests.Harness;

/// <summary>
/// Wraps an <see cref="InMemoryExecutor"/> running the <see cref="ScriptInterpreter"/> and records what the
/// engine asked of it: when each step started and ended (on a monotonic clock, so tests compare order and
/// overlap rather than wall-clock durations) and how many sandboxes existed at once. Files the engine writes
/// into sandboxes (exit codes, scripts) are passed to the interpreter so that steps can <c>cat</c> them.
/// </summary>
public sealed class RecordingExecutor : IExecutor
{
    private readonly InMemoryExecutor _inner;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _live;
    private int _maxLive;

    /// <summary>Makes an executor whose steps the interpreter runs.</summary>
    public RecordingExecutor(ScriptInterpreter interpreter)
    {
        Interpreter = interpreter;
        _inner = new InMemoryExecutor(interpreter.Interpret);
    }

    /// <summary>The interpreter that runs the steps.</summary>
    public ScriptInterpreter Interpreter { get; }

    /// <summary>Every step started, with its start and end on the executor's clock.</summary>
    public ConcurrentQueue<StepTiming> Steps { get; } = new();

    /// <summary>Every sandbox prepared, by TaskRun name, in order.</summary>
    public ConcurrentQueue<string> Sandboxes { get; } = new();

    /// <summary>The spec of every sandbox prepared (volumes, sidecars), in order.</summary>
    public ConcurrentQueue<SandboxSpec> SandboxSpecs { get; } = new();

    /// <summary>The container spec of every step created, in order.</summary>
    public ConcurrentQueue<ContainerSpec> StepContainers { get; } = new();

    /// <summary>The most sandboxes that existed at the same time.</summary>
    public int MaxLiveSandboxes
    {
        get
        {
            lock (_gate)
            {
                return _maxLive;
            }
        }
    }

    /// <summary>How many sandboxes exist now.</summary>
    public int LiveSandboxes
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public ValueTask<ResolvedImage> ResolveImageAsync(string reference, ImagePullPolicy policy, CancellationToken cancellationToken) =>
        _inner.ResolveImageAsync(reference, policy, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ITaskRunSandbox> PrepareTaskRunAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var sandbox = await _inner.PrepareTaskRunAsync(spec, cancellationToken);
        lock (_gate)
        {
            _live++;
            _maxLive = Math.Max(_maxLive, _live);
        }

        Sandboxes.Enqueue(spec.TaskRunName);
        SandboxSpecs.Enqueue(spec);
        return new RecordingSandbox(this, sandbox);
    }

    /// <inheritdoc />
    public async ValueTask<IStepProcess> CreateStepAsync(ITaskRunSandbox sandbox, ContainerSpec step, CancellationToken cancellationToken)
    {
        var recording = (RecordingSandbox)sandbox;
        StepContainers.Enqueue(step);
        var process = await _inner.CreateStepAsync(recording.Inner, step, cancellationToken);
        return new RecordingProcess(this, process, sandbox.Spec.TaskRunName);
    }

    /// <inheritdoc />
    public async ValueTask DestroyTaskRunAsync(ITaskRunSandbox sandbox, CancellationToken cancellationToken)
    {
        await _inner.DestroyTaskRunAsync(((RecordingSandbox)sandbox).Inner, cancellationToken);
        lock (_gate)
        {
            _live--;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnedRun>> ListOwnedRunsAsync(CancellationToken cancellationToken) => _inner.ListOwnedRunsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<ReapReport> ReapAsync(string runUid, CancellationToken cancellationToken) => _inner.ReapAsync(runUid, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private TimeSpan Now() => _clock.Elapsed;

    private sealed class RecordingSandbox(RecordingExecutor owner, ITaskRunSandbox inner) : ITaskRunSandbox
    {
        public ITaskRunSandbox Inner { get; } = inner;

        public SandboxSpec Spec => Inner.Spec;

        public string Id => Inner.Id;

        public IReadOnlyList<IStepProcess> Sidecars => Inner.Sidecars;

        public ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken)
        {
            owner.Interpreter.RecordEngineWrite(Spec.TaskRunName, volume, path, content);
            return Inner.WriteFileAsync(volume, path, content, mode, cancellationToken);
        }

        public ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken) =>
            Inner.ReadFileAsync(volume, path, maxBytes, cancellationToken);

        public ValueTask CreateDirectoryAsync(string volume, string path, int mode, CancellationToken cancellationToken) =>
            Inner.CreateDirectoryAsync(volume, path, mode, cancellationToken);

        public ValueTask CreateSymlinkAsync(string volume, string path, string target, CancellationToken cancellationToken) =>
            Inner.CreateSymlinkAsync(volume, path, target, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListFilesAsync(string volume, string path, CancellationToken cancellationToken) =>
            Inner.ListFilesAsync(volume, path, cancellationToken);
    }

    private sealed class RecordingProcess(RecordingExecutor owner, IStepProcess inner, string taskRun) : IStepProcess
    {
        private readonly Lock _gate = new();
        private TimeSpan _started;
        private bool _recorded;

        public string Name => inner.Name;

        public ValueTask StartAsync(CancellationToken cancellationToken)
        {
            _started = owner.Now();
            return inner.StartAsync(cancellationToken);
        }

        public IAsyncEnumerable<OutputChunk> TailAsync(CancellationToken cancellationToken) => inner.TailAsync(cancellationToken);

        public async ValueTask<ProcessExit> WaitAsync(CancellationToken cancellationToken)
        {
            var exit = await inner.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (!_recorded)
                {
                    _recorded = true;
                    owner.Steps.Enqueue(new StepTiming(taskRun, inner.Name, _started, owner.Now(), exit.ExitCode));
                }
            }

            return exit;
        }

        public ValueTask KillAsync(CancellationToken cancellationToken) => inner.KillAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>When a step ran, on the executor's monotonic clock.</summary>
/// <param name="TaskRun">The TaskRun's name.</param>
/// <param name="Container">The step's container name.</param>
/// <param name="Started">When the engine started it.</param>
/// <param name="Ended">When the engine saw it end.</param>
/// <param name="ExitCode">How it ended.</param>
public sealed record StepTiming(string TaskRun, string Container, TimeSpan Started, TimeSpan Ended, int ExitCode);
