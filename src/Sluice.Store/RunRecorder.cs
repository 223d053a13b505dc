using System.Collections.Concurrent;
using System.Collections.Immutable;
using Sluice.Engine.Runs;
using Sluice.Model;
using Sluice.Model.Runs;

namespace Sluice.Store;

/// <summary>
/// Records one run in a store as its events arrive: the run and each of its TaskRuns on every change,
/// where each step's log is (when the step first writes, and its size when its TaskRun ends), and the
/// artifacts each TaskRun and the run report. Log bytes are only counted here; the log files are written
/// elsewhere, so no log is ever held in memory.
/// </summary>
/// <remarks>
/// Changes are written behind the run, off its steps' path: a change waits up to
/// <see cref="CoalesceWindow"/> for others, and of several changes to one run only the latest is written,
/// all in one transaction. A run's first change and its end wait only <see cref="GatherWindow"/>, for
/// others close behind, and nobody waits for them; the end of the started run is written at once and
/// waited for, after everything before it. A killed process loses at most the in-between states of runs
/// still going, and the start or end of a TaskRun in the last few milliseconds.
/// </remarks>
public sealed class RunRecorder : IRunObserver, IAsyncDisposable
{
    /// <summary>How long a change that is not a start or an end waits to be written with others.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a start or an end waits for others close behind it; one the run waits for does not.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(5);

    private readonly IRunStore _store;
    private readonly string _rootUid;
    private readonly string? _owner;
    private readonly Func<string, string, string> _logPath;
    private readonly Func<ImmutableArray<IResource>> _sources;
    private readonly Action<Exception> _onError;
    private readonly ConcurrentDictionary<(string TaskRun, string Container), StrongBox<long>> _bytes = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = [];
    private Dictionary<string, RunRecord> _pending = [];
    private List<TaskCompletionSource> _waiting = [];
    private TaskCompletionSource _hurry = NewSignal();
    private TaskCompletionSource _urgent = NewSignal();
    private Task _writer = Task.CompletedTask;
    private bool _writing;
    private int _recordedSources;
    private DefinitionVersion? _definition;

    /// <summary>Makes a recorder for the run with this uid.</summary>
    /// <param name="store">Where to record.</param>
    /// <param name="rootUid">The uid of the run that is started.</param>
    /// <param name="owner">The owner id of this process.</param>
    /// <param name="logPath">The log file of a TaskRun's container.</param>
    /// <param name="sources">The definitions the run has used so far.</param>
    /// <param name="onError">Told when recording fails; the run goes on.</param>
    /// <param name="time">The clock of the coalescing window.</param>
    public RunRecorder(IRunStore store, string rootUid, string? owner, Func<string, string, string> logPath, Func<ImmutableArray<IResource>>? sources = null, Action<Exception>? onError = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _store = store;
        _rootUid = rootUid;
        _owner = owner;
        _logPath = logPath;
        _sources = sources ?? (() => []);
        _onError = onError ?? (_ => { });
    }

    /// <summary>Records the run before it starts, so that it is listed (and its process known) at once.</summary>
    public ValueTask BeginAsync(IResource run, DefinitionVersion? definition, CancellationToken cancellationToken)
    {
        _definition = definition;
        _ = cancellationToken;
        return Post(new RunRecord { RootUid = _rootUid, Run = run, Owner = _owner, Definition = definition, Sources = TakeSources() }, durable: true);
    }

    /// <summary>Writes whatever changes are still waiting, and returns once they are written.</summary>
    public ValueTask FlushAsync() => Post(null, durable: true);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        Task writer;
        lock (_gate)
        {
            writer = _writer;
        }

        await writer.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case PipelineRunUpdated { PipelineRun: var run }:
                await RecordAsync(Record(run, null), run.Status?.CompletionTime is not null).ConfigureAwait(false);
                if (run.Status?.CompletionTime is not null)
                {
                    await RecordArtifactsAsync(run.Metadata.Name, Artifacts.Recognise(run.Status.Results, null)).ConfigureAwait(false);
                }

                break;
            case TaskRunUpdated { TaskRun: var run } updated:
                await RecordAsync(Record(run, updated.PipelineTask), run.Status?.CompletionTime is not null).ConfigureAwait(false);
                if (run.Status?.CompletionTime is not null)
                {
                    await FinishTaskRunAsync(run).ConfigureAwait(false);
                }

                break;
            case StepOutput output:
                var counter = _bytes.GetOrAdd((output.TaskRunName, output.Container), _ => new StrongBox<long>(-1));
                if (Interlocked.CompareExchange(ref counter.Value, 0, -1) == -1)
                {
                    await RecordLogAsync(output.TaskRunName, output.Container, 0).ConfigureAwait(false);
                }

