using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>
/// Builds a Tekton <c>Task</c>. Declarations return typed references to use in steps:
/// <code>
/// var task = new TaskBuilder("greet");
/// var who = task.Param("who", "world");
/// var greeting = task.Result("greeting");
/// task.Step("say", "alpine:3.20", s => s.Script($"echo hello {who} | tee {greeting}"));
/// TaskDefinition definition = task.Build();
/// </code>
/// </summary>
public sealed class TaskBuilder : ResourceBuilder<TaskBuilder, TaskDefinition>
{
    private TaskSpec _spec;

    /// <summary>Starts a Task.</summary>
    /// <param name="name">The Task's name (<c>metadata.name</c>), by which pipelines and runs refer to it.</param>
    public TaskBuilder(string name)
        : this(new ObjectMeta { Name = name }, new TaskSpec())
    {
        Declarations.RequireName(name, "Task");
    }

    private TaskBuilder(ObjectMeta metadata, TaskSpec spec)
        : base(metadata)
    {
        _spec = spec;
    }

    /// <summary>A builder that starts from a Task read from YAML text, to extend or change it in code.</summary>
    /// <param name="yaml">YAML holding exactly one Task (other documents are ignored).</param>
    /// <param name="file">The name diagnostics give the text.</param>
    /// <exception cref="ResourceValidationException">The YAML cannot be read, is not valid, or holds no single Task.</exception>
    public static TaskBuilder FromYaml(string yaml, string file = "<yaml>")
    {
        var task = YamlImport.Read(yaml, file).Single<TaskDefinition>(file, "Task");
        return new TaskBuilder(task.Metadata, task.Spec);
    }

    /// <summary>A builder that starts from a Task read from a YAML file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ResourceValidationException">The file cannot be read, is not valid, or holds no single Task.</exception>
    public static TaskBuilder FromFile(string path) => FromYaml(File.ReadAllText(path), path);

    /// <summary>Sets the description.</summary>
    /// <param name="description">What the Task does.</param>
    public TaskBuilder Description(string description)
    {
        _spec = _spec with { Description = description };
        return this;
    }

    /// <summary>Declares (or redeclares) a string param.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="defaultValue">The value used when none is given; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param, to use in steps as <c>$(params.name)</c>.</returns>
    public ParamReference Param(string name, string? defaultValue = null, string? description = null) =>
        Declare(Declarations.StringParam(name, defaultValue, description));

    /// <summary>Declares (or redeclares) an array param.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="defaultValue">The items used when none are given; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param; use <see cref="ParamReference.All"/> in array fields such as args.</returns>
    public ParamReference ArrayParam(string name, IEnumerable<string>? defaultValue = null, string? description = null) =>
        Declare(Declarations.ArrayParam(name, defaultValue, description));

    /// <summary>Declares (or redeclares) an object param with string keys.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="keys">The keys it has.</param>
    /// <param name="defaultValue">The value used when none is given; none makes the param required.</param>
    /// <param name="description">What the param is for.</param>
    /// <returns>The param; use <see cref="ParamReference.Key"/> for one key.</returns>
    public ParamReference ObjectParam(string name, IEnumerable<string> keys, IReadOnlyDictionary<string, string>? defaultValue = null, string? description = null) =>
        Declare(Declarations.ObjectParam(name, keys, defaultValue, description));

    /// <summary>Declares a string result the steps write.</summary>
    /// <param name="name">The result's name.</param>
    /// <param name="description">What the result holds.</param>
    /// <returns>The file a step writes the result to, <c>$(results.name.path)</c>.</returns>
    public ResultPathReference Result(string name, string? description = null) => DeclareResult(name, null, description);

    /// <summary>Declares an array result the steps write as a JSON array.</summary>
    /// <param name="name">The result's name.</param>
    /// <param name="description">What the result holds.</param>
    /// <returns>The file a step writes the result to, <c>$(results.name.path)</c>.</returns>
    public ResultPathReference ArrayResult(string name, string? description = null) => DeclareResult(name, "array", description);

    /// <summary>Declares (or redeclares) a workspace the Task needs.</summary>
    /// <param name="name">The workspace's name.</param>
    /// <param name="description">What the Task keeps in it.</param>
    /// <param name="mountPath">Where it is mounted; <c>/workspace/name</c> by default.</param>
    /// <param name="readOnly">Whether steps may only read it.</param>
    /// <param name="optional">Whether a run may leave it unbound.</param>
    /// <returns>Where it is mounted, <c>$(workspaces.name.path)</c>.</returns>
    public WorkspaceReference Workspace(string name, string? description = null, string? mountPath = null, bool readOnly = false, bool optional = false)
    {
        Declarations.RequireName(name, "workspace");
        var declaration = new WorkspaceDeclaration
        {
            Name = name,
            Description = description,
            MountPath = mountPath,
            ReadOnly = readOnly ? true : null,
            Optional = optional ? true : null,
        };
        _spec = _spec with { Workspaces = Declarations.Put(_spec.Workspaces, declaration, w => w.Name) };
        return new WorkspaceReference(name);
    }

    /// <summary>Adds (or replaces) a step; steps run in the order they are added.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="image">The image to run; may be left to the step template.</param>
    /// <param name="configure">Sets the script or command, env and the rest.</param>
    public TaskBuilder Step(string name, string? image, Action<StepBuilder>? configure = null)
    {
        Declarations.RequireName(name, "step");
        var step = new StepBuilder(name, image);
        configure?.Invoke(step);
        _spec = _spec with { Steps = Declarations.Put(_spec.Steps, step.ToStep(), s => s.Name ?? string.Empty) };
        return this;
    }

    /// <summary>Adds (or replaces) a sidecar that runs beside the steps.</summary>
    /// <param name="name">The sidecar's name.</param>
    /// <param name="image">The image to run.</param>
    /// <param name="configure">Sets the script or command, env and the rest.</param>
    public TaskBuilder Sidecar(string name, string image, Action<SidecarBuilder>? configure = null)
    {
        Declarations.RequireName(name, "sidecar");
        var sidecar = new SidecarBuilder(name, image);
        configure?.Invoke(sidecar);
        _spec = _spec with { Sidecars = Declarations.Put(_spec.Sidecars, sidecar.ToSidecar(), s => s.Name ?? string.Empty) };
        return this;
    }

    /// <summary>Sets the defaults merged into every step, replacing any template given before.</summary>
    /// <param name="configure">Sets the image, env and the rest.</param>
    public TaskBuilder StepTemplate(Action<StepTemplateBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var template = new StepTemplateBuilder();
        configure(template);
        _spec = _spec with { StepTemplate = template.ToStepTemplate() };
        return this;
    }

    /// <summary>The Task's spec alone, to embed in a pipeline task or a run; it is checked where it is embedded.</summary>
    public TaskSpec BuildSpec() => _spec;

    private protected override TaskDefinition Compose() => new() { Metadata = Metadata, Spec = _spec };

    private ParamReference Declare(ParamSpec param)
    {
        Declarations.RequireName(param.Name, "param");
        _spec = _spec with { Params = Declarations.Put(_spec.Params, param, p => p.Name) };
        return new ParamReference(param.Name);
    }

    private ResultPathReference DeclareResult(string name, string? type, string? description)
    {
        Declarations.RequireName(name, "result");
        var result = new TaskResult { Name = name, TypeName = type, Description = description };
        _spec = _spec with { Results = Declarations.Put(_spec.Results, result, r => r.Name) };
        return new ResultPathReference(name);
    }
}
