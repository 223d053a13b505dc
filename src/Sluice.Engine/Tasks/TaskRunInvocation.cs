using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>One TaskRun to run, and where it sits.</summary>
public sealed record TaskRunInvocation
{
    /// <summary>The TaskRun, named, with uid and namespace set.</summary>
    public required TaskRun TaskRun { get; init; }

    /// <summary>The uid of the top-level run; every container and directory is labelled with it.</summary>
    public required string RunUid { get; init; }

    /// <summary>The pipeline task this TaskRun runs, or null for a TaskRun run alone.</summary>
    public string? PipelineTask { get; init; }

    /// <summary>The pipeline task's <c>onError: continue</c>: a failure is reported as <c>FailureIgnored</c>.</summary>
    public bool IgnoreFailure { get; init; }

    /// <summary>The Task spec when the caller resolved it already (a PipelineRun resolves before creating TaskRuns).</summary>
    public TaskSpec? ResolvedSpec { get; init; }

    /// <summary>What <c>$(context.task.name)</c> gives; the Task's name, or the TaskRun's for inline specs.</summary>
    public string? TaskName { get; init; }

    /// <summary>The claim name for a workspace bound with a volumeClaimTemplate; defaults to one per TaskRun.</summary>
    public Func<WorkspaceBinding, string>? ClaimName { get; init; }

    /// <summary>Why the run may be stopped from outside, read when the cancellation token fires.</summary>
    public StopSignal? Stop { get; init; }
}

/// <summary>
/// Why a run was stopped from outside: set before the token that stops it fires, so the TaskRun can
/// report Tekton's reason and message (cancelled by the user, or by its PipelineRun's timeout).
/// </summary>
public sealed class StopSignal
{
    private volatile string? _message;
    private volatile bool _timedOut;

    /// <summary>The message Tekton appends to the TaskRun's cancellation message, if any.</summary>
    public string? Message => _message;

    /// <summary>Whether the stop came from a PipelineRun timeout.</summary>
    public bool TimedOut => _timedOut;

    /// <summary>Records why the run is being stopped.</summary>
    public void Set(string message, bool timedOut)
    {
        _message = message;
        _timedOut = timedOut;
    }
}
