using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Pipelines;

/// <summary>Where one pipeline task (or finally task) is in a PipelineRun, with Tekton's predicates over it.</summary>
internal sealed class PipelineTaskState
{
    public PipelineTaskState(PipelineTask task, bool isFinally, PipelineTask? written = null)
    {
        Task = task;
        Original = task;
        Written = written ?? task;
        IsFinally = isFinally;
    }

    /// <summary>The task as the input wrote it, before any substitution: what error locations point at.</summary>
    public PipelineTask Written { get; }

    /// <summary>The task as written after pipeline-level substitution.</summary>
    public PipelineTask Original { get; }

    /// <summary>The task with results applied so far.</summary>
    public PipelineTask Task { get; set; }

    public string Name => Original.Name;

    public bool IsFinally { get; }

    /// <summary>The resolved Task spec (for taskRef tasks, the referenced Task's spec).</summary>
    public TaskSpec? Spec { get; set; }

    /// <summary>The referenced Task's name, or null for inline specs.</summary>
    public string? TaskName { get; set; }

    /// <summary>Whether this task runs a child pipeline.</summary>
    public bool IsChildPipeline => Original.PipelineRef is not null || Original.PipelineSpec is not null;

    /// <summary>The TaskRuns started (several for a matrix), in combination order.</summary>
    public List<TaskRun> TaskRuns { get; } = [];

    /// <summary>The child PipelineRuns started, for a pipeline task that runs a Pipeline.</summary>
    public List<PipelineRun> ChildPipelineRuns { get; } = [];

    /// <summary>How many TaskRuns are still running.</summary>
    public int Running { get; set; }

    /// <summary>Whether TaskRuns have been started.</summary>
    public bool Started { get; set; }

    /// <summary>Tekton's skip reason once decided.</summary>
    public string? SkipReason { get; set; }

    /// <summary>A result-reference validation error that stopped it from starting.</summary>
    public string? ValidationError { get; set; }

    public bool IsSkipped => SkipReason is not null;

    public bool IsDone => IsSkipped || ValidationError is not null || (Started && Running == 0);

    /// <summary>Every TaskRun succeeded.</summary>
    public bool IsSuccessful => Started && Running == 0 && Children.Any() && Children.All(c => c?.Status == "True");

    /// <summary>Done and some TaskRun failed for a reason other than cancellation.</summary>
    public bool IsFailure => Started && Running == 0 && Children.Any(c => c?.Status == "False") && !IsCancelled && !IsCancelledForTimeout;

    /// <summary>A TaskRun was cancelled (by the PipelineRun's cancellation).</summary>
    public bool IsCancelled => Started && Running == 0 && Children.Any(c => c?.Reason is "TaskRunCancelled" or "Cancelled" && !TimedOutMessage(c));

    /// <summary>A TaskRun was cancelled because the PipelineRun timed out; Tekton counts it as a failure.</summary>
    public bool IsCancelledForTimeout => Started && Running == 0 && Children.Any(c => c?.Reason is "TaskRunCancelled" or "Cancelled" && TimedOutMessage(c));

    /// <summary>Any TaskRun failed (what <c>$(tasks.t.status)</c> calls Failed).</summary>
    public bool HaveAnyRunsFailed => Children.Any(c => c?.Status == "False");

    /// <summary>What <c>$(tasks.t.status)</c> gives.</summary>
    public string ExecutionStatus => IsSuccessful ? "Succeeded" : HaveAnyRunsFailed ? "Failed" : "None";

    /// <summary>What <c>$(tasks.t.reason)</c> gives: the first TaskRun's reason that is not Succeeded, else Succeeded.</summary>
    public string ExecutionReason =>
        Children.Select(c => c?.Reason).FirstOrDefault(r => r is not null && r != "Succeeded") ?? Children.Select(c => c?.Reason).FirstOrDefault() ?? string.Empty;

    /// <summary>The Succeeded condition of every child run.</summary>
    public IEnumerable<Condition?> Children =>
        TaskRuns.Select(r => r.Status?.Conditions.FirstOrDefault()).Concat(ChildPipelineRuns.Select(r => r.Status?.Conditions.FirstOrDefault()));

    /// <summary>The results of the (single) TaskRun, or of all TaskRuns of a matrix.</summary>
    public ImmutableArray<RunResult> Results => TaskRuns.Count == 0 ? [] : TaskRuns[0].Status?.Results ?? [];

    private static bool TimedOutMessage(Condition? condition) =>
        condition?.Message?.Contains("has timed out", StringComparison.Ordinal) == true;
}
