using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Runs;
using Sluice.Model.Validation;

namespace Sluice.Model.Loading;

/// <summary>
/// The resources of a set of files and directories, validated, with lookup of Tasks, Pipelines,
/// StepActions and Kubernetes objects by name as a cluster would resolve them.
/// </summary>
public sealed class ResourceSet
{
    private ResourceSet(ImmutableArray<LoadedResource> resources)
    {
        Resources = resources;
    }

    /// <summary>Every resource, in file and document order.</summary>
    public ImmutableArray<LoadedResource> Resources { get; }

    /// <summary>The runs (TaskRuns and PipelineRuns), in order.</summary>
    public IEnumerable<LoadedResource> Runs => Resources.Where(r => r.Resource is TaskRun or PipelineRun);

    /// <summary>An empty set.</summary>
    public static ResourceSet Empty { get; } = new([]);

    /// <summary>Reads and validates every YAML file of the given files and directories (directories recursively).</summary>
    public static ResourceSet Load(IEnumerable<string> paths, DiagnosticBag diagnostics)
    {
        var resources = ImmutableArray.CreateBuilder<LoadedResource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    diagnostics.Add(new SourceLocation(path, 0, 0), string.Empty, "the directory holds no .yaml or .yml files", "give a directory with Tekton YAML files, or the files themselves");
                }

                foreach (var file in files)
                {
                    resources.AddRange(ResourceReader.ReadFile(file, file, diagnostics));
                }
            }
            else if (File.Exists(path))
            {
                resources.AddRange(ResourceReader.ReadFile(path, path, diagnostics));
            }
            else
            {
                diagnostics.Add(new SourceLocation(path, 0, 0), string.Empty, "no such file or directory", "check the path");
            }
        }

        return FromResources(resources.ToImmutable(), diagnostics);
    }

    /// <summary>Validates resources read elsewhere and makes a set of them.</summary>
    public static ResourceSet FromResources(ImmutableArray<LoadedResource> resources, DiagnosticBag diagnostics)
    {
        // The same name in two files is allowed (applying both, the later would replace the earlier in a
        // cluster); a run resolves names in its own file first, see Scoped. Twice in one file is a mistake.
        var seen = new Dictionary<(string File, string Kind, string Name), LoadedResource>();
        foreach (var loaded in resources)
        {
            ResourceValidator.Validate(loaded, diagnostics);
            if (loaded.Resource is TaskRun or PipelineRun || loaded.Resource.Metadata.Name is not { Length: > 0 } name)
            {
                continue;
            }

            var key = (loaded.File, loaded.Resource.Kind, name);
            if (seen.TryGetValue(key, out var first))
            {
                diagnostics.Add(NameLocation(loaded), "metadata.name", $"{loaded.Resource.Kind} {GoQuote.Of(name)} is defined twice; the first is at {NameLocation(first)}", "rename one of them");
            }
            else
            {
                seen[key] = loaded;
            }
        }

        return new ResourceSet(resources);
    }

    /// <summary>Where a resource's metadata.name is written, or the resource when its position is not known.</summary>
    private static SourceLocation NameLocation(LoadedResource loaded) =>
        loaded.SourceMap.Locate(loaded.Resource.Metadata, "name") is { IsKnown: true } location ? location : loaded.Location;

    /// <summary>Finds a Task by name.</summary>
    public LoadedResource? FindTask(string name) => Find("Task", name);

    /// <summary>Finds a Pipeline by name.</summary>
    public LoadedResource? FindPipeline(string name) => Find("Pipeline", name);

    /// <summary>Finds a StepAction by name.</summary>
    public LoadedResource? FindStepAction(string name) => Find("StepAction", name);

    /// <summary>Finds a ConfigMap by name.</summary>
    public ConfigMap? FindConfigMap(string name) => Find("ConfigMap", name)?.Resource as ConfigMap;

    /// <summary>Finds a Secret by name.</summary>
    public Secret? FindSecret(string name) => Find("Secret", name)?.Resource as Secret;

    /// <summary>Finds a ServiceAccount by name.</summary>
    public ServiceAccount? FindServiceAccount(string name) => Find("ServiceAccount", name)?.Resource as ServiceAccount;

    /// <summary>Finds a PersistentVolumeClaim by name.</summary>
    public PersistentVolumeClaim? FindClaim(string name) => Find("PersistentVolumeClaim", name)?.Resource as PersistentVolumeClaim;

    /// <summary>
    /// The same resources, with those of one file found first: a run's references resolve to the
    /// definitions in its own file, then to those of the other files in the order they were given.
    /// </summary>
    /// <param name="file">The file of the run.</param>
    public ResourceSet Scoped(string file) => new([.. Resources.Where(r => r.File == file), .. Resources.Where(r => r.File != file)]);

    /// <summary>A set with these resources and another set's (these win on name clashes).</summary>
    public ResourceSet With(ResourceSet other) => new([.. Resources, .. other.Resources.Where(r => r.Resource.Metadata.Name is not { } n || Find(r.Resource.Kind, n) is null)]);

    private LoadedResource? Find(string kind, string name)
    {
        foreach (var loaded in Resources)
        {
            if (loaded.Resource.Kind == kind && loaded.Resource.Metadata.Name == name)
            {
                return loaded;
            }
        }

        return null;
    }
}
