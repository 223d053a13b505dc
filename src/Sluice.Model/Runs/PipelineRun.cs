using System.Collections.Immutable;
using Sluice.Model.Binding;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Model.Runs;

/// <summary>A Tekton <c>PipelineRun</c>: one execution of a Pipeline.</summary>
public sealed record PipelineRun : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "tekton.dev/v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "PipelineRun";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>What to run.</summary>
    public PipelineRunSpec Spec { get; init; } = new();

    /// <summary>How it went.</summary>
    public PipelineRunStatus? Status { get; init; }
}

/// <summary>What a PipelineRun runs, with which params and workspaces.</summary>
public sealed record PipelineRunSpec
{
    /// <summary>The Pipeline, by name.</summary>
    public PipelineReference? PipelineRef { get; init; }

    /// <summary>The Pipeline, inline.</summary>
    public PipelineSpec? PipelineSpec { get; init; }

    /// <summary>Param values.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];

    /// <summary><c>Cancelled</c>, <c>CancelledRunFinally</c>, <c>StoppedRunFinally</c> or <c>PipelineRunPending</c>.</summary>
    [Field("status")]
    public string? RunStatus { get; init; }

    /// <summary>Time limits for the whole run, its tasks and its finally tasks.</summary>
    public TimeoutFields? Timeouts { get; init; }

    /// <summary>Settings for every TaskRun.</summary>
    public PipelineTaskRunTemplate? TaskRunTemplate { get; init; }

    /// <summary>What backs each workspace.</summary>
    public ImmutableArray<WorkspaceBinding> Workspaces { get; init; } = [];

    /// <summary>Settings for the TaskRuns of particular tasks.</summary>
    public ImmutableArray<PipelineTaskRunSpec> TaskRunSpecs { get; init; } = [];

    /// <summary>The controller that manages the run (kept as given).</summary>
    public string? ManagedBy { get; init; }
}

/// <summary>Time limits of a PipelineRun.</summary>
public sealed record TimeoutFields
{
    /// <summary>The whole run; 60 minutes by default, 0 for no limit.</summary>
    public Duration? Pipeline { get; init; }

    /// <summary>The tasks (not finally).</summary>
    public Duration? Tasks { get; init; }

    /// <summary>The finally tasks.</summary>
    public Duration? Finally { get; init; }
}

/// <summary>Settings for every TaskRun of a PipelineRun.</summary>
public sealed record PipelineTaskRunTemplate
{
    /// <summary>Pod settings.</summary>
    public PodTemplate? PodTemplate { get; init; }

    /// <summary>The service account.</summary>
    public string? ServiceAccountName { get; init; }
}

/// <summary>Settings for the TaskRun of one pipeline task.</summary>
public sealed record PipelineTaskRunSpec
{
    /// <summary>The pipeline task.</summary>
    public string PipelineTaskName { get; init; } = string.Empty;

    /// <summary>The service account.</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>Pod settings.</summary>
    public PodTemplate? PodTemplate { get; init; }

    /// <summary>Per-step compute resources.</summary>
    public ImmutableArray<TaskRunStepSpec> StepSpecs { get; init; } = [];

    /// <summary>Per-sidecar compute resources.</summary>
    public ImmutableArray<TaskRunSidecarSpec> SidecarSpecs { get; init; } = [];

    /// <summary>Labels and annotations for the TaskRun.</summary>
    public PipelineTaskMetadata? Metadata { get; init; }

    /// <summary>Compute resources.</summary>
    public ResourceRequirements? ComputeResources { get; init; }

    /// <summary>A timeout for the TaskRun.</summary>
    public Duration? Timeout { get; init; }
}
