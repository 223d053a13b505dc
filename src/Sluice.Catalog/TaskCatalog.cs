using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Tasks;

namespace Sluice.Catalog;

/// <summary>
/// The Tasks built into Sluice: one Tekton v1 Task per embedded <c>Tasks/NAME.yaml</c>. A Task is read
/// when it is first asked for, so listing names costs nothing and a run reads only what it uses.
/// </summary>
public sealed class TaskCatalog
{
    /// <summary>The annotation every catalog Task carries, so a copy says where it came from.</summary>
    public const string CatalogAnnotation = "sluice.dev/catalog";

    /// <summary>The label that holds a Task's version, as in Tekton's catalog.</summary>
    public const string VersionLabel = "app.kubernetes.io/version";

    private const string ResourcePrefix = "Sluice.Catalog.Tasks.";
    private const string ResourceSuffix = ".yaml";

    private static readonly Lazy<TaskCatalog> BuiltInCatalog = new(() => new TaskCatalog(typeof(TaskCatalog).Assembly));

    private readonly Assembly _assembly;
    private readonly ConcurrentDictionary<string, Lazy<CatalogTask>> _tasks = new(StringComparer.Ordinal);

    private TaskCatalog(Assembly assembly)
    {
        _assembly = assembly;
        Names = [.. assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            .Select(r => r[ResourcePrefix.Length..^ResourceSuffix.Length])
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The catalog embedded in Sluice.</summary>
    public static TaskCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>The names of its Tasks, in order.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Every Task, in name order.</summary>
    public ImmutableArray<CatalogTask> Tasks => [.. Names.Select(n => Find(n)!)];

    /// <summary>A Task by name, or null when the catalog has none of that name.</summary>
    /// <exception cref="InvalidOperationException">The embedded file is not a valid Task: a defect of this build, which the catalog's tests catch.</exception>
    public CatalogTask? Find(string name) =>
        Names.Contains(name, StringComparer.Ordinal)
            ? _tasks.GetOrAdd(name, n => new Lazy<CatalogTask>(() => Read(n))).Value
            : null;

    /// <summary>The place a catalog Task's problems are reported at, as a file name.</summary>
    public static string DisplayPath(string name) => $"catalog:{name}{ResourceSuffix}";

    private CatalogTask Read(string name)
    {
        using var stream = _assembly.GetManifestResourceStream(ResourcePrefix + name + ResourceSuffix)
            ?? throw new InvalidOperationException($"the catalog lists {name} but holds no file for it");
        using var reader = new StreamReader(stream);
        var yaml = reader.ReadToEnd();
        var diagnostics = new DiagnosticBag();
        var loaded = ResourceReader.ReadText(yaml, DisplayPath(name), diagnostics);
        ResourceSet.FromResources(loaded, diagnostics);
        if (diagnostics.HasErrors || loaded is not [{ Resource: TaskDefinition task } resource] || task.Metadata.Name != name)
        {
            var problems = string.Join("; ", diagnostics.ToImmutable().Select(d => d.ToString()));
            throw new InvalidOperationException($"the catalog's {DisplayPath(name)} is not one valid Task named {name}: {(problems.Length > 0 ? problems : "it holds something else")}");
        }

        return new CatalogTask
        {
            Name = name,
            Version = task.Metadata.Labels.GetValueOrDefault(VersionLabel) ?? string.Empty,
            Summary = (task.Spec.Description ?? string.Empty).Split('\n', 2)[0].Trim(),
            Yaml = yaml,
            Resource = resource,
        };
    }
}
