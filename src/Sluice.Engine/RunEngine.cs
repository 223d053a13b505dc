using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Engine.Pipelines;
using Sluice.Engine.Runs;
using Sluice.Engine.Tasks;
using Sluice.Model;
using Sluice.Model.Runs;

namespace Sluice.Engine;

/// <summary>
/// The engine's entry point: names a TaskRun or PipelineRun (generateName, uid, namespace) and runs it
/// on an executor, reporting progress to an observer.
/// </summary>
public sealed class RunEngine
{
    private readonly EngineOptions _options;
    private readonly IRunNames _names;
    private readonly TaskRunRunner _taskRuns;
    private readonly PipelineRunRunner _pipelineRuns;
    private readonly TimeProvider _time;
    private readonly IExecutor _executor;
    private readonly SemaphoreSlim _slots;

    /// <summary>Makes an engine; with <paramref name="caching"/>, TaskRuns that opt in are cached (<see cref="EngineOptions.Cache"/>).</summary>
    /// <param name="executor">Where steps run.</param>
    /// <param name="resolver">Finds what runs refer to.</param>
    /// <param name="observer">Told of every change.</param>
    /// <param name="options">How runs run.</param>
    /// <param name="time">The clock.</param>
    /// <param name="names">Names runs and children.</param>
    /// <param name="caching">The cache, or null to cache nothing.</param>
    /// <param name="slots">
    /// Bounds how many TaskRuns run at once. Engines that share it share the bound, as the runs of one
    /// sluice command do; without it the engine has its own of <see cref="EngineOptions.Concurrency"/>.
    /// </param>
    public RunEngine(IExecutor executor, ITaskResolver resolver, IRunObserver observer, EngineOptions options, TimeProvider? time = null, IRunNames? names = null, TaskRunCaching? caching = null, SemaphoreSlim? slots = null)
    {
        _options = options with { Concurrency = Math.Max(1, options.Concurrency) };
        _names = names ?? RandomRunNames.Instance;
        _time = time ?? TimeProvider.System;
        _executor = executor;
        _slots = slots ?? new SemaphoreSlim(_options.Concurrency);
        _taskRuns = new TaskRunRunner(executor, resolver, observer, _time, _options, caching);
        _pipelineRuns = new PipelineRunRunner(_taskRuns, resolver, observer, _time, _options, _names, _slots);
    }

    /// <summary>Gives a run its name (from generateName), uid, namespace and creation time.</summary>
    public IResource Prepare(IResource run) => Prepare(run, _names, _options.DefaultNamespace, _time);

    /// <summary>Gives a run its name (from generateName), uid, namespace and creation time.</summary>
    public static IResource Prepare(IResource run, IRunNames names, string defaultNamespace, TimeProvider time)
    {
        var metadata = run.Metadata;
        metadata = metadata with
        {
            Name = string.IsNullOrEmpty(metadata.Name) ? names.Generate(metadata.GenerateName ?? "run-") : metadata.Name,
            Namespace = metadata.Namespace ?? defaultNamespace,
            Uid = metadata.Uid ?? names.NewUid(),
            CreationTimestamp = metadata.CreationTimestamp ?? Timestamps.Format(time.GetUtcNow()),
        };
        return run switch
        {
            TaskRun taskRun => taskRun with { Metadata = metadata, Status = null },
            PipelineRun pipelineRun => pipelineRun with { Metadata = metadata, Status = null },
            _ => throw new ArgumentException($"{run.Kind} is not a run", nameof(run)),
        };
    }

    /// <summary>
    /// Runs a prepared TaskRun or PipelineRun to completion and returns it with its final status. When it
    /// ends, however it ends, what the run still holds on the executor (run-scoped claims, anything a
    /// failed clean-up left) is released.
    /// </summary>
    public async Task<IResource> RunAsync(IResource run, CancellationToken cancellationToken)
    {
        var uid = run.Metadata.Uid ?? throw new ArgumentException("the run has no uid; call Prepare first", nameof(run));
        try
        {
            return run switch
            {
                TaskRun taskRun => await RunTaskRunAsync(taskRun, cancellationToken).ConfigureAwait(false),
                PipelineRun pipelineRun => await _pipelineRuns.RunAsync(new PipelineRunInvocation { PipelineRun = pipelineRun, RunUid = uid }, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentException($"{run.Kind} is not a run", nameof(run)),
            };
        }
        finally
        {
            await _executor.ReapAsync(uid, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<TaskRun> RunTaskRunAsync(TaskRun taskRun, CancellationToken cancellationToken)
    {
        // A TaskRun of its own takes a slot as a pipeline's does, so that a bound shared by several runs
        // holds for all of them. Cancelled while it waits, it still runs, to be recorded as cancelled.
        var acquired = false;
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            acquired = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        try
        {
            return await _taskRuns.RunAsync(new TaskRunInvocation { TaskRun = taskRun, RunUid = taskRun.Metadata.Uid! }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (acquired)
            {
                _slots.Release();
            }
        }
    }
}
