using Sluice.Engine;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Catalog;

/// <summary>
/// Resolves through another resolver (a run's files, stored definitions) and, for a Task it does not find,
/// from the catalog: a file's Task of the same name always wins, so a user overrides a catalog Task by
/// passing a file that defines one. The catalog holds Tasks only, in every namespace.
/// </summary>
/// <param name="files">The resolver asked first.</param>
/// <param name="catalog">The catalog asked after it.</param>
public sealed class CatalogResolver(ITaskResolver files, TaskCatalog catalog) : ITaskResolver
{
    /// <summary>Resolves through <paramref name="files"/>, then the catalog built into Sluice.</summary>
    /// <param name="files">The resolver asked first.</param>
    public CatalogResolver(ITaskResolver files)
        : this(files, TaskCatalog.BuiltIn)
    {
    }

    /// <inheritdoc />
    public TaskDefinition? FindTask(string name, string @namespace) => files.FindTask(name, @namespace) ?? catalog.Find(name)?.Definition;

    /// <inheritdoc />
    public PipelineDefinition? FindPipeline(string name, string @namespace) => files.FindPipeline(name, @namespace);

    /// <inheritdoc />
    public StepActionDefinition? FindStepAction(string name, string @namespace) => files.FindStepAction(name, @namespace);

    /// <inheritdoc />
    public ConfigMap? FindConfigMap(string name, string @namespace) => files.FindConfigMap(name, @namespace);

    /// <inheritdoc />
    public Secret? FindSecret(string name, string @namespace) => files.FindSecret(name, @namespace);

    /// <inheritdoc />
    public ServiceAccount? FindServiceAccount(string name, string @namespace) => files.FindServiceAccount(name, @namespace);

    /// <inheritdoc />
    public IEnumerable<string> TaskNames(string @namespace) => files.TaskNames(@namespace).Concat(catalog.Names);
}
