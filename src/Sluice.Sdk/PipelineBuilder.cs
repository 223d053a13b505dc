using System.Collections.Immutable;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>
/// Builds a Tekton <c>Pipeline</c>. Tasks are added in order and return builders whose results later tasks use:
/// <code>
/// var pipeline = new PipelineBuilder("release");
/// var url = pipeline.Param("url");
/// var source = pipeline.Workspace("source");
/// var clone = pipeline.Task("clone", gitClone, t => t.Param("url", url).Workspace("output", source));
/// pipeline.Task("build", build, t => t.Param("commit", clone.Result("commit")));
/// string yaml = pipeline.ToYaml();
/// </code>
/// </summary>
public sealed partial class PipelineBuilder : ResourceBuilder<PipelineBuilder, PipelineDefinition>
{
    private readonly List<PipelineTaskBuilder> _tasks = [];
    private readonly List<PipelineTaskBuilder> _finally = [];
    private PipelineSpec _spec;

    /// <summary>Starts a Pipeline.</summary>
    /// <param name="name">The Pipeline's name (<c>metadata.name</c>), by which runs refer to it.</param>
    public PipelineBuilder(string name)
        : this(new ObjectMeta { Name = name }, new PipelineSpec())
    {
        Declarations.RequireName(name, "Pipeline");
    }

    private PipelineBuilder(ObjectMeta metadata, PipelineSpec spec)
        : base(metadata)
    {
        _spec = spec with { Tasks = [], Finally = [] };
    }

    /// <summary>Sets the description.</summary>
    /// <param name="description">What the Pipeline does.</param>
    public PipelineBuilder Description(string description)
    {
        _spec = _spec with { Description = description };
        return this;
    }

    /// <summary>Declares (or redeclares) a string param.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="defaultValue">The value used when the run gives none; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param, to pass to tasks as <c>$(params.name)</c>.</returns>
    public ParamReference Param(string name, string? defaultValue = null, string? description = null) =>
        Declare(Declarations.StringParam(name, defaultValue, description));

    /// <summary>Declares (or redeclares) an array param.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="defaultValue">The items used when the run gives none; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param; pass <see cref="ParamReference.All"/> to an array param of a task.</returns>
    public ParamReference ArrayParam(string name, IEnumerable<string>? defaultValue = null, string? description = null) =>
        Declare(Declarations.ArrayParam(name, defaultValue, description));

    /// <summary>Declares (or redeclares) an object param with string keys.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="keys">The keys it has.</param>
    /// <param name="defaultValue">The value used when the run gives none; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param; use <see cref="ParamReference.Key"/> for one key.</returns>
    public ParamReference ObjectParam(string name, IEnumerable<string> keys, IReadOnlyDictionary<string, string>? defaultValue = null, string? description = null) =>
        Declare(Declarations.ObjectParam(name, keys, defaultValue, description));

    /// <summary>Declares (or redeclares) a param as Tekton writes it, such as one of <see cref="Programs.PipelineProgram.Params"/>.</summary>
    /// <param name="declaration">The param's name, type, description, default and allowed values.</param>
    /// <returns>The param, to pass to tasks as <c>$(params.name)</c>.</returns>
    public ParamReference Param(ParamSpec declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        return Declare(declaration);
    }

    /// <summary>Declares (or redeclares) a workspace the run must bind.</summary>
    /// <param name="name">The workspace's name.</param>
    /// <param name="description">What the Pipeline keeps in it.</param>
    /// <param name="optional">Whether a run may leave it unbound.</param>
    /// <returns>The workspace, to bind to tasks' workspaces.</returns>
    public PipelineWorkspace Workspace(string name, string? description = null, bool optional = false)
    {
        Declarations.RequireName(name, "workspace");
        var declaration = new PipelineWorkspaceDeclaration { Name = name, Description = description, Optional = optional ? true : null };
        _spec = _spec with { Workspaces = Declarations.Put(_spec.Workspaces, declaration, w => w.Name) };
        return new PipelineWorkspace(name);
    }

    /// <summary>Adds a task that runs a Task by name (<c>taskRef</c>); its results are checked against the Task's.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="task">The Task; the exported YAML refers to it by its <c>metadata.name</c>.</param>
    /// <param name="configure">Sets params, workspaces, ordering and guards.</param>
    public PipelineTaskBuilder Task(string name, TaskDefinition task, Action<PipelineTaskBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Add(_tasks, false, NamedTask(name, task), task.Spec.Results, configure);
    }

    /// <summary>Adds a task that runs a Task known only by reference, such as a catalog Task or a custom task.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="reference">The reference, written as <c>taskRef</c>.</param>
    /// <param name="configure">Sets params, workspaces, ordering and guards.</param>
    public PipelineTaskBuilder Task(string name, TaskReference reference, Action<PipelineTaskBuilder>? configure = null) =>
        Add(_tasks, false, new PipelineTask { Name = name, TaskRef = reference }, null, configure);

