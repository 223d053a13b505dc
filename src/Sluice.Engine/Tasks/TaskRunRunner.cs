using System.Collections.Immutable;
using System.Globalization;
using Sluice.Engine.Caching;
using Sluice.Engine.CustomTasks;
using Sluice.Engine.Execution;
using Sluice.Engine.Runs;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Runs one TaskRun: resolves its Task, checks it, then runs attempts (retries) in a sandbox, step by
/// step, applying Tekton's rules for onError, timeouts, exit-code files, step and task results.
/// </summary>
public sealed partial class TaskRunRunner
{
    private readonly IExecutor _executor;
    private readonly ITaskResolver _resolver;
    private readonly IRunObserver _observer;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;
    private readonly SandboxPlanner _planner;
    private readonly TaskRunCaching? _caching;

    /// <summary>Makes a runner; with <paramref name="caching"/>, TaskRuns that opt in (<see cref="EngineOptions.Cache"/>) are cached.</summary>
    public TaskRunRunner(IExecutor executor, ITaskResolver resolver, IRunObserver observer, TimeProvider time, EngineOptions options, TaskRunCaching? caching = null)
    {
        _executor = executor;
        _caching = caching;
        _resolver = resolver;
        _observer = observer;
        _time = time;
        _options = options;
        _planner = new SandboxPlanner(resolver);
    }

