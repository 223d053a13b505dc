using YamlDotNet.RepresentationModel;

namespace Sluice.Model.Tests.Documentation;

/// <summary>
/// The field paths of Tekton's CRD schemas (<c>$SLUICE_CONFORMANCE_DIR/tekton/crds</c>): the v1 versions of
/// Task, TaskRun, Pipeline and PipelineRun and the v1beta1 version of StepAction, which has no v1. A path
/// is the kind and the property names from the root, <c>[]</c> after a list and <c>{}</c> after a map
/// (<c>Task.spec.steps[].onError</c>, <c>Task.spec.params[].properties{}.type</c>).
/// </summary>
internal static class CrdFields
{
    /// <summary>
    /// Fields documented as a whole: their own row is enough and what lies below them needs none. They are
    /// Kubernetes core types that Tekton passes to the pod unchanged (a step's env, securityContext or
    /// volumeMounts, a sidecar's probes, a workspace's volume sources, podTemplate), and status fields that
    /// hold a copy of something documented elsewhere (status.taskSpec is a Task's spec, conditions are
    /// Knative's Condition, provenance records where the spec came from).
    /// </summary>
    public static readonly IReadOnlySet<string> DocumentedWhole = new HashSet<string>(StringComparer.Ordinal)
    {
        "metadata", "podTemplate", "computeResources", "securityContext", "env", "envFrom", "volumeMounts", "volumeDevices",
        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "ports",
        "emptyDir", "persistentVolumeClaim", "configMap", "secret", "projected", "csi",
        "running", "waiting", "terminated", "conditions", "taskSpec", "provenance",
    };

    private static readonly (string Kind, string File, string Version)[] Kinds =
    [
        ("Task", "300-task.yaml", "v1"),
        ("TaskRun", "300-taskrun.yaml", "v1"),
        ("Pipeline", "300-pipeline.yaml", "v1"),
        ("PipelineRun", "300-pipelinerun.yaml", "v1"),
        ("StepAction", "300-stepaction.yaml", "v1beta1"),
    ];

    private static (IReadOnlySet<string> All, IReadOnlySet<string> NeedingRows)? _loaded;

    /// <summary>The kinds whose fields are listed.</summary>
    public static IEnumerable<string> KindNames => Kinds.Select(k => k.Kind);

    /// <summary>Every field path of the schemas, at any depth.</summary>
    public static IReadOnlySet<string> All => Load().All;

    /// <summary>The paths that need a row: every path with no <see cref="DocumentedWhole"/> field above it.</summary>
    public static IReadOnlySet<string> NeedingRows => Load().NeedingRows;

    private static (IReadOnlySet<string> All, IReadOnlySet<string> NeedingRows) Load()
    {
        if (_loaded is { } loaded)
        {
            return loaded;
        }

        var directory = Path.GetFullPath(Path.Combine(Support.ConformanceExamples.Directory, "..", "crds"));
        var all = new SortedSet<string>(StringComparer.Ordinal);
        var needingRows = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (kind, file, version) in Kinds)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"the CRD schema of {kind} is missing: {path} does not exist; set SLUICE_CONFORMANCE_DIR to the directory that holds tekton/crds");
            }

            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }

            var versions = (YamlSequenceNode)Child((YamlMappingNode)stream.Documents[0].RootNode, "spec")!["versions"];
            var schema = versions.Children.OfType<YamlMappingNode>().SingleOrDefault(v => ((YamlScalarNode)v["name"]).Value == version)
                ?? throw new InvalidOperationException($"{path} has no {version} version");
            var openApi = Child(Child(schema, "schema")!, "openAPIV3Schema")!;
            Walk(openApi, kind, underWhole: false, all, needingRows);
        }

        _loaded = (all, needingRows);
        return _loaded.Value;
    }

    private static void Walk(YamlMappingNode schema, string path, bool underWhole, SortedSet<string> all, SortedSet<string> needingRows)
    {
        if (Child(schema, "properties") is { } properties)
        {
            foreach (var (key, value) in properties.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                var field = $"{path}.{name}";
                all.Add(field);
                if (!underWhole)
                {
                    needingRows.Add(field);
                }

                Walk((YamlMappingNode)value, field, underWhole || DocumentedWhole.Contains(name), all, needingRows);
            }
        }

        if (Child(schema, "items") is { } items)
        {
            Walk(items, path + "[]", underWhole, all, needingRows);
        }

        if (Child(schema, "additionalProperties") is { } values)
        {
            Walk(values, path + "{}", underWhole, all, needingRows);
        }
    }

    private static YamlMappingNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;
}
