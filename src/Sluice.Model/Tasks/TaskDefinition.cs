using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;

namespace Sluice.Model.Tasks;

/// <summary>A Tekton <c>Task</c>: steps run in order in one sandbox.</summary>
public sealed record TaskDefinition : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "tekton.dev/v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "Task";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The Task's specification.</summary>
    public TaskSpec Spec { get; init; } = new();
}

/// <summary>What a Task does: params, steps, sidecars, workspaces, results.</summary>
public sealed record TaskSpec
{
    /// <summary>Params the Task takes.</summary>
    public ImmutableArray<ParamSpec> Params { get; init; } = [];

    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The steps, run in order.</summary>
    [Binding.AlwaysWrite]
    public ImmutableArray<Step> Steps { get; init; } = [];

    /// <summary>Volumes the steps and sidecars may mount.</summary>
    public ImmutableArray<Volume> Volumes { get; init; } = [];

    /// <summary>Defaults for every step.</summary>
    public StepTemplate? StepTemplate { get; init; }

    /// <summary>Containers running beside the steps.</summary>
    public ImmutableArray<Sidecar> Sidecars { get; init; } = [];

    /// <summary>Workspaces the Task needs.</summary>
    public ImmutableArray<WorkspaceDeclaration> Workspaces { get; init; } = [];

    /// <summary>Results the Task writes.</summary>
    public ImmutableArray<TaskResult> Results { get; init; } = [];
}

/// <summary>A Tekton <c>StepAction</c>: a reusable step.</summary>
public sealed record StepActionDefinition : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "tekton.dev/v1beta1";

    /// <inheritdoc />
    public string Kind { get; init; } = "StepAction";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The StepAction's specification.</summary>
    public StepActionSpec Spec { get; init; } = new();
}

/// <summary>What a StepAction runs.</summary>
public sealed record StepActionSpec
{
    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The image.</summary>
    public string? Image { get; init; }

    /// <summary>The entrypoint.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Environment variables.</summary>
    public ImmutableArray<EnvVar> Env { get; init; } = [];

    /// <summary>A script.</summary>
    public string? Script { get; init; }

    /// <summary>The working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Params the StepAction takes.</summary>
    public ImmutableArray<ParamSpec> Params { get; init; } = [];

    /// <summary>Results the StepAction writes.</summary>
    public ImmutableArray<TaskResult> Results { get; init; } = [];

    /// <summary>User, group and privileges.</summary>
    public SecurityContext? SecurityContext { get; init; }

    /// <summary>Volume mounts.</summary>
    public ImmutableArray<VolumeMount> VolumeMounts { get; init; } = [];
}
