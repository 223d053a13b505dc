using System.Collections.Immutable;
using Sluice.Engine.CustomTasks;

namespace Sluice.Catalog.Custom;

/// <summary>The custom tasks built into Sluice (<c>apiVersion: sluice.dev/v1</c>), made with the services they reach the world with.</summary>
public sealed class CustomTaskCatalog
{
    /// <summary>Every built-in custom task, using <paramref name="services"/>.</summary>
    public CustomTaskCatalog(CatalogServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Tasks = [new DependencyAuditTask(services), new DockerfileBuildTask(services), new HelmChartTask(services), new ImageBuildTask(services), new NotifyTask(services), new PromoteTask(services), new PublishBinariesTask(services), new ReleaseTask(services)];
    }

    /// <summary>The custom tasks, in kind order.</summary>
    public ImmutableArray<CatalogCustomTask> Tasks { get; }

    /// <summary>The custom task of an apiVersion and kind, or null.</summary>
    public ICustomTask? Find(string apiVersion, string kind) =>
        Tasks.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
