using System.Collections.Concurrent;
using System.Collections.Immutable;
using Sluice.Engine;
using Sluice.Engine.CustomTasks;
using Sluice.Model;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Hosting;

/// <summary>
/// Resolves through another resolver and remembers every Task, Pipeline, StepAction and ConfigMap a run
/// used, as it was, so the run can be reproduced from the history. Secrets are never remembered.
/// </summary>
/// <param name="inner">The resolver that finds them.</param>
public sealed class RecordingResolver(ITaskResolver inner) : ITaskResolver
{
    private readonly ConcurrentDictionary<(string Kind, string Name), IResource> _used = new();

    /// <summary>What the run used so far, in a stable order.</summary>
    public ImmutableArray<IResource> Used => [.. _used.OrderBy(kv => kv.Key.Kind, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal).Select(kv => kv.Value)];

    /// <inheritdoc />
    public TaskDefinition? FindTask(string name, string @namespace) => Remember(inner.FindTask(name, @namespace));

    /// <inheritdoc />
    public PipelineDefinition? FindPipeline(string name, string @namespace) => Remember(inner.FindPipeline(name, @namespace));

    /// <inheritdoc />
    public StepActionDefinition? FindStepAction(string name, string @namespace) => Remember(inner.FindStepAction(name, @namespace));

    /// <inheritdoc />
    public ConfigMap? FindConfigMap(string name, string @namespace) => Remember(inner.FindConfigMap(name, @namespace));

    /// <inheritdoc />
    public Secret? FindSecret(string name, string @namespace) => inner.FindSecret(name, @namespace);

    /// <inheritdoc />
    public ServiceAccount? FindServiceAccount(string name, string @namespace) => inner.FindServiceAccount(name, @namespace);

    /// <inheritdoc />
    public IEnumerable<string> TaskNames(string @namespace) => inner.TaskNames(@namespace);

    /// <inheritdoc />
    public ICustomTask? FindCustomTask(string apiVersion, string kind) => inner.FindCustomTask(apiVersion, kind);

    private T? Remember<T>(T? resource)
        where T : class, IResource
    {
        if (resource?.Metadata.Name is { } name)
        {
            _used.TryAdd((resource.Kind, name), resource);
        }

        return resource;
    }
}
