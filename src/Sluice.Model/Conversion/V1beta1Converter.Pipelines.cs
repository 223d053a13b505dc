using Sluice.Model.Yaml;
using static Sluice.Model.Conversion.YamlEdit;

namespace Sluice.Model.Conversion;

/// <summary>Pipeline specs and references: <c>pipeline_conversion.go</c>, <c>taskref_conversion.go</c>, <c>pipelineref_conversion.go</c>.</summary>
internal sealed partial class V1beta1Converter
{
    private YamlNode PipelineSpec(YamlNode node, string path)
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
                // Tekton's validation refuses a non-empty list (len(ps.Resources) > 0).
                "resources" => IsNull(value) || value is YamlSequence { Items.Length: 0 } ? null : RefuseResources(key, field),
                "tasks" or "finally" when value is YamlSequence sequence =>
                    Kept(key, Items(sequence, (task, i) => PipelineTask(task, $"{field}[{i}]"))),
                _ => Kept(key, value),
            };
        });
    }

    private YamlNode PipelineTask(YamlNode node, string path)
    {
        if (node is not YamlMapping task)
        {
            return node;
        }

        // The deprecations of an embedded task are kept under the pipeline task's name.
        var name = task.Get("name") is YamlScalar { Kind: ScalarKind.String } n ? n.Value : string.Empty;
        return Entries(task, (key, value) =>
        {
            var field = Join(path, key.Value);
            return key.Value switch
            {
                "resources" => IsNull(value) ? null : RefuseResources(key, field),
                "taskRef" or "pipelineRef" => Kept(key, Reference(value, field)),
                "taskSpec" => Kept(key, TaskSpec(value, field, name)),

                // Tekton's conversion leaves pipelines in pipelines (alpha) out; v1 has them, so they are kept.
                "pipelineSpec" => Kept(key, PipelineSpec(value, field)),
                _ => Kept(key, value),
            };
        });
    }

    /// <summary>A taskRef or pipelineRef: the same fields in v1 but <c>bundle</c>, which neither version accepts any more.</summary>
    private YamlNode Reference(YamlNode node, string path) => node is YamlMapping reference
        ? Entries(reference, (key, value) => key.Value == "bundle" ? RefuseBundle(key, value, Join(path, key.Value)) : Kept(key, value))
        : node;
}
