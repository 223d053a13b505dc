using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;
using static Sluice.Model.Conversion.YamlEdit;

namespace Sluice.Model.Conversion;

/// <summary>
/// Rewrites a <c>tekton.dev/v1beta1</c> Task, Pipeline, TaskRun or PipelineRun into its <c>tekton.dev/v1</c>
/// form, field for field as Tekton's conversion webhook does (<c>pkg/apis/pipeline/v1beta1/*_conversion.go</c>),
/// before the document is bound. It rewrites YAML nodes rather than records so that every value keeps the
/// line and column it was written at. What v1 cannot express (PipelineResources, Tekton bundles, the
/// status fields of a v1beta1 run that v1 renamed) is refused where it is written, with Tekton's message.
/// </summary>
internal sealed partial class V1beta1Converter
{
    /// <summary>The API version this converter reads.</summary>
    public const string SourceVersion = "tekton.dev/v1beta1";

    /// <summary>The API version it writes.</summary>
    public const string TargetVersion = "tekton.dev/v1";

    /// <summary>
    /// The annotation in which Tekton keeps the step fields v1 dropped (ports, probes, lifecycle, stdin, tty
    /// and the like), per task name, so that converting back loses nothing. They have no effect on a run.
    /// </summary>
    public const string DeprecationsAnnotation = "tekton.dev/v1beta1.task-deprecations";

    /// <summary>Tekton's message for a field that must not be given (<c>apis.ErrDisallowedFields</c>).</summary>
    private const string Disallowed = "must not set the field(s)";

    /// <summary>TaskRun status fields that v1 renamed (<c>taskResults</c> is <c>results</c>) or dropped.</summary>
    private static readonly string[] TaskRunStatusOnlyInV1beta1 = ["taskResults", "cloudEvents", "resourcesResult"];

    /// <summary>PipelineRun status fields that v1 renamed (<c>pipelineResults</c> is <c>results</c>) or dropped.</summary>
    private static readonly string[] PipelineRunStatusOnlyInV1beta1 = ["pipelineResults", "taskRuns", "runs"];

    private readonly DiagnosticBag _diagnostics;
    private readonly SortedDictionary<string, JsonObject> _deprecations = new(StringComparer.Ordinal);
    private SourceLocation? _firstDeprecated;

