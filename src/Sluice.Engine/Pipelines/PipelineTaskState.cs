using System.Collections.Immutable;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;
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
        References = MentionsVariables(task) ? [.. task.ResultReferences()] : [];
    }

    /// <summary>The task as the input wrote it, before any substitution: what error locations point at.</summary>
    public PipelineTask Written { get; }

    /// <summary>The task as written after pipeline-level substitution.</summary>
    public PipelineTask Original { get; }

    /// <summary>The task with results applied so far.</summary>
    public PipelineTask Task { get; set; }

    public string Name => Original.Name;

    public bool IsFinally { get; }

    /// <summary>The result references <see cref="Original"/> makes, found once rather than on every decision.</summary>
    public ImmutableArray<ResultReference> References { get; }

    /// <summary>The DAG tasks this one waits for (none for finally tasks).</summary>
    public ImmutableArray<PipelineTaskState> Parents { get; set; } = [];

    /// <summary>The DAG tasks that wait for this one.</summary>
    public ImmutableArray<PipelineTaskState> Dependents { get; set; } = [];

    /// <summary>How many parents are not done yet; the scheduler counts it down.</summary>
    public int Waiting { get; set; }

    /// <summary>The TaskRunSpecs entry of the PipelineRun for this task, if any.</summary>
    public PipelineTaskRunSpec? RunSpec { get; set; }

    /// <summary>The resolved Task spec (for taskRef tasks, the referenced Task's spec).</summary>
    public TaskSpec? Spec { get; set; }

    /// <summary>The referenced Task's name, or null for inline specs.</summary>
    public string? TaskName { get; set; }

    /// <summary>Whether this task runs a child pipeline.</summary>
    public bool IsChildPipeline => Original.PipelineRef is not null || Original.PipelineSpec is not null;

    /// <summary>The TaskRuns started (several for a matrix), in combination order.</summary>
    public List<TaskRun> TaskRuns { get; } = [];

    /// <summary>The status references of <see cref="TaskRuns"/> and <see cref="ChildPipelineRuns"/>, made once when each starts.</summary>
    public List<ChildStatusReference> ChildReferences { get; } = [];

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
    public bool IsSuccessful => Started && Running == 0 && ChildCount > 0 && !AnyChild(static c => c?.Status != "True");

    /// <summary>Done and some TaskRun failed for a reason other than cancellation.</summary>
    public bool IsFailure => Started && Running == 0 && AnyChild(static c => c?.Status == "False") && !IsCancelled && !IsCancelledForTimeout;

    /// <summary>A TaskRun was cancelled (by the PipelineRun's cancellation).</summary>
    public bool IsCancelled => Started && Running == 0 && AnyChild(static c => c?.Reason is "TaskRunCancelled" or "Cancelled" && !TimedOutMessage(c));

    /// <summary>A TaskRun was cancelled because the PipelineRun timed out; Tekton counts it as a failure.</summary>
    public bool IsCancelledForTimeout => Started && Running == 0 && AnyChild(static c => c?.Reason is "TaskRunCancelled" or "Cancelled" && TimedOutMessage(c));

    /// <summary>Any TaskRun failed (what <c>$(tasks.t.status)</c> calls Failed).</summary>
    public bool HaveAnyRunsFailed => AnyChild(static c => c?.Status == "False");

    /// <summary>What <c>$(tasks.t.status)</c> gives.</summary>
    public string ExecutionStatus => IsSuccessful ? "Succeeded" : HaveAnyRunsFailed ? "Failed" : "None";

    /// <summary>What <c>$(tasks.t.reason)</c> gives: the first TaskRun's reason that is not Succeeded, else Succeeded.</summary>
    public string ExecutionReason =>
        Children.Select(c => c?.Reason).FirstOrDefault(r => r is not null && r != "Succeeded") ?? Children.Select(c => c?.Reason).FirstOrDefault() ?? string.Empty;

    /// <summary>The Succeeded condition of every child run.</summary>
    public IEnumerable<Condition?> Children =>
        TaskRuns.Select(r => Succeeded(r.Status)).Concat(ChildPipelineRuns.Select(r => Succeeded(r.Status)));

    /// <summary>The results of the (single) TaskRun, or of all TaskRuns of a matrix.</summary>
    public ImmutableArray<RunResult> Results => TaskRuns.Count == 0 ? [] : TaskRuns[0].Status?.Results ?? [];

    /// <summary>Whether any text where a result reference can stand (params, matrix, when, an inline spec) holds a variable.</summary>
    public static bool MentionsVariables(PipelineTask task) =>
        VariableScan.Mentions(task.Params) || VariableScan.Mentions(task.When) ||
        (task.Matrix is { } matrix && (VariableScan.Mentions(matrix.Params) || matrix.Include.Any(i => VariableScan.Mentions(i.Params)))) ||
        (task.TaskSpec?.Task is { } spec && VariableScan.Mentions(spec));

    private int ChildCount => TaskRuns.Count + ChildPipelineRuns.Count;

    // The predicates above run for every task on every status snapshot: loops, not LINQ, keep them free of allocations.
    private bool AnyChild(Func<Condition?, bool> predicate)
    {
        foreach (var run in TaskRuns)
        {
            if (predicate(Succeeded(run.Status)))
            {
                return true;
            }
        }

        foreach (var run in ChildPipelineRuns)
        {
            if (predicate(Succeeded(run.Status)))
            {
                return true;
            }
        }

        return false;
    }

    private static Condition? Succeeded(TaskRunStatus? status) => status is { Conditions: { IsDefaultOrEmpty: false } conditions } ? conditions[0] : null;

    private static Condition? Succeeded(PipelineRunStatus? status) => status is { Conditions: { IsDefaultOrEmpty: false } conditions } ? conditions[0] : null;

    private static bool TimedOutMessage(Condition? condition) =>
        condition?.Message?.Contains("has timed out", StringComparison.Ordinal) == true;
}
