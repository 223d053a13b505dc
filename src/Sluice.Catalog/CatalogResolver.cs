using Sluice.Catalog.Custom;
using Sluice.Engine;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Catalog;

/// <summary>
/// Resolves through another resolver (a run's files, stored definitions) and, for a Task it does not find,
/// from the catalog: a file's Task of the same name always wins, so a user overrides a catalog Task by
/// passing a file that defines one. The catalog holds Tasks, in every namespace, and the custom tasks
/// of <c>apiVersion: sluice.dev/v1</c>.
/// </summary>
/// <param name="files">The resolver asked first.</param>
/// <param name="catalog">The catalog asked after it.</param>
/// <param name="customTasks">The custom tasks, made with the services of this process.</param>
public sealed class CatalogResolver(ITaskResolver files, TaskCatalog catalog, CustomTaskCatalog customTasks) : ITaskResolver
{
    /// <summary>Resolves through <paramref name="files"/>, then the catalog built into Sluice, whose custom tasks use <paramref name="services"/>.</summary>
    /// <param name="files">The resolver asked first.</param>
    /// <param name="services">What the custom tasks reach registries and services with; null: the defaults.</param>
    public CatalogResolver(ITaskResolver files, CatalogServices? services = null)
        : this(files, TaskCatalog.BuiltIn, new CustomTaskCatalog(services ?? CatalogServices.Default))
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

    /// <inheritdoc />
    public ICustomTask? FindCustomTask(string apiVersion, string kind) => files.FindCustomTask(apiVersion, kind) ?? customTasks.Find(apiVersion, kind);
}
