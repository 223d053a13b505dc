using System.Collections.Immutable;
using Sluice.Model.Runs;

namespace Sluice.Engine.Pipelines;

/// <summary>The PipelineRun's status: counts, condition, skipped tasks, children, results.</summary>
public sealed partial class PipelineRunRunner
{
    private PipelineRunStatus Snapshot(PipelineRun run, Plan plan, Control control)
    {
        var counts = Count(plan, control);
        var reason = control.Cancelled ? "Cancelled" : counts.Cancelled > 0 || (counts.Failed > 0 && control.FinallyStarted) ? "PipelineRunStopping" : "Running";
        if (control.TasksTimedOut && plan.Ordered.Any(s => s.IsFinally) && !plan.Ordered.Where(s => s.IsFinally).All(s => s.IsDone))
        {
            reason = "PipelineRunTimeoutRunningFinally";
        }

        return run.Status! with
        {
            Conditions = [new Condition
            {
                Status = "Unknown",
                Reason = reason,
                Message = $"Tasks Completed: {counts.Completed} (Failed: {counts.Failed}, Cancelled {counts.Cancelled}), Incomplete: {counts.Incomplete}, Skipped: {counts.Skipped}",
                LastTransitionTime = Now(),
            }],
            ChildReferences = Children(plan),
            SkippedTasks = Skipped(plan),
            FinallyStartTime = control.FinallyStarted ? run.Status!.FinallyStartTime ?? Now() : null,
        };
    }

    private PipelineRunStatus Final(PipelineRun run, Plan plan, Control control, TimeSpan pipelineTimeout, TimeSpan? tasksTimeout)
    {
        var stopping = IsStopping(plan);
        foreach (var state in plan.Ordered.Where(s => !s.Started && !s.IsDone))
        {
            var reason = control.PipelineTimedOut ? PipelineTimeoutSkip
                : !state.IsFinally && control.TasksTimedOut ? TasksTimeoutSkip
                : state.IsFinally && control.FinallyTimedOut ? FinallyTimeoutSkip
                : !state.IsFinally && stopping ? StoppingSkip
                : null;
            if (reason is not null && !control.Cancelled)
            {
                state.SkipReason = reason;
            }
        }

        var name = run.Metadata.Name ?? string.Empty;
        var status = run.Status! with
        {
            ChildReferences = Children(plan),
            SkippedTasks = Skipped(plan),
            FinallyStartTime = control.FinallyStarted ? run.Status!.FinallyStartTime ?? Now() : null,
        };
        Condition condition;
        if (control.Failure is { } failure)
        {
            condition = failure;
        }
        else if (control.PipelineTimedOut)
        {
            condition = Failed("PipelineRunTimeout", $"PipelineRun \"{name}\" failed to finish within \"{Model.Duration.From(pipelineTimeout)}\"");
        }
        else if (control.TasksTimedOut)
        {
            condition = Failed("PipelineRunTimeout", $"PipelineRun \"{name}\" failed due to tasks failed to finish within \"{Model.Duration.From(tasksTimeout ?? TimeSpan.Zero)}\"");
        }
        else
        {
            var counts = Count(plan, control);
            var ignored = plan.Ordered.Count(s => s.IsFailure && s.Original.OnError == "continue");
            var message = ignored > 0
                ? $"Tasks Completed: {counts.Completed} (Failed: {counts.Failed + ignored} (Ignored: {ignored}), Cancelled {counts.Cancelled}), Skipped: {counts.Skipped}"
                : $"Tasks Completed: {counts.Completed} (Failed: {counts.Failed}, Cancelled {counts.Cancelled}), Skipped: {counts.Skipped}";
            var failedValidation = plan.Ordered.Where(s => s.ValidationError is not null).ToList();
            if (failedValidation.Count > 0)
            {
                var errors = string.Join("; ", failedValidation.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => s.ValidationError));
                message += $", Failed Validation: {failedValidation.Count} ({(errors.Length > 1024 ? errors[..1024] + "..." : errors)})";
            }

            condition = failedValidation.Count > 0 ? Failed("PipelineValidationFailed", message)
                : counts.Failed > 0 || counts.SkippedDueToTimeout > 0 ? Failed("Failed", message)
                : control.Cancelled ? Failed("Cancelled", $"PipelineRun \"{name}\" was cancelled")
                : counts.Cancelled > 0 ? Failed("Cancelled", message)
                : new Condition { Status = "True", Reason = counts.Skipped > 0 ? "Completed" : "Succeeded", Message = message, LastTransitionTime = Now() };
        }

        var (results, invalid) = ResultResolution.PipelineResults(plan.Spec.Results, plan.States);
        if (invalid.Length > 0 && condition.Status != "False")
        {
            condition = Failed("CouldntGetPipelineResult", $"Failed to get PipelineResult from TaskRun Results for PipelineRun {name}: invalid pipelineresults [{string.Join(" ", invalid)}], the referenced results don't exist");
        }

        return status with { Conditions = [condition], Results = results };
    }

    private (int Completed, int Failed, int Cancelled, int Skipped, int SkippedDueToTimeout, int Incomplete) Count(Plan plan, Control control)
    {
        int succeeded = 0, failed = 0, cancelled = 0, skipped = 0, timedOutSkips = 0, incomplete = 0, ignored = 0;
        foreach (var state in plan.Ordered)
        {
            if (state.IsSuccessful)
            {
                succeeded++;
            }
            else if (state.IsCancelledForTimeout)
            {
                failed++;
            }
            else if (state.IsCancelled)
            {
                cancelled++;
            }
            else if (state.IsFailure)
            {
                if (state.Original.OnError == "continue")
                {
                    ignored++;
                }
                else
                {
                    failed++;
                }
            }
            else if (state.ValidationError is not null)
            {
                continue;
            }
            else if (state.SkipReason is PipelineTimeoutSkip or TasksTimeoutSkip or FinallyTimeoutSkip)
            {
                skipped++;
                timedOutSkips++;
            }
            else if (state.IsSkipped)
            {
                skipped++;
            }
            else
            {
                incomplete++;
            }
        }

        _ = control;
        return (succeeded + failed + cancelled + ignored, failed, cancelled, skipped, timedOutSkips, incomplete);
    }

    private static ImmutableArray<ChildStatusReference> Children(Plan plan)
    {
        var children = ImmutableArray.CreateBuilder<ChildStatusReference>();
        foreach (var state in plan.Ordered)
        {
            children.AddRange(state.ChildReferences);
        }

        return children.ToImmutable();
    }

    private static ImmutableArray<SkippedTask> Skipped(Plan plan) =>
        [.. plan.Ordered.Where(s => s.IsSkipped).Select(s => new SkippedTask
        {
            Name = s.Name,
            Reason = s.SkipReason!,
            WhenExpressions = s.SkipReason == WhenSkip || !s.IsFinally ? s.Task.When : [],
        })];
}
