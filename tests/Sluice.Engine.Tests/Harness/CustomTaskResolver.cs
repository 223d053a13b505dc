using Sluice.Engine.CustomTasks;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tests.Harness;

/// <summary>Resolves through another resolver, and custom tasks from a list.</summary>
internal sealed class CustomTaskResolver(ITaskResolver inner, IReadOnlyList<ICustomTask> customTasks) : ITaskResolver
{
    public TaskDefinition? FindTask(string name, string @namespace) => inner.FindTask(name, @namespace);

    public PipelineDefinition? FindPipeline(string name, string @namespace) => inner.FindPipeline(name, @namespace);

    public StepActionDefinition? FindStepAction(string name, string @namespace) => inner.FindStepAction(name, @namespace);

    public ConfigMap? FindConfigMap(string name, string @namespace) => inner.FindConfigMap(name, @namespace);

    public Secret? FindSecret(string name, string @namespace) => inner.FindSecret(name, @namespace);

    public ServiceAccount? FindServiceAccount(string name, string @namespace) => inner.FindServiceAccount(name, @namespace);

    public IEnumerable<string> TaskNames(string @namespace) => inner.TaskNames(@namespace);

    public ICustomTask? FindCustomTask(string apiVersion, string kind) =>
        customTasks.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
