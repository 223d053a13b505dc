using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Model.Runs;

/// <summary>The <c>Succeeded</c> condition of a run (Knative's duck type).</summary>
public sealed record Condition
{
    /// <summary>Always <c>Succeeded</c>.</summary>
    public string Type { get; init; } = "Succeeded";

    /// <summary><c>Unknown</c> while running, then <c>True</c> or <c>False</c>.</summary>
    public string Status { get; init; } = "Unknown";

    /// <summary>Tekton's reason, such as <c>Succeeded</c>, <c>Failed</c> or <c>PipelineRunTimeout</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A sentence for people.</summary>
    public string? Message { get; init; }

    /// <summary>When the condition last changed, RFC 3339.</summary>
    public string? LastTransitionTime { get; init; }

    /// <summary>Severity (unused; kept for Tekton's schema).</summary>
    public string? Severity { get; init; }
}

/// <summary>A container's state, as Kubernetes reports it.</summary>
public sealed record ContainerTerminated
{
    /// <summary>The exit code.</summary>
    public int ExitCode { get; init; }

    /// <summary>Signal, if killed by one.</summary>
    public int? Signal { get; init; }

    /// <summary><c>Completed</c>, <c>Error</c>, <c>TaskRunCancelled</c>...</summary>
    public string? Reason { get; init; }

    /// <summary>A message.</summary>
    public string? Message { get; init; }

    /// <summary>When it started.</summary>
    public string? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public string? FinishedAt { get; init; }

    /// <summary>The container id.</summary>
    public string? ContainerID { get; init; }
}

/// <summary>A running container.</summary>
public sealed record ContainerRunning
{
    /// <summary>When it started.</summary>
    public string? StartedAt { get; init; }
}

/// <summary>A waiting container.</summary>
public sealed record ContainerWaiting
{
    /// <summary>Why it waits.</summary>
    public string? Reason { get; init; }

    /// <summary>A message.</summary>
    public string? Message { get; init; }
}

/// <summary>The state of one step of a TaskRun.</summary>
public sealed record StepState
{
    /// <summary>The step's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The container's name, <c>step-&lt;name&gt;</c>.</summary>
    public string? Container { get; init; }

    /// <summary>The image id the step ran.</summary>
    public string? ImageID { get; init; }

    /// <summary>Set once the step has ended.</summary>
    public ContainerTerminated? Terminated { get; init; }

    /// <summary>Set while the step runs.</summary>
    public ContainerRunning? Running { get; init; }

    /// <summary>Set while the step waits.</summary>
    public ContainerWaiting? Waiting { get; init; }

    /// <summary>Step results.</summary>
    public ImmutableArray<RunResult> Results { get; init; } = [];

    /// <summary><c>Completed</c>, <c>Error</c>, <c>Skipped</c>, <c>TimeoutExceeded</c>, <c>TaskRunCancelled</c>.</summary>
    public string? TerminationReason { get; init; }

    /// <summary>The input artifacts the step wrote to its provenance file (Tekton's <c>Artifact</c> list, kept as given).</summary>
    public JsonNode? Inputs { get; init; }

    /// <summary>The output artifacts the step wrote to its provenance file (Tekton's <c>Artifact</c> list, kept as given).</summary>
    public JsonNode? Outputs { get; init; }
}

/// <summary>The state of one sidecar of a TaskRun.</summary>
public sealed record SidecarState
{
    /// <summary>The sidecar's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The container's name, <c>sidecar-&lt;name&gt;</c>.</summary>
    public string? Container { get; init; }

    /// <summary>The image id.</summary>
    public string? ImageID { get; init; }

    /// <summary>Set once it has ended.</summary>
    public ContainerTerminated? Terminated { get; init; }

    /// <summary>Set while it runs.</summary>
    public ContainerRunning? Running { get; init; }

    /// <summary>Set while it waits.</summary>
    public ContainerWaiting? Waiting { get; init; }
}

/// <summary>How a TaskRun went.</summary>
public sealed record TaskRunStatus
{
    /// <summary>The <c>Succeeded</c> condition.</summary>
    public ImmutableArray<Condition> Conditions { get; init; } = [];

    /// <summary>The generation observed.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Sluice's extras: cache hit, source run, owner.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The sandbox that ran the steps (Tekton's pod).</summary>
    public string? PodName { get; init; }

    /// <summary>When it started.</summary>
    public string? StartTime { get; init; }

    /// <summary>When it ended.</summary>
    public string? CompletionTime { get; init; }

    /// <summary>One entry per step.</summary>
    public ImmutableArray<StepState> Steps { get; init; } = [];

    /// <summary>Earlier attempts.</summary>
    public ImmutableArray<TaskRunStatus> RetriesStatus { get; init; } = [];

    /// <summary>Results.</summary>
    public ImmutableArray<RunResult> Results { get; init; } = [];

    /// <summary>Artifacts (kept as given).</summary>
    public JsonNode? Artifacts { get; init; }

    /// <summary>One entry per sidecar.</summary>
    public ImmutableArray<SidecarState> Sidecars { get; init; } = [];

    /// <summary>The Task as run.</summary>
    public TaskSpec? TaskSpec { get; init; }

    /// <summary>Provenance (kept as given).</summary>
    public JsonNode? Provenance { get; init; }

    /// <summary>Tracing context (kept as given).</summary>
    public JsonNode? SpanContext { get; init; }
}

/// <summary>A child run of a PipelineRun.</summary>
public sealed record ChildStatusReference
{
    /// <summary>Always <c>tekton.dev/v1</c> for TaskRuns.</summary>
    public string? ApiVersion { get; init; }

    /// <summary><c>TaskRun</c>, <c>PipelineRun</c> or <c>CustomRun</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The child's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The pipeline task it runs.</summary>
    public string PipelineTaskName { get; init; } = string.Empty;

    /// <summary>The guards that held.</summary>
    public ImmutableArray<WhenExpression> WhenExpressions { get; init; } = [];
}

/// <summary>A pipeline task that did not run.</summary>
public sealed record SkippedTask
{
    /// <summary>The pipeline task.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Tekton's skip reason, such as <c>When Expressions evaluated to false</c>.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The guards that did not hold.</summary>
    public ImmutableArray<WhenExpression> WhenExpressions { get; init; } = [];
}

/// <summary>How a PipelineRun went.</summary>
public sealed record PipelineRunStatus
{
    /// <summary>The <c>Succeeded</c> condition.</summary>
    public ImmutableArray<Condition> Conditions { get; init; } = [];

    /// <summary>The generation observed.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Sluice's extras.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>When it started.</summary>
    public string? StartTime { get; init; }

    /// <summary>When it ended.</summary>
    public string? CompletionTime { get; init; }

    /// <summary>The child runs.</summary>
    public ImmutableArray<ChildStatusReference> ChildReferences { get; init; } = [];

    /// <summary>Pipeline results.</summary>
    public ImmutableArray<RunResult> Results { get; init; } = [];

    /// <summary>The Pipeline as run.</summary>
    public PipelineSpec? PipelineSpec { get; init; }

    /// <summary>Tasks that did not run, with why.</summary>
    public ImmutableArray<SkippedTask> SkippedTasks { get; init; } = [];

    /// <summary>When the finally tasks started.</summary>
    public string? FinallyStartTime { get; init; }

    /// <summary>Provenance (kept as given).</summary>
    public JsonNode? Provenance { get; init; }

    /// <summary>Tracing context (kept as given).</summary>
    public JsonNode? SpanContext { get; init; }
}
