using System.Collections.Immutable;
using Sluice.Model.Binding;
using Sluice.Model.Kubernetes;

namespace Sluice.Model.Pipelines;

/// <summary>A Tekton <c>Pipeline</c>: a graph of tasks.</summary>
public sealed record PipelineDefinition : IResource
{
    /// <inheritdoc />
    public string ApiVersion { get; init; } = "tekton.dev/v1";

    /// <inheritdoc />
    public string Kind { get; init; } = "Pipeline";

    /// <inheritdoc />
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The Pipeline's specification.</summary>
    public PipelineSpec Spec { get; init; } = new();
}

/// <summary>What a Pipeline runs.</summary>
public sealed record PipelineSpec
{
    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The tasks of the graph.</summary>
    public ImmutableArray<PipelineTask> Tasks { get; init; } = [];

    /// <summary>Params the Pipeline takes.</summary>
    public ImmutableArray<ParamSpec> Params { get; init; } = [];

    /// <summary>Workspaces the Pipeline needs.</summary>
    public ImmutableArray<PipelineWorkspaceDeclaration> Workspaces { get; init; } = [];

    /// <summary>Results computed from the tasks' results.</summary>
    public ImmutableArray<PipelineResult> Results { get; init; } = [];

    /// <summary>Tasks run after all others, whatever their outcome.</summary>
    public ImmutableArray<PipelineTask> Finally { get; init; } = [];
}

/// <summary>A task of a Pipeline: a Task with its params, workspaces, ordering and guards.</summary>
public sealed record PipelineTask
{
    /// <summary>The task's name in the Pipeline.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The Task to run, by name, or a custom task by apiVersion and kind.</summary>
    public TaskReference? TaskRef { get; init; }

    /// <summary>The Task to run, inline.</summary>
    public EmbeddedTask? TaskSpec { get; init; }

    /// <summary>A Pipeline to run as this task (pipelines in pipelines).</summary>
    public PipelineReference? PipelineRef { get; init; }

    /// <summary>A Pipeline to run as this task, inline.</summary>
    public PipelineSpec? PipelineSpec { get; init; }

    /// <summary>Tasks that must finish first.</summary>
    public ImmutableArray<string> RunAfter { get; init; } = [];

    /// <summary>How often to retry a failed attempt.</summary>
    public int? Retries { get; init; }

    /// <summary>Conditions under which the task runs.</summary>
    public ImmutableArray<WhenExpression> When { get; init; } = [];

    /// <summary>Param values for the Task.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];

    /// <summary>Fan-out over combinations of param values.</summary>
    public Matrix? Matrix { get; init; }

    /// <summary>Which Pipeline workspaces the Task's workspaces use.</summary>
    public ImmutableArray<WorkspacePipelineTaskBinding> Workspaces { get; init; } = [];

    /// <summary>How long each attempt may take.</summary>
    public Duration? Timeout { get; init; }

    /// <summary><c>continue</c> or <c>stopAndFail</c> (the default).</summary>
    public string? OnError { get; init; }
}

/// <summary>A Task embedded in a pipeline task: the Task's fields plus metadata, or a custom task spec.</summary>
public sealed record EmbeddedTask
{
    /// <summary>The Task's fields.</summary>
    [Inline]
    public Tasks.TaskSpec Task { get; init; } = new();

    /// <summary>Labels and annotations for the TaskRun.</summary>
    public PipelineTaskMetadata? Metadata { get; init; }

    /// <summary>The API version of a custom task.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The kind of a custom task.</summary>
    public string? Kind { get; init; }

    /// <summary>The spec of a custom task.</summary>
    public System.Text.Json.Nodes.JsonNode? Spec { get; init; }
}

/// <summary>Labels and annotations given to the runs of a pipeline task.</summary>
public sealed record PipelineTaskMetadata
{
    /// <summary>Labels.</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Annotations.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>A reference to a Task (or custom task).</summary>
public sealed record TaskReference
{
    /// <summary>The Task's name.</summary>
    public string? Name { get; init; }

    /// <summary><c>Task</c> by default; another kind names a custom task.</summary>
    public string? Kind { get; init; }

    /// <summary>The API version of a custom task.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>A remote resolver (git, http, hub, bundles, cluster).</summary>
    public string? Resolver { get; init; }

    /// <summary>Resolver params.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];
}

/// <summary>A reference to a Pipeline.</summary>
public sealed record PipelineReference
{
    /// <summary>The Pipeline's name.</summary>
    public string? Name { get; init; }

    /// <summary>The API version.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>A remote resolver.</summary>
    public string? Resolver { get; init; }

    /// <summary>Resolver params.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];
}

/// <summary>A guard: the task runs only when the expression holds.</summary>
public sealed record WhenExpression
{
    /// <summary>The value tested, usually a variable.</summary>
    public string? Input { get; init; }

    /// <summary><c>in</c> or <c>notin</c>.</summary>
    public string? Operator { get; init; }

    /// <summary>The values compared against.</summary>
    public ImmutableArray<string> Values { get; init; } = [];

    /// <summary>A CEL expression instead of input/operator/values.</summary>
    public string? Cel { get; init; }
}

/// <summary>Fan-out of a pipeline task over param combinations.</summary>
public sealed record Matrix
{
    /// <summary>Array params whose combinations are run.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];

    /// <summary>Extra combinations, or params added to matching ones.</summary>
    public ImmutableArray<MatrixInclude> Include { get; init; } = [];
}

/// <summary>An <c>include</c> entry of a matrix.</summary>
public sealed record MatrixInclude
{
    /// <summary>A name for the combination.</summary>
    public string? Name { get; init; }

    /// <summary>String params of the combination.</summary>
    public ImmutableArray<Param> Params { get; init; } = [];
}

/// <summary>A workspace a Pipeline declares.</summary>
public sealed record PipelineWorkspaceDeclaration
{
    /// <summary>The workspace's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether a run may leave it unbound.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Which Pipeline workspace a task's workspace uses.</summary>
public sealed record WorkspacePipelineTaskBinding
{
    /// <summary>The Task's workspace name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The Pipeline's workspace name; the same name when empty.</summary>
    public string? Workspace { get; init; }

    /// <summary>A directory inside the workspace.</summary>
    public string? SubPath { get; init; }
}
