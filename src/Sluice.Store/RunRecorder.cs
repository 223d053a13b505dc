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
public sealed class RunRecorder : IRunObserver
{
    private readonly IRunStore _store;
    private readonly string _rootUid;
    private readonly string? _owner;
    private readonly Func<string, string, string> _logPath;
    private readonly Func<ImmutableArray<IResource>> _sources;
    private readonly Action<Exception> _onError;
    private readonly ConcurrentDictionary<(string TaskRun, string Container), StrongBox<long>> _bytes = new();
    private int _recordedSources;
    private DefinitionVersion? _definition;

    /// <summary>Makes a recorder for the run with this uid.</summary>
    /// <param name="store">Where to record.</param>
    /// <param name="rootUid">The uid of the run that is started.</param>
    /// <param name="owner">The owner id of this process.</param>
    /// <param name="logPath">The log file of a TaskRun's container.</param>
    /// <param name="sources">The definitions the run has used so far.</param>
    /// <param name="onError">Told when recording fails; the run goes on.</param>
    public RunRecorder(IRunStore store, string rootUid, string? owner, Func<string, string, string> logPath, Func<ImmutableArray<IResource>>? sources = null, Action<Exception>? onError = null)
    {
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
        return RecordAsync(new RunRecord { RootUid = _rootUid, Run = run, Owner = _owner, Definition = definition, Sources = TakeSources() }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case PipelineRunUpdated { PipelineRun: var run }:
                await RecordAsync(Record(run, null), CancellationToken.None).ConfigureAwait(false);
                if (run.Status?.CompletionTime is not null)
                {
                    await RecordArtifactsAsync(run.Metadata.Name, Artifacts.Recognise(run.Status.Results, null)).ConfigureAwait(false);
                }

                break;
            case TaskRunUpdated { TaskRun: var run } updated:
                await RecordAsync(Record(run, updated.PipelineTask), CancellationToken.None).ConfigureAwait(false);
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

    private async ValueTask RecordAsync(RunRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await _store.RecordAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _onError(e);
        }
    }

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
