using System.Collections.Immutable;
using Sluice.Model.Binding;
using Sluice.Model.Conversion;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Model.Yaml;

namespace Sluice.Model.Loading;

/// <summary>Turns YAML documents into resources by their <c>apiVersion</c> and <c>kind</c>.</summary>
public static class ResourceReader
{
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> TektonKinds = new()
    {
        [("tekton.dev/v1", "Task")] = typeof(TaskDefinition),
        [("tekton.dev/v1", "Pipeline")] = typeof(PipelineDefinition),
        [("tekton.dev/v1", "TaskRun")] = typeof(TaskRun),
        [("tekton.dev/v1", "PipelineRun")] = typeof(PipelineRun),
        [("tekton.dev/v1beta1", "StepAction")] = typeof(StepActionDefinition),
        [("tekton.dev/v1alpha1", "StepAction")] = typeof(StepActionDefinition),
        [("tekton.dev/v1", "StepAction")] = typeof(StepActionDefinition),
    };

    private static readonly Dictionary<string, Type> CoreKinds = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = typeof(ConfigMap),
        ["Secret"] = typeof(Secret),
        ["ServiceAccount"] = typeof(ServiceAccount),
        ["PersistentVolumeClaim"] = typeof(PersistentVolumeClaim),
    };

    private static readonly HashSet<string> SkipWhenBinding = new(StringComparer.Ordinal) { "apiVersion", "kind" };

    /// <summary>Reads every resource of a file.</summary>
    public static ImmutableArray<LoadedResource> ReadFile(string path, string displayPath, DiagnosticBag diagnostics)
    {
        var documents = YamlReader.ReadFile(path, displayPath, diagnostics);
        return ReadDocuments(documents, displayPath, diagnostics);
    }

    /// <summary>Reads every resource of YAML text.</summary>
    public static ImmutableArray<LoadedResource> ReadText(string text, string file, DiagnosticBag diagnostics) =>
        ReadDocuments(YamlReader.Read(text, file, diagnostics), file, diagnostics);

    private static ImmutableArray<LoadedResource> ReadDocuments(ImmutableArray<YamlDocument> documents, string file, DiagnosticBag diagnostics)
    {
        var resources = ImmutableArray.CreateBuilder<LoadedResource>();
        foreach (var document in documents)
        {
            if (document.Root is null or YamlScalar { Kind: ScalarKind.Null })
            {
                continue;
            }

            if (Read(document, diagnostics) is { } resource)
            {
                resources.Add(resource);
            }
        }

        if (resources.Count == 0 && !diagnostics.HasErrors)
        {
            diagnostics.Add(new SourceLocation(file, 1, 1), string.Empty, "the file holds no resources", "give a file with a Task, Pipeline, TaskRun or PipelineRun");
        }

        return resources.ToImmutable();
    }

    /// <summary>Reads one document.</summary>
    public static LoadedResource? Read(YamlDocument document, DiagnosticBag diagnostics)
    {
        if (document.Root is not YamlMapping root)
        {
            diagnostics.Add(document.Root?.Location ?? document.Location, string.Empty, $"a resource must be a mapping with apiVersion and kind, not {document.Root?.Describe()}", "start the document with apiVersion: tekton.dev/v1 and kind: on their own lines");
            return null;
        }

        var apiVersion = RequiredString(root, "apiVersion", diagnostics);
        var kind = RequiredString(root, "kind", diagnostics);
        if (apiVersion is null || kind is null)
        {
            return null;
        }

        if (apiVersion == V1beta1Converter.SourceVersion && V1beta1Converter.Converts(kind))
        {
            root = V1beta1Converter.Convert(root, kind, diagnostics);
            apiVersion = V1beta1Converter.TargetVersion;
        }

        var type = ResolveType(apiVersion, kind, root, diagnostics);
        if (type is null)
        {
            return null;
        }

        var sourceMap = new SourceMap();
        var binder = new NodeBinder(diagnostics, sourceMap);
        IResource? resource;
        if (type == typeof(OtherResource))
        {
            var metadata = root.Get("metadata") is { } metadataNode ? binder.Bind<ObjectMeta>(metadataNode, "metadata") : null;
            var body = new System.Text.Json.Nodes.JsonObject();
            resource = new OtherResource { ApiVersion = apiVersion, Kind = kind, Metadata = metadata ?? new ObjectMeta(), Body = body };
            CopyLocations(sourceMap, root, resource);
        }
        else
        {
            resource = binder.BindRecord(type, root, string.Empty, SkipWhenBinding) as IResource;
            resource = resource switch
            {
                TaskDefinition t => t with { ApiVersion = apiVersion },
                PipelineDefinition p => p with { ApiVersion = apiVersion },
                StepActionDefinition s => s with { ApiVersion = apiVersion },
                _ => resource,
            };
            CopyLocations(sourceMap, root, resource);
        }

        return resource is null ? null : new LoadedResource(resource, root.Location, sourceMap, document.Index);
    }

    private static void CopyLocations(SourceMap sourceMap, YamlMapping root, IResource? resource)
    {
        if (resource is null)
        {
            return;
        }

        sourceMap.RecordObject(resource, root.Location);
        foreach (var (key, _) in root.Entries)
        {
            sourceMap.RecordField(resource, key.Value, key.Location);
        }
    }

    private static Type? ResolveType(string apiVersion, string kind, YamlMapping root, DiagnosticBag diagnostics)
    {
        if (TektonKinds.TryGetValue((apiVersion, kind), out var type))
        {
            return type;
        }

        if (apiVersion.StartsWith("tekton.dev/", StringComparison.Ordinal))
        {
            var location = root.Get("apiVersion")!.Location;
            if (kind is "Task" or "Pipeline" or "TaskRun" or "PipelineRun")
            {
                diagnostics.Add(location, "apiVersion", $"Sluice reads Tekton's v1 API and converts v1beta1; {kind} is given as {apiVersion}", "set apiVersion: tekton.dev/v1 and move the fields to their v1 names (see Tekton's migration guide)");
            }
            else if (kind is "CustomRun" or "Run" or "ClusterTask" or "PipelineResource" or "Condition")
            {
                return typeof(OtherResource);
            }
            else
            {
                diagnostics.Add(root.Get("kind")!.Location, "kind", $"unknown Tekton kind {GoQuote.Of(kind)} in {apiVersion}", "use Task, Pipeline, TaskRun, PipelineRun or StepAction");
            }

            return null;
        }

        if (apiVersion == "v1" && CoreKinds.TryGetValue(kind, out var core))
        {
            return core;
        }

        return typeof(OtherResource);
    }

    private static string? RequiredString(YamlMapping root, string field, DiagnosticBag diagnostics)
    {
        var node = root.Get(field);
        if (node is YamlScalar { Kind: ScalarKind.String, Value.Length: > 0 } scalar)
        {
            return scalar.Value;
        }

        if (node is null)
        {
            diagnostics.Add(root.Location, field, $"missing field {GoQuote.Of(field)}", field == "kind" ? "add kind: Task, Pipeline, TaskRun or PipelineRun" : "add apiVersion: tekton.dev/v1");
        }
        else
        {
            diagnostics.Add(node.Location, field, $"expected a string but found {node.Describe()}", field == "kind" ? "write the kind as a word, such as kind: Task" : "write the API version as a string, such as apiVersion: tekton.dev/v1");
        }

        return null;
    }
}
