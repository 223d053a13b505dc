using System.Collections.Immutable;
using Sluice.Engine.Runs;
using Sluice.Engine.Tasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// Runs a PipelineRun as Tekton's reconciler does: resolves and checks the Pipeline, substitutes,
/// schedules the DAG (when, skips, stopping after a failure, timeouts, cancellation), runs finally
/// tasks, and computes the condition, skipped tasks, child references and pipeline results.
/// </summary>
public sealed partial class PipelineRunRunner
{
    private const string CancelledByPipeline = "TaskRun cancelled as the PipelineRun it belongs to has been cancelled.";
    private const string CancelledByTimeout = "TaskRun cancelled as the PipelineRun it belongs to has timed out.";

    private readonly TaskRunRunner _taskRuns;
    private readonly ITaskResolver _resolver;
    private readonly IRunObserver _observer;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;
    private readonly IRunNames _names;
    private readonly SemaphoreSlim _slots;

    /// <summary>Makes a runner; <paramref name="slots"/> bounds how many TaskRuns run at once.</summary>
    public PipelineRunRunner(TaskRunRunner taskRuns, ITaskResolver resolver, IRunObserver observer, TimeProvider time, EngineOptions options, IRunNames names, SemaphoreSlim slots)
    {
        _taskRuns = taskRuns;
        _resolver = resolver;
        _observer = observer;
        _time = time;
        _options = options;
        _names = names;
        _slots = slots;
    }

    /// <summary>Runs the PipelineRun to completion; returns it with its final status. Never throws for run failures.</summary>
    public async Task<PipelineRun> RunAsync(PipelineRunInvocation invocation, CancellationToken cancellationToken)
    {
        var run = invocation.PipelineRun;
        var status = new PipelineRunStatus
        {
            StartTime = Now(),
            Conditions = [new Condition { Status = "Unknown", Reason = "Started", LastTransitionTime = Now() }],
        };
        run = run with { Status = status };
        await EmitAsync(run, cancellationToken).ConfigureAwait(false);

        Plan plan;
        try
        {
            plan = Prepare(run, _resolver, _options);
        }
        catch (PipelineRunFailure failure)
        {
            return await FinishAsync(run with { Status = status with { Conditions = [Failed(failure.Reason, failure.Message)] } }).ConfigureAwait(false);
        }

        status = status with
        {
            PipelineSpec = plan.Spec,
            Conditions = [new Condition { Status = "Unknown", Reason = "Running", Message = $"Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: {plan.States.Count}, Skipped: 0", LastTransitionTime = Now() }],
        };
        run = run with { Status = status };
        await EmitAsync(run, cancellationToken).ConfigureAwait(false);
        var outcome = await ScheduleAsync(run, plan, invocation, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(outcome).ConfigureAwait(false);
    }

    private async Task<PipelineRun> FinishAsync(PipelineRun run)
    {
        var finished = run with { Status = run.Status! with { CompletionTime = Now() } };
        await EmitAsync(finished, CancellationToken.None).ConfigureAwait(false);
        return finished;
    }

    private ValueTask EmitAsync(PipelineRun run, CancellationToken cancellationToken) =>
        _observer.OnEventAsync(new PipelineRunUpdated(_time.GetUtcNow(), run), cancellationToken);

    private string Now() => Timestamps.Format(_time.GetUtcNow());

    private Condition Failed(string reason, string message) =>
        new() { Status = "False", Reason = reason, Message = message, LastTransitionTime = Now() };

    /// <summary>The resolved, substituted pipeline and the state of each of its tasks.</summary>
    internal sealed record Plan(string PipelineName, PipelineSpec Spec, Dictionary<string, PipelineTaskState> States, ImmutableArray<PipelineTaskState> Ordered)
    {
        /// <summary>The labels of every DAG task's TaskRuns, before the task's own.</summary>
        public required ImmutableSortedDictionary<string, string> TaskLabels { get; init; }

        /// <summary>The labels of every finally task's TaskRuns, before the task's own.</summary>
        public required ImmutableSortedDictionary<string, string> FinallyLabels { get; init; }

        /// <summary>The claim name of a workspace bound with a volumeClaimTemplate: one claim per PipelineRun.</summary>
        public required Func<WorkspaceBinding, string> ClaimName { get; init; }
    }
}
