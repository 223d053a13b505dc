using Sluice.Engine.CustomTasks;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine;

/// <summary>Finds what runs refer to by name: Tasks, Pipelines, StepActions and the Kubernetes objects they use.</summary>
public interface ITaskResolver
{
    /// <summary>A Task by name, or null.</summary>
    TaskDefinition? FindTask(string name, string @namespace);

    /// <summary>A Pipeline by name, or null.</summary>
    PipelineDefinition? FindPipeline(string name, string @namespace);

    /// <summary>A StepAction by name, or null.</summary>
    StepActionDefinition? FindStepAction(string name, string @namespace);

    /// <summary>A ConfigMap by name, or null.</summary>
    ConfigMap? FindConfigMap(string name, string @namespace);

    /// <summary>A Secret by name, or null.</summary>
    Secret? FindSecret(string name, string @namespace);

    /// <summary>A ServiceAccount by name, or null.</summary>
    ServiceAccount? FindServiceAccount(string name, string @namespace);

    /// <summary>The names of the Tasks it can find, so that a name it cannot find gets a suggestion.</summary>
    IEnumerable<string> TaskNames(string @namespace) => [];

    /// <summary>The custom task a <c>taskRef: {apiVersion, kind}</c> names, or null when none is known.</summary>
    ICustomTask? FindCustomTask(string apiVersion, string kind) => null;
}

/// <summary>Resolves from the resources loaded with the run (the same files and directories).</summary>
/// <param name="resources">The loaded resources.</param>
public sealed class ResourceSetResolver(ResourceSet resources) : ITaskResolver
{
    /// <inheritdoc />
    public TaskDefinition? FindTask(string name, string @namespace) => resources.FindTask(name)?.Resource as TaskDefinition;

    /// <inheritdoc />
    public PipelineDefinition? FindPipeline(string name, string @namespace) => resources.FindPipeline(name)?.Resource as PipelineDefinition;

    /// <inheritdoc />
    public StepActionDefinition? FindStepAction(string name, string @namespace) => resources.FindStepAction(name)?.Resource as StepActionDefinition;

    /// <inheritdoc />
    public ConfigMap? FindConfigMap(string name, string @namespace) => resources.FindConfigMap(name);

    /// <inheritdoc />
    public Secret? FindSecret(string name, string @namespace) => resources.FindSecret(name);

    /// <inheritdoc />
    public ServiceAccount? FindServiceAccount(string name, string @namespace) => resources.FindServiceAccount(name);

    /// <inheritdoc />
    public IEnumerable<string> TaskNames(string @namespace) =>
        resources.Resources.Where(r => r.Resource is TaskDefinition).Select(r => r.Resource.Metadata.Name).OfType<string>();
}
