using Sluice.Model.Pipelines;

namespace Sluice.Examples.ConferenceApp.Pipelines;

/// <summary>References to the Tasks of Sluice's catalog, which a run resolves when no file defines them.</summary>
public static class CatalogTasks
{
    /// <summary>The API version of the catalog's custom tasks.</summary>
    public const string CustomTaskApiVersion = "sluice.dev/v1";

    /// <summary>A catalog Task by name, such as <c>git-clone</c>: <c>taskRef: {name: NAME}</c>.</summary>
    /// <param name="name">The Task's name.</param>
    public static TaskReference Named(string name) => new() { Name = name };

    /// <summary>A custom task of the catalog, run inside Sluice, such as <c>ImageBuild</c>: <c>taskRef: {apiVersion: sluice.dev/v1, kind: KIND}</c>.</summary>
    /// <param name="kind">The custom task's kind.</param>
    public static TaskReference Custom(string kind) => new() { ApiVersion = CustomTaskApiVersion, Kind = kind };
}
