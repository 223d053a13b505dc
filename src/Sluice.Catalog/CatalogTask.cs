using Sluice.Model.Loading;
using Sluice.Model.Tasks;

namespace Sluice.Catalog;

/// <summary>One Task of the catalog: its YAML as shipped and the Task read from it.</summary>
public sealed record CatalogTask
{
    /// <summary>The Task's name, which is also its file's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its version, from the label <c>app.kubernetes.io/version</c>.</summary>
    public required string Version { get; init; }

    /// <summary>The first line of its <c>spec.description</c>.</summary>
    public required string Summary { get; init; }

    /// <summary>The YAML file as it is embedded, to print or copy and change.</summary>
    public required string Yaml { get; init; }

    /// <summary>The Task as read from <see cref="Yaml"/>, with the positions of its fields.</summary>
    public required LoadedResource Resource { get; init; }

    /// <summary>The Task.</summary>
    public TaskDefinition Definition => (TaskDefinition)Resource.Resource;
}