                Interlocked.Add(ref counter.Value, output.Chunk.Data.Length);
                break;
        }
    }

    private RunRecord Record(IResource run, string? pipelineTask)
    {
        var top = run.Metadata.Uid == _rootUid;
        return new RunRecord
        {
            RootUid = _rootUid,
            Run = run,
            PipelineTask = pipelineTask,
            Owner = _owner,
            Definition = top ? _definition : null,
            Sources = top ? TakeSources() : [],
        };
    }

    private ImmutableArray<IResource> TakeSources()
    {
        var sources = _sources();
        return sources.Length > Interlocked.Exchange(ref _recordedSources, sources.Length) ? sources : [];
    }

    private async ValueTask FinishTaskRunAsync(TaskRun run)
    {
        var name = run.Metadata.Name ?? string.Empty;
        foreach (var ((taskRun, container), bytes) in _bytes.Where(kv => kv.Key.TaskRun == name))
        {
            await RecordLogAsync(taskRun, container, Math.Max(0, Interlocked.Read(ref bytes.Value))).ConfigureAwait(false);
        }

        await RecordArtifactsAsync(name, Artifacts.Recognise(run.Status?.Results ?? [], run.Status?.Artifacts)).ConfigureAwait(false);
    }

    /// <summary>Queues a change; an end is written at once, and the end of the started run is also waited for.</summary>
    private ValueTask RecordAsync(RunRecord record, bool ended) =>
        Post(record, durable: ended && record.Run.Metadata.Uid == _rootUid, eager: ended);

    /// <summary>
    /// Queues a change (the latest change of a run replaces an earlier one still waiting): an eager one, or
    /// a run's first, is written without waiting out the window; a durable one is also waited for.
    /// </summary>
    private ValueTask Post(RunRecord? record, bool durable, bool eager = false)
    {
        TaskCompletionSource? written = null;
        lock (_gate)
        {
            if (record is not null)
            {
                var uid = record.Run.Metadata.Uid ?? string.Empty;
                if (_pending.TryGetValue(uid, out var earlier) && record.Sources.IsDefaultOrEmpty && !earlier.Sources.IsDefaultOrEmpty)
                {
                    record = record with { Sources = earlier.Sources };
                }

                _pending[uid] = record;
                if (_seen.Add(uid) || eager)
                {
                    _hurry.TrySetResult();
                }
            }

            if (durable)
            {
                written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(written);
                _hurry.TrySetResult();
                _urgent.TrySetResult();
            }

            if (!_writing)
            {
                _writing = true;
                _writer = Task.Run(WriteAsync);
            }
        }

        return written is null ? ValueTask.CompletedTask : new ValueTask(written.Task);
    }

    /// <summary>Writes what is waiting, batch after batch, until nothing is; a batch without a durable change first waits out the window.</summary>
    private async Task WriteAsync()
    {
        while (true)
        {
            Task hurry;
            lock (_gate)
            {
                if (_pending.Count == 0 && _waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }

                hurry = _hurry.Task;
            }

            if (!hurry.IsCompleted)
            {
                await Task.WhenAny(hurry, Task.Delay(CoalesceWindow, _time)).ConfigureAwait(false);
            }

            // Starts and ends that come close together share a transaction (a TaskRun's end and the next
            // one's start, in a chain, or the ends of tasks that ran side by side), unless someone waits.
            Task urgent;
            lock (_gate)
            {
                urgent = _urgent.Task;
            }

            if (!urgent.IsCompleted)
            {
                await Task.WhenAny(urgent, Task.Delay(GatherWindow, _time)).ConfigureAwait(false);
            }

            Dictionary<string, RunRecord> batch;
            List<TaskCompletionSource> waiting;
            lock (_gate)
            {
                (batch, _pending) = (_pending, []);
                (waiting, _waiting) = (_waiting, []);
                _hurry = NewSignal();
                _urgent = NewSignal();
            }

            Exception? failure = null;
            try
            {
                if (batch.Count > 0)
                {
                    await _store.RecordAsync(batch.Values, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
            {
                _onError(e);
            }
            catch (Exception e)
            {
                // A bug: those waiting for this batch see it; the writer goes on with the next one.
                failure = e;
            }

            foreach (var written in waiting)
            {
                if (failure is null)
                {
                    written.TrySetResult();
                }
                else
                {
                    written.TrySetException(failure);
                }
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async ValueTask RecordLogAsync(string taskRun, string container, long bytes)
    {
        try
        {
            await _store.RecordLogAsync(new LogRecord(_rootUid, taskRun, container, _logPath(taskRun, container), bytes), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _onError(e);
        }
    }

    private async ValueTask RecordArtifactsAsync(string? runName, ImmutableArray<ArtifactRecord> artifacts)
    {
        if (artifacts.IsEmpty || runName is null)
        {
            return;
        }

        try
        {
            await _store.RecordArtifactsAsync(_rootUid, runName, artifacts, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _onError(e);
        }
    }

    /// <summary>A counter that can be updated in place.</summary>
    /// <param name="value">The first value.</param>
    private sealed class StrongBox<T>(T value)
    {
        public T Value = value;
    }
}
