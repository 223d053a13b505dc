using System.Text.Json.Nodes;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;
using static Sluice.Model.Conversion.YamlEdit;

namespace Sluice.Model.Conversion;

/// <summary>Task specs: <c>task_conversion.go</c> and <c>container_conversion.go</c>.</summary>
internal sealed partial class V1beta1Converter
{
    /// <summary>
    /// Step fields that v1 dropped (<c>Deprecated*</c> in v1beta1's <c>Step</c>): accepted, kept only in the
    /// deprecations annotation, without effect on a run, as in Tekton.
    /// </summary>
    private static readonly string[] DeprecatedStepFields =
    [
        "ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty",
    ];

    /// <summary>The step template has one more: its <c>name</c>.</summary>
    private static readonly string[] DeprecatedStepTemplateFields = ["name", .. DeprecatedStepFields];

    /// <summary>
    /// A TaskSpec, bare (a Task's or a TaskRun's) or embedded (a pipeline task's, whose <c>apiVersion</c>,
    /// <c>kind</c>, <c>spec</c> and <c>metadata</c> are the same in both versions and pass through).
    /// </summary>
    private YamlNode TaskSpec(YamlNode node, string path, string taskName)
    {
        if (node is not YamlMapping spec)
        {
            return node;
        }

        var steps = new JsonArray();
        JsonObject? template = null;
        var converted = Entries(spec, (key, value) =>
        {
            var field = Join(path, key.Value);
            switch (key.Value)
            {
                case "resources":
                    return IsNull(value) ? null : RefuseResources(key, field);
                case "steps" when value is YamlSequence sequence:
                    return Kept(key, Items(sequence, (step, i) =>
                    {
                        var (convertedStep, deprecatedInStep) = Container(step, $"{field}[{i}]", DeprecatedStepFields);
                        steps.Add(deprecatedInStep);
                        return convertedStep;
                    }));
                case "stepTemplate":
                    var (stepTemplate, deprecatedInTemplate) = Container(value, field, DeprecatedStepTemplateFields);
                    template = deprecatedInTemplate.Count > 0 ? deprecatedInTemplate : null;
                    return Kept(key, stepTemplate);
                case "sidecars" when value is YamlSequence sequence:
                    return Kept(key, Items(sequence, (sidecar, i) => Container(sidecar, $"{field}[{i}]", []).Node));
                default:
                    return Kept(key, value);
            }
        });

        if (FirstDeprecated(spec) is { } first)
        {
            RecordDeprecations(taskName, steps, template, first);
        }

        return converted;
    }

    /// <summary>
    /// A step, step template or sidecar: <c>resources</c> becomes <c>computeResources</c>, and the deprecated
    /// fields are taken out into a JSON object (empty when there are none: Tekton lists one entry per step).
    /// </summary>
    private (YamlNode Node, JsonObject Deprecated) Container(YamlNode node, string path, string[] deprecatedFields)
    {
        var deprecated = new JsonObject();
        if (node is not YamlMapping container)
        {
            return (node, deprecated);
        }

        var converted = Entries(container, (key, value) =>
        {
            var field = Join(path, key.Value);
            if (key.Value == "resources")
            {
                return Renamed(key, "computeResources", value);
            }

            if (key.Value == "computeResources")
            {
                return Unknown(key, field, "resources");
            }

            if (Array.IndexOf(deprecatedFields, key.Value) >= 0)
            {
                deprecated[key.Value] = Json(value, field);
                return null;
            }

            return Kept(key, value);
        });
        return (converted, deprecated);
    }

    /// <summary>Where the first deprecated field of a TaskSpec's steps or step template is written.</summary>
    private static SourceLocation? FirstDeprecated(YamlMapping spec)
    {
        var locations = new List<SourceLocation>();
        if (spec.Get("steps") is YamlSequence steps)
        {
            locations.AddRange(steps.Items.OfType<YamlMapping>().SelectMany(s => s.Entries)
                .Where(e => Array.IndexOf(DeprecatedStepFields, e.Key.Value) >= 0)
                .Select(e => e.Key.Location));
        }

        if (spec.Get("stepTemplate") is YamlMapping template)
        {
            locations.AddRange(template.Entries
                .Where(e => Array.IndexOf(DeprecatedStepTemplateFields, e.Key.Value) >= 0)
                .Select(e => e.Key.Location));
        }

        return locations.Count == 0 ? null : locations.MinBy(l => (l.Line, l.Column));
    }
}