    /// <summary>Runs the TaskRun to completion and returns it with its final status. Never throws for run failures.</summary>
    public async Task<TaskRun> RunAsync(TaskRunInvocation invocation, CancellationToken cancellationToken)
    {
        var run = invocation.TaskRun;
        var startTime = Now();
        var status = new TaskRunStatus
        {
            StartTime = startTime,
            PodName = $"{run.Metadata.Name}-pod",
            Conditions = [Running("Pending", "Resolving the Task")],
        };
        run = run with { Status = status };
        await EmitAsync(run, invocation, cancellationToken).ConfigureAwait(false);

        TaskSpec spec;
        string taskName;
        CacheRequest? cacheRequest = null;
        try
        {
            (spec, taskName) = Resolve(invocation);
            spec = StepActions.Resolve(spec, run.Spec.Params, _resolver, run.Metadata.Namespace ?? _options.DefaultNamespace);
            TaskRunChecks.ValidateParams(taskName, spec, run.Spec.Params);
            TaskRunChecks.ValidateArrayIndexes(spec, run.Spec.Params);
            TaskRunChecks.ValidateWorkspaces(spec, run.Spec.Workspaces);
            TaskRunChecks.ValidateOverrides(spec, run.Spec);
            // Custom tasks publish and notify: never cached (DESIGN.md section 5), idempotent instead.
            if (_caching is not null && _options.Cache != CacheMode.Off && run.Spec.TaskRef?.ApiVersion is null)
            {
                cacheRequest = CacheRequest.For(run, TaskAnnotations(run), spec, _options.Cache);
            }
        }
        catch (TaskRunFailure failure)
        {
            return await FinishAsync(run, invocation, status with { Conditions = [Failed(failure.Reason, failure.Message)] }, cancellationToken).ConfigureAwait(false);
        }

        status = status with { TaskSpec = spec };
        CacheWork? cache = null;
        if (cacheRequest is not null)
        {
            try
            {
                cache = await ClaimAsync(_caching!, run, spec, taskName, cacheRequest, invocation, cancellationToken).ConfigureAwait(false);
                if (cache?.Claim.Hit is { } hit)
                {
                    var restored = await RestoreAsync(_caching!, cache, hit, spec, status, cancellationToken).ConfigureAwait(false);
                    run = Annotate(run, (CacheAnnotations.Key, hit.Key.ToString()), (CacheAnnotations.Hit, "true"), (CacheAnnotations.Source, hit.Result.SourceTaskRun ?? string.Empty), (CacheAnnotations.SourceRun, hit.Result.SourceRun ?? string.Empty));
                    return await FinishAsync(run, invocation, restored, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsCacheFailure(e))
            {
                run = Annotate(run, (CacheAnnotations.Error, e.Message));
                cache = null;
            }
        }

        await using var lease = cache?.Claim.Lease;
        var retriesStatus = ImmutableArray<TaskRunStatus>.Empty;
        var retries = Math.Max(0, run.Spec.Retries ?? 0);
        var custom = CustomTaskOf(run);
        while (true)
        {
            var attempt = custom is not null
                ? await RunCustomAttemptAsync(custom, run with { Status = status }, spec, invocation, cancellationToken).ConfigureAwait(false)
                : await RunAttemptAsync(run with { Status = status }, spec, taskName, retriesStatus.Length, invocation, retriesStatus.IsEmpty ? cache?.Images : null, cancellationToken).ConfigureAwait(false);
            var succeeded = attempt.Conditions[0].Status == "True";
            var stopped = attempt.Conditions[0].Reason == "TaskRunCancelled";
            if (succeeded || stopped || retriesStatus.Length >= retries || cancellationToken.IsCancellationRequested)
            {
                var final = attempt.RetriesStatus == retriesStatus && ReferenceEquals(attempt.TaskSpec, spec) ? attempt : attempt with { RetriesStatus = retriesStatus, TaskSpec = spec };
                if (!succeeded && invocation.IgnoreFailure && !stopped)
                {
                    final = final with { Conditions = [Failed("FailureIgnored", final.Conditions[0].Message ?? string.Empty)] };
                }

                if (cache is not null)
                {
                    run = await StoreIfSucceededAsync(cache, run, invocation, final, succeeded, cancellationToken).ConfigureAwait(false);
                }

                return await FinishAsync(run, invocation, final, cancellationToken).ConfigureAwait(false);
            }

            retriesStatus = retriesStatus.Add(attempt with { TaskSpec = null });
            status = status with
            {
                StartTime = Now(),
                CompletionTime = null,
                Steps = [],
                Sidecars = [],
                Results = [],
                RetriesStatus = retriesStatus,
                Conditions = [Running("ToBeRetried", attempt.Conditions[0].Message ?? string.Empty)],
            };
            run = run with { Status = status };
            await EmitAsync(run, invocation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Failures are never stored; a success is, under the key the run claimed.</summary>
    private async ValueTask<TaskRun> StoreIfSucceededAsync(CacheWork cache, TaskRun run, TaskRunInvocation invocation, TaskRunStatus final, bool succeeded, CancellationToken cancellationToken)
    {
        run = Annotate(run, (CacheAnnotations.Key, cache.Key.ToString()), (CacheAnnotations.Hit, "false"));
        if (!succeeded || cancellationToken.IsCancellationRequested)
        {
            return run;
        }

        try
        {
            await StoreAsync(_caching!, cache, run, invocation, final, cancellationToken).ConfigureAwait(false);
            return run;
        }
        catch (Exception e) when (IsCacheFailure(e) || e is OperationCanceledException)
        {
            return Annotate(run, (CacheAnnotations.Error, e.Message));
        }
    }

    /// <summary>The annotations of the Task a TaskRun refers to, which caching reads after the TaskRun's own.</summary>
    private ImmutableSortedDictionary<string, string>? TaskAnnotations(TaskRun run) =>
        run.Spec.TaskRef is { Name: { } name, Resolver: null, ApiVersion: null }
            ? _resolver.FindTask(name, run.Metadata.Namespace ?? _options.DefaultNamespace)?.Metadata.Annotations
            : null;

    private (TaskSpec Spec, string TaskName) Resolve(TaskRunInvocation invocation)
    {
        var run = invocation.TaskRun;
        if (invocation.ResolvedSpec is { } resolved)
        {
            return (resolved, invocation.TaskName ?? run.Metadata.Name ?? string.Empty);
        }

        if (run.Spec.TaskSpec is { } inline)
        {
            return (inline, invocation.TaskName ?? run.Metadata.Name ?? string.Empty);
        }

        var reference = run.Spec.TaskRef ?? throw new TaskRunFailure("TaskRunResolutionFailed", "the TaskRun has neither taskRef nor taskSpec");
        if (reference.Resolver is not null)
        {
            throw new TaskRunFailure("TaskRunResolutionFailed", $"remote resolution with the \"{reference.Resolver}\" resolver needs a cluster; give the Task in the files passed to sluice and refer to it by name", needsCluster: true);
        }

        // Tekton's local resolver reads any kind other than ClusterTask as a namespaced Task.
        if (reference.ApiVersion is not null)
        {
            throw new TaskRunFailure("TaskRunResolutionFailed", CustomTaskNames.Unknown(reference.ApiVersion, reference.Kind));
        }

        var task = _resolver.FindTask(reference.Name ?? string.Empty, run.Metadata.Namespace ?? _options.DefaultNamespace)
            ?? throw new TaskRunFailure("TaskRunResolutionFailed", $"tasks.tekton.dev \"{reference.Name}\" not found");
        return (task.Spec, task.Metadata.Name ?? reference.Name ?? string.Empty);
    }

    private async ValueTask<TaskRun> FinishAsync(TaskRun run, TaskRunInvocation invocation, TaskRunStatus status, CancellationToken cancellationToken)
    {
        var finished = run with { Status = status.CompletionTime is null ? status with { CompletionTime = Now() } : status };
        await EmitAsync(finished, invocation, CancellationToken.None).ConfigureAwait(false);
        _ = cancellationToken;
        return finished;
    }

    private ValueTask EmitAsync(TaskRun run, TaskRunInvocation invocation, CancellationToken cancellationToken) =>
        _observer.OnEventAsync(new TaskRunUpdated(_time.GetUtcNow(), run, invocation.PipelineTask), cancellationToken);

    private string Now() => Timestamps.Format(_time.GetUtcNow());

    private Condition Running(string reason, string message) =>
        new() { Status = "Unknown", Reason = reason, Message = message, LastTransitionTime = Now() };

    private Condition Succeeded() =>
        new() { Status = "True", Reason = "Succeeded", Message = "All Steps have completed executing", LastTransitionTime = Now() };

    private Condition Failed(string reason, string message) =>
        new() { Status = "False", Reason = reason, Message = message, LastTransitionTime = Now() };

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Format(TimeSpan value) => Model.Duration.From(value).ToString();

    private static string Code(int code) => code.ToString(CultureInfo.InvariantCulture);

    private static ParamType ResultType(TaskResult result) => result.Type;
}
