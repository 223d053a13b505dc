using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Model.Binding;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Model.Runs;

/// <summary>A Tekton <c>TaskRun</c>: one execution of a Task.</summary>
public sealed record TaskRun : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "tekton.dev/v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "TaskRun";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>What to run.</summary>
    public TaskRunSpec Spec { get; init; } = new();

    /// <summary>How it went.</summary>
    public TaskRunStatus? Status { get; init; }
}

/// <summary>What a TaskRun runs, with which params and workspaces.</summary>
public sealed record TaskRunSpec
{
    /// <summary>Breakpoints (kept as given).</summary>
    public JsonNode? Debug { get; init; }

    /// <summary>Param values.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];

    /// <summary>The service account whose Secrets provide credentials.</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>The Task, by name.</summary>
    public TaskReference? TaskRef { get; init; }

    /// <summary>The Task, inline.</summary>
    public TaskSpec? TaskSpec { get; init; }

    /// <summary><c>TaskRunCancelled</c> to cancel, <c>TaskRunPending</c> to hold.</summary>
    [Field("status")]
    public string? RunStatus { get; init; }

    /// <summary>Why the status was set.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Retries (set by a PipelineRun).</summary>
    public int? Retries { get; init; }

    /// <summary>How long the TaskRun may take; 60 minutes by default, 0 for no limit.</summary>
    public Duration? Timeout { get; init; }

    /// <summary>Pod settings: env, security context, volumes, host network.</summary>
    public PodTemplate? PodTemplate { get; init; }

    /// <summary>What backs each workspace.</summary>
    public ImmutableArray<WorkspaceBinding> Workspaces { get; init; } = [];

    /// <summary>Per-step overrides of compute resources.</summary>
    public ImmutableArray<TaskRunStepSpec> StepSpecs { get; init; } = [];

    /// <summary>Per-sidecar overrides of compute resources.</summary>
    public ImmutableArray<TaskRunSidecarSpec> SidecarSpecs { get; init; } = [];

    /// <summary>Compute resources for the whole TaskRun.</summary>
    public ResourceRequirements? ComputeResources { get; init; }

    /// <summary>The controller that manages the run (kept as given).</summary>
    public string? ManagedBy { get; init; }
}

/// <summary>Compute resources of one step.</summary>
public sealed record TaskRunStepSpec
{
    /// <summary>The step's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The resources.</summary>
    public ResourceRequirements? ComputeResources { get; init; }
}

/// <summary>Compute resources of one sidecar.</summary>
public sealed record TaskRunSidecarSpec
{
    /// <summary>The sidecar's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The resources.</summary>
    public ResourceRequirements? ComputeResources { get; init; }
}

/// <summary>Pod-level settings. Sluice applies env, security context, volumes and host networking; the rest is kept as given.</summary>
public sealed record PodTemplate
{
    /// <summary>Environment variables added to every step and sidecar.</summary>
    public ImmutableArray<EnvVar> Env { get; init; } = [];

    /// <summary>The pod security context: the default user and group.</summary>
    public PodSecurityContext? SecurityContext { get; init; }

    /// <summary>Extra volumes.</summary>
    public ImmutableArray<Volume> Volumes { get; init; } = [];

    /// <summary>Run on the host network.</summary>
    public bool? HostNetwork { get; init; }

    /// <summary>Node selector (needs a cluster).</summary>
    public ImmutableSortedDictionary<string, string> NodeSelector { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Tolerations (kept as given).</summary>
    public JsonNode? Tolerations { get; init; }

    /// <summary>Affinity (needs a cluster).</summary>
    public JsonNode? Affinity { get; init; }

    /// <summary>Runtime class (kept as given).</summary>
    public string? RuntimeClassName { get; init; }

    /// <summary>Whether to mount the service account token (kept as given).</summary>
    public bool? AutomountServiceAccountToken { get; init; }

    /// <summary>DNS policy (kept as given).</summary>
    public string? DnsPolicy { get; init; }

    /// <summary>DNS config (kept as given).</summary>
    public JsonNode? DnsConfig { get; init; }

    /// <summary>Service links (kept as given).</summary>
    public bool? EnableServiceLinks { get; init; }

    /// <summary>Priority class (kept as given).</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>Scheduler (kept as given).</summary>
    public string? SchedulerName { get; init; }

    /// <summary>Image pull secrets.</summary>
    public ImmutableArray<LocalObjectReference> ImagePullSecrets { get; init; } = [];

    /// <summary>Extra /etc/hosts entries.</summary>
    public ImmutableArray<HostAlias> HostAliases { get; init; } = [];

    /// <summary>Topology spread (kept as given).</summary>
    public JsonNode? TopologySpreadConstraints { get; init; }

    /// <summary>User namespaces (kept as given).</summary>
    public bool? HostUsers { get; init; }
}

/// <summary>An extra /etc/hosts entry.</summary>
public sealed record HostAlias
{
    /// <summary>The address.</summary>
    [Field("ip")]
    public string? Ip { get; init; }

    /// <summary>The host names.</summary>
    public ImmutableArray<string> Hostnames { get; init; } = [];
}