    /// <summary>Adds a task whose Task is written inline (<c>taskSpec</c>).</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="spec">The Task's spec, such as <see cref="TaskBuilder.BuildSpec"/> gives.</param>
    /// <param name="configure">Sets params, workspaces, ordering and guards.</param>
    public PipelineTaskBuilder Task(string name, TaskSpec spec, Action<PipelineTaskBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Add(_tasks, false, new PipelineTask { Name = name, TaskSpec = new EmbeddedTask { Task = spec } }, spec.Results, configure);
    }

    /// <summary>Adds a finally task that runs a Task by name, after all other tasks whatever their outcome.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="task">The Task.</param>
    /// <param name="configure">Sets params, workspaces and guards.</param>
    public PipelineTaskBuilder Finally(string name, TaskDefinition task, Action<PipelineTaskBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Add(_finally, true, NamedTask(name, task), task.Spec.Results, configure);
    }

    /// <summary>Adds a finally task that runs a Task known only by reference.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="reference">The reference.</param>
    /// <param name="configure">Sets params, workspaces and guards.</param>
    public PipelineTaskBuilder Finally(string name, TaskReference reference, Action<PipelineTaskBuilder>? configure = null) =>
        Add(_finally, true, new PipelineTask { Name = name, TaskRef = reference }, null, configure);

    /// <summary>Adds a finally task whose Task is written inline.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <param name="spec">The Task's spec.</param>
    /// <param name="configure">Sets params, workspaces and guards.</param>
    public PipelineTaskBuilder Finally(string name, TaskSpec spec, Action<PipelineTaskBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Add(_finally, true, new PipelineTask { Name = name, TaskSpec = new EmbeddedTask { Task = spec } }, spec.Results, configure);
    }

    /// <summary>A task (or finally task) added before or read from YAML, to change it.</summary>
    /// <param name="name">The task's name in the Pipeline.</param>
    /// <exception cref="KeyNotFoundException">The Pipeline has no task of that name.</exception>
    public PipelineTaskBuilder GetTask(string name) =>
        _tasks.Concat(_finally).FirstOrDefault(t => t.Name == name)
            ?? throw new KeyNotFoundException($"pipeline {Metadata.Name} has no task \"{name}\"; its tasks are {string.Join(", ", _tasks.Concat(_finally).Select(t => t.Name))}");

    /// <summary>Declares (or redeclares) a result of the Pipeline, computed from its tasks' results.</summary>
    /// <param name="name">The result's name.</param>
    /// <param name="value">The value, usually a <see cref="TaskResultReference"/>.</param>
    /// <param name="description">What the result holds.</param>
    public PipelineBuilder Result(string name, string value, string? description = null)
    {
        Declarations.RequireName(name, "result");
        var result = new PipelineResult { Name = name, Description = description, Value = ParamValue.Of(value) };
        _spec = _spec with { Results = Declarations.Put(_spec.Results, result, r => r.Name) };
        return this;
    }

    private protected override PipelineDefinition Compose() => new()
    {
        Metadata = Metadata,
        Spec = _spec with { Tasks = [.. _tasks.Select(t => t.Task)], Finally = [.. _finally.Select(t => t.Task)] },
    };

    private static PipelineTask NamedTask(string name, TaskDefinition task) =>
        task.Metadata.Name is { Length: > 0 } taskName
            ? new PipelineTask { Name = name, TaskRef = new TaskReference { Name = taskName } }
            : throw new ArgumentException($"pipeline task \"{name}\" refers to a Task without metadata.name; give the Task a name or embed its spec", nameof(task));

    private PipelineTaskBuilder Add(List<PipelineTaskBuilder> list, bool isFinally, PipelineTask task, ImmutableArray<TaskResult>? results, Action<PipelineTaskBuilder>? configure)
    {
        Declarations.RequireName(task.Name, "pipeline task");
        if (_tasks.Concat(_finally).Any(t => t.Name == task.Name))
        {
            throw new ArgumentException($"pipeline {Metadata.Name} already has a task \"{task.Name}\"; use GetTask to change it", nameof(task));
        }

        var builder = new PipelineTaskBuilder(task, isFinally, results);
        configure?.Invoke(builder);
        list.Add(builder);
        return builder;
    }

    private ParamReference Declare(ParamSpec param)
    {
        Declarations.RequireName(param.Name, "param");
        _spec = _spec with { Params = Declarations.Put(_spec.Params, param, p => p.Name) };
        return new ParamReference(param.Name);
    }
}
