using Sluice.Model.Yaml;
using static Sluice.Model.Conversion.YamlEdit;

namespace Sluice.Model.Conversion;

/// <summary>Run specs: <c>taskrun_conversion.go</c> and <c>pipelinerun_conversion.go</c>.</summary>
internal sealed partial class V1beta1Converter
{
    private YamlNode TaskRunSpec(YamlNode node, string path, string runName)
    {
        if (node is not YamlMapping spec)
        {
            return node;
        }

        return Entries(spec, (key, value) =>
        {
            var field = Join(path, key.Value);
            return key.Value switch
            {
                "resources" => IsNull(value) ? null : RefuseResources(key, field),
                "taskRef" => Kept(key, Reference(value, field)),
                "taskSpec" => Kept(key, TaskSpec(value, field, runName)),
                "stepOverrides" => Renamed(key, "stepSpecs", Overrides(value, field)),
                "sidecarOverrides" => Renamed(key, "sidecarSpecs", Overrides(value, field)),
                "stepSpecs" => Unknown(key, field, "stepOverrides"),
                "sidecarSpecs" => Unknown(key, field, "sidecarOverrides"),
                _ => Kept(key, value),
            };
        });
    }

    private YamlNode PipelineRunSpec(YamlNode node, string path)
    {
        if (node is not YamlMapping spec)
        {
            return node;
        }

        // serviceAccountName and podTemplate move into taskRunTemplate, written where the first of them is.
        var template = spec.Entries.Where(e => e.Key.Value is "serviceAccountName" or "podTemplate" && !IsNull(e.Value)).ToList();
        var hasTimeouts = !IsNull(spec.Get("timeouts"));
        return Entries(spec, (key, value) =>
        {
            var field = Join(path, key.Value);
            switch (key.Value)
            {
                case "resources":
                    return IsNull(value) ? null : RefuseResources(key, field);
                case "pipelineRef":
                    return Kept(key, Reference(value, field));
                case "pipelineSpec":
                    return Kept(key, PipelineSpec(value, field));
                case "timeout" when IsNull(value):
                    return null;
                case "timeout" when hasTimeouts:
                    return Refuse(key, $"{field}, {Join(path, "timeouts")}", Disallowed, "give the pipeline's timeout once, as timeouts.pipeline");
                case "timeout":
                    return Renamed(key, "timeouts", Mapping(key.Location, [Renamed(key, "pipeline", value)]));
                case "serviceAccountName" or "podTemplate":
                    return template.Count > 0 && template[0].Key == key ? Renamed(key, "taskRunTemplate", Mapping(key.Location, template)) : null;
                case "taskRunTemplate":
                    return Unknown(key, field, "serviceAccountName and podTemplate, directly under spec");
                case "taskRunSpecs" when value is YamlSequence sequence:
                    return Kept(key, Items(sequence, (item, i) => PipelineTaskRunSpec(item, $"{field}[{i}]")));
                default:
                    return Kept(key, value);
            }
        });
    }

    private YamlNode PipelineTaskRunSpec(YamlNode node, string path) => node is YamlMapping spec
        ? Entries(spec, (key, value) =>
        {
            var field = Join(path, key.Value);
            return key.Value switch
            {
                "taskServiceAccountName" => Renamed(key, "serviceAccountName", value),
                "taskPodTemplate" => Renamed(key, "podTemplate", value),
                "stepOverrides" => Renamed(key, "stepSpecs", Overrides(value, field)),
                "sidecarOverrides" => Renamed(key, "sidecarSpecs", Overrides(value, field)),
                "serviceAccountName" => Unknown(key, field, "taskServiceAccountName"),
                "podTemplate" => Unknown(key, field, "taskPodTemplate"),
                "stepSpecs" => Unknown(key, field, "stepOverrides"),
                "sidecarSpecs" => Unknown(key, field, "sidecarOverrides"),
                _ => Kept(key, value),
            };
        })
        : node;

    /// <summary>Step or sidecar overrides: v1's step and sidecar specs, whose <c>resources</c> are <c>computeResources</c>.</summary>
    private YamlNode Overrides(YamlNode node, string path) => node is YamlSequence sequence
        ? Items(sequence, (item, i) => item is YamlMapping mapping
            ? Entries(mapping, (key, value) => key.Value switch
            {
                "resources" => Renamed(key, "computeResources", value),
                "computeResources" => Unknown(key, $"{path}[{i}].{key.Value}", "resources"),
                _ => Kept(key, value),
            })
            : item)
        : node;
}
