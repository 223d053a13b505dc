using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;

namespace Sluice.Model.Tasks;

/// <summary>A step of a Task: one container run to completion.</summary>
public sealed record Step
{
    /// <summary>The step's name; unnamed steps are called <c>unnamed-N</c>.</summary>
    public string? Name { get; init; }

    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The image to run.</summary>
    public string? Image { get; init; }

    /// <summary>The entrypoint; the image's ENTRYPOINT when empty.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>The working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Variables imported from ConfigMaps and Secrets.</summary>
    public ImmutableArray<EnvFromSource> EnvFrom { get; init; } = [];

    /// <summary>Environment variables.</summary>
    public ImmutableArray<EnvVar> Env { get; init; } = [];

    /// <summary>CPU and memory limits.</summary>
    public ResourceRequirements? ComputeResources { get; init; }

    /// <summary>Volume mounts.</summary>
    public ImmutableArray<VolumeMount> VolumeMounts { get; init; } = [];

    /// <summary>Block devices (kept as given).</summary>
    public ImmutableArray<VolumeDevice> VolumeDevices { get; init; } = [];

    /// <summary><c>Always</c>, <c>IfNotPresent</c> or <c>Never</c>.</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>User, group and privileges.</summary>
    public SecurityContext? SecurityContext { get; init; }

    /// <summary>A script to run instead of command and args.</summary>
    public string? Script { get; init; }

    /// <summary>How long the step may run.</summary>
    public Duration? Timeout { get; init; }

    /// <summary>Workspaces mounted at a step-specific path.</summary>
    public ImmutableArray<WorkspaceUsage> Workspaces { get; init; } = [];

    /// <summary><c>continue</c> or <c>stopAndFail</c> (the default).</summary>
    public string? OnError { get; init; }

    /// <summary>Where to copy the step's stdout.</summary>
    public StepOutputConfig? StdoutConfig { get; init; }

    /// <summary>Where to copy the step's stderr.</summary>
    public StepOutputConfig? StderrConfig { get; init; }

    /// <summary>A StepAction this step runs.</summary>
    public StepReference? Ref { get; init; }

    /// <summary>Params for the referenced StepAction.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];

    /// <summary>Results this step writes.</summary>
    public ImmutableArray<TaskResult> Results { get; init; } = [];

    /// <summary>Conditions under which the step runs.</summary>
    public ImmutableArray<WhenExpression> When { get; init; } = [];
}

/// <summary>Where a step's output stream is copied.</summary>
public sealed record StepOutputConfig
{
    /// <summary>The file path.</summary>
    public string? Path { get; init; }
}

/// <summary>A reference to a StepAction.</summary>
public sealed record StepReference
{
    /// <summary>The StepAction's name.</summary>
    public string? Name { get; init; }

    /// <summary>A remote resolver (needs a cluster).</summary>
    public string? Resolver { get; init; }

    /// <summary>Resolver params.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];
}

/// <summary>Defaults merged into every step of a Task.</summary>
public sealed record StepTemplate
{
    /// <summary>The image.</summary>
    public string? Image { get; init; }

    /// <summary>The entrypoint.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>The working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Variables imported from ConfigMaps and Secrets.</summary>
    public ImmutableArray<EnvFromSource> EnvFrom { get; init; } = [];

    /// <summary>Environment variables.</summary>
    public ImmutableArray<EnvVar> Env { get; init; } = [];

    /// <summary>CPU and memory limits.</summary>
    public ResourceRequirements? ComputeResources { get; init; }

    /// <summary>Volume mounts.</summary>
    public ImmutableArray<VolumeMount> VolumeMounts { get; init; } = [];

    /// <summary>Block devices (kept as given).</summary>
    public ImmutableArray<VolumeDevice> VolumeDevices { get; init; } = [];

    /// <summary>The pull policy.</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>User, group and privileges.</summary>
    public SecurityContext? SecurityContext { get; init; }
}

/// <summary>A container that runs beside the steps for the whole TaskRun.</summary>
public sealed record Sidecar
{
    /// <summary>The sidecar's name.</summary>
    public string? Name { get; init; }

    /// <summary>The image.</summary>
    public string? Image { get; init; }

    /// <summary>The entrypoint.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>The working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Ports (informational: sidecars share the steps' localhost).</summary>
    public ImmutableArray<ContainerPort> Ports { get; init; } = [];

    /// <summary>Variables imported from ConfigMaps and Secrets.</summary>
    public ImmutableArray<EnvFromSource> EnvFrom { get; init; } = [];

    /// <summary>Environment variables.</summary>
    public ImmutableArray<EnvVar> Env { get; init; } = [];

    /// <summary>CPU and memory limits.</summary>
    public ResourceRequirements? ComputeResources { get; init; }

    /// <summary>Volume mounts.</summary>
    public ImmutableArray<VolumeMount> VolumeMounts { get; init; } = [];

    /// <summary>Block devices (kept as given).</summary>
    public ImmutableArray<VolumeDevice> VolumeDevices { get; init; } = [];

    /// <summary>A liveness probe (kept as given).</summary>
    public Probe? LivenessProbe { get; init; }

    /// <summary>The probe that gates the first step.</summary>
    public Probe? ReadinessProbe { get; init; }

    /// <summary>A startup probe, checked before the readiness probe.</summary>
    public Probe? StartupProbe { get; init; }

    /// <summary>Lifecycle hooks (kept as given).</summary>
    public System.Text.Json.Nodes.JsonNode? Lifecycle { get; init; }

    /// <summary>Termination message path (kept as given).</summary>
    public string? TerminationMessagePath { get; init; }

    /// <summary>Termination message policy (kept as given).</summary>
    public string? TerminationMessagePolicy { get; init; }

    /// <summary>The pull policy.</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>User, group and privileges.</summary>
    public SecurityContext? SecurityContext { get; init; }

    /// <summary>Keep stdin open (kept as given).</summary>
    public bool? Stdin { get; init; }

    /// <summary>Close stdin after the first attach (kept as given).</summary>
    public bool? StdinOnce { get; init; }

    /// <summary>Allocate a TTY (kept as given).</summary>
    public bool? Tty { get; init; }

    /// <summary>A script to run instead of command and args.</summary>
    public string? Script { get; init; }

    /// <summary>Workspaces mounted at a sidecar-specific path.</summary>
    public ImmutableArray<WorkspaceUsage> Workspaces { get; init; } = [];

    /// <summary>Restart policy (kept as given).</summary>
    public string? RestartPolicy { get; init; }
}