    private V1beta1Converter(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    /// <summary>Whether a kind of <c>tekton.dev/v1beta1</c> is converted here (StepAction is read as it is).</summary>
    public static bool Converts(string kind) => kind is "Task" or "Pipeline" or "TaskRun" or "PipelineRun";

    /// <summary>
    /// The v1 form of a v1beta1 document of a kind that <see cref="Converts"/>; what cannot be converted is
    /// reported and left out, so binding still finds every other problem in the same pass.
    /// </summary>
    public static YamlMapping Convert(YamlMapping root, string kind, DiagnosticBag diagnostics) =>
        new V1beta1Converter(diagnostics).Document(root, kind);

    private YamlMapping Document(YamlMapping root, string kind)
    {
        // Tekton keys the deprecations of a Task and of a TaskRun's taskSpec by the object's name.
        var name = (root.Get("metadata") as YamlMapping)?.Get("name") is YamlScalar { Kind: ScalarKind.String } n ? n.Value : string.Empty;
        var converted = Entries(root, (key, value) => key.Value switch
        {
            "apiVersion" => Kept(key, Scalar(value.Location, TargetVersion)),
            "spec" => Kept(key, kind switch
            {
                "Task" => TaskSpec(value, "spec", name),
                "Pipeline" => PipelineSpec(value, "spec"),
                "TaskRun" => TaskRunSpec(value, "spec", name),
                _ => PipelineRunSpec(value, "spec"),
            }),
            "status" when kind is "TaskRun" or "PipelineRun" && value is YamlMapping status => Kept(key, Status(status, kind)),
            _ => Kept(key, value),
        });
        return _deprecations.Count == 0 ? converted : WithDeprecations(converted);
    }

    /// <summary>
    /// A run's status: the fields both versions write alike are kept (an exported run often carries
    /// <c>status: {podName: ""}</c>); those v1 renamed or dropped are refused, since Sluice writes the status
    /// of the runs it runs and does not convert what a v1beta1 controller wrote.
    /// </summary>
    private YamlMapping Status(YamlMapping status, string kind) => Entries(status, (key, value) =>
        Array.IndexOf(kind == "TaskRun" ? TaskRunStatusOnlyInV1beta1 : PipelineRunStatusOnlyInV1beta1, key.Value) >= 0
            ? Refuse(key, Join("status", key.Value), $"Sluice converts the spec of a {SourceVersion} {kind}, not its status", "remove status: Sluice writes the status of the runs it runs")
            : Kept(key, value));

    /// <summary>Reports a field v1 cannot express and leaves it out.</summary>
    private KeyValuePair<YamlScalar, YamlNode>? Refuse(YamlScalar key, string path, string message, string fix)
    {
        _diagnostics.Add(key.Location, path, message, fix);
        return null;
    }

    /// <summary>Reports a PipelineResource field (refused by Tekton's v1beta1 validation too) and leaves it out.</summary>
    private KeyValuePair<YamlScalar, YamlNode>? RefuseResources(YamlScalar key, string path) =>
        Refuse(key, path, Disallowed, "PipelineResources were removed from Tekton and v1 has nothing like them: pass values as params and files through workspaces (a git-clone task instead of a git resource, for example)");

    /// <summary>Reports a Tekton bundle reference (refused by Tekton's v1beta1 validation too) and leaves it out.</summary>
    private KeyValuePair<YamlScalar, YamlNode>? RefuseBundle(YamlScalar key, YamlNode value, string path) => IsNull(value) || value is YamlScalar { Value.Length: 0 }
        ? null
        : Refuse(key, path, Disallowed, "Tekton bundles are referenced through the bundles resolver in v1: {resolver: bundles, params: [{name: bundle, value: ...}, {name: name, value: ...}, {name: kind, value: task}]}");

    /// <summary>
    /// Reports a field that exists in v1 but not in v1beta1 (<c>computeResources</c> on a step, for instance),
    /// as the binder reports any unknown field: converting would otherwise give the same key twice.
    /// </summary>
    private KeyValuePair<YamlScalar, YamlNode>? Unknown(YamlScalar key, string path, string v1beta1Name) =>
        Refuse(key, path, $"unknown field {GoQuote.Of(key.Value)}", $"{SourceVersion} calls it {v1beta1Name}; or write the file as {TargetVersion}");

    /// <summary>Keeps the deprecated fields of one task's steps and step template for the annotation.</summary>
    private void RecordDeprecations(string taskName, JsonArray steps, JsonObject? stepTemplate, SourceLocation first)
    {
        var deprecation = new JsonObject { ["deprecatedSteps"] = steps };
        if (stepTemplate is not null)
        {
            deprecation["deprecatedStepTemplate"] = stepTemplate;
        }

        _deprecations[taskName] = deprecation;
        _firstDeprecated ??= first;
    }

    /// <summary>The document with the deprecations annotation added to its metadata, merged with one already there.</summary>
    private YamlMapping WithDeprecations(YamlMapping root)
    {
        var location = _firstDeprecated ?? root.Location;
        var metadata = root.Get("metadata");
        if (metadata is not null and not YamlMapping)
        {
            return root;
        }

        var annotations = (metadata as YamlMapping)?.Get("annotations");
        if (annotations is not null and not YamlMapping)
        {
            return root;
        }

        var value = new JsonObject();
        if ((annotations as YamlMapping)?.Get(DeprecationsAnnotation) is YamlScalar existing)
        {
            try
            {
                if (JsonNode.Parse(existing.Value) is JsonObject given)
                {
                    foreach (var (task, deprecation) in given)
                    {
                        value[task] = deprecation?.DeepClone();
                    }
                }
            }
            catch (JsonException e)
            {
                _diagnostics.Add(existing.Location, $"metadata.annotations.{DeprecationsAnnotation}", $"error serializing key {DeprecationsAnnotation} from metadata: {e.Message}", "remove the annotation: Tekton writes it when it converts");
                return root;
            }
        }

        foreach (var (task, deprecation) in _deprecations)
        {
            value[task] = deprecation;
        }

        var text = Scalar(location, value.ToJsonString());
        var newAnnotations = annotations is YamlMapping a ? With(a, DeprecationsAnnotation, text, location) : Mapping(location, [new(Scalar(location, DeprecationsAnnotation), text)]);
        var newMetadata = metadata is YamlMapping m ? With(m, "annotations", newAnnotations, location) : Mapping(location, [new(Scalar(location, "annotations"), newAnnotations)]);
        return With(root, "metadata", newMetadata, location);
    }

    /// <summary>A node as JSON, for the annotation.</summary>
    private static JsonNode? Json(YamlNode node, string path) =>
        new NodeBinder(new DiagnosticBag(), new SourceMap()).Bind<JsonNode>(node, path);

    private static string Join(string path, string field) => NodeBinder.Join(path, field);
}
