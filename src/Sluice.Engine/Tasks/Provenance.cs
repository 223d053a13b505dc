using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Engine.Tasks;

/// <summary>
/// A provenance file (<c>provenance.json</c>) read as Tekton's <c>Artifacts</c> type
/// (pkg/apis/pipeline/v1/artifact_types.go): named input and output artifacts, each a list of values with a
/// URI and digests. Reading follows encoding/json into those structs: field names match whatever their
/// case, other fields are ignored, null leaves a field empty, and a value of another type makes the whole
/// file unreadable (Tekton logs the error and uses nothing).
/// </summary>
public sealed partial record Provenance
{
    /// <summary>No artifacts.</summary>
    public static Provenance Empty { get; } = new();

    /// <summary>The input artifacts, in file order.</summary>
    public ImmutableArray<Artifact> Inputs { get; init; } = [];

    /// <summary>The output artifacts, in file order.</summary>
    public ImmutableArray<Artifact> Outputs { get; init; } = [];

    /// <summary>Whether there is no artifact at all.</summary>
    public bool IsEmpty => Inputs.IsEmpty && Outputs.IsEmpty;

    /// <summary>Reads a provenance file, or returns null when it is not valid JSON of Tekton's shape.</summary>
    public static Provenance? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a TaskRun's <c>status.artifacts</c> as stored, or returns null when there is none or it has another shape.</summary>
    public static Provenance? FromNode(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(node.ToJsonString());
        return Read(document.RootElement);
    }

    /// <summary>
    /// Tekton's <c>Artifacts.Merge</c>: artifacts are grouped by name, a value already present is not added
    /// twice, and an output is a build output when any merged one is. Tekton iterates Go maps here, so its
    /// order is unspecified; this keeps the order names were first seen in.
    /// </summary>
    public Provenance Merge(Provenance other)
    {
        var inputs = new List<(string Name, List<ArtifactValue> Values)>();
        foreach (var input in Inputs)
        {
            var group = Group(inputs, input.Name).Values;
            group.Clear();
            group.AddRange(input.Values);
        }

        foreach (var input in other.Inputs)
        {
            AddNew(Group(inputs, input.Name).Values, input.Values);
        }

        var outputs = new List<(string Name, List<ArtifactValue> Values)>();
        var buildOutputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in Outputs)
        {
            var group = Group(outputs, output.Name).Values;
            group.Clear();
            group.AddRange(output.Values);
            if (!output.BuildOutput)
            {
                buildOutputs.Remove(output.Name);
            }
            else
            {
                buildOutputs.Add(output.Name);
            }
        }

        foreach (var output in other.Outputs)
        {
            AddNew(Group(outputs, output.Name).Values, output.Values);
            if (output.BuildOutput)
            {
                buildOutputs.Add(output.Name);
            }
        }

        return new Provenance
        {
            Inputs = [.. inputs.Select(g => new Artifact(g.Name, [.. g.Values], false))],
            Outputs = [.. outputs.Select(g => new Artifact(g.Name, [.. g.Values], buildOutputs.Contains(g.Name)))],
        };
    }

    /// <summary>The artifacts as Tekton writes <c>status.artifacts</c>: empty lists and fields left out.</summary>
    public JsonObject ToNode()
    {
        var node = new JsonObject();
        if (!Inputs.IsEmpty)
        {
            node["inputs"] = ToNode(Inputs);
        }

        if (!Outputs.IsEmpty)
        {
            node["outputs"] = ToNode(Outputs);
        }

        return node;
    }

    /// <summary>A list of artifacts as Tekton writes it in status (<c>steps[].inputs</c>, <c>steps[].outputs</c>), or null when empty.</summary>
    public static JsonArray? ToNode(ImmutableArray<Artifact> artifacts)
    {
        if (artifacts.IsEmpty)
        {
            return null;
        }

        var array = new JsonArray();
        foreach (var artifact in artifacts)
        {
            var item = new JsonObject();
            if (artifact.Name.Length > 0)
            {
                item["name"] = artifact.Name;
            }

            if (!artifact.Values.IsEmpty)
            {
                item["values"] = new JsonArray([.. artifact.Values.Select(ValueNode)]);
            }

            if (artifact.BuildOutput)
            {
                item["buildOutput"] = true;
            }

            array.Add(item);
        }

        return array;
    }

    /// <summary>
    /// The values of one artifact as json.Marshal writes a Go slice of <c>ArtifactValue</c>: what
    /// <c>$(steps.s.outputs.name)</c> and <c>$(tasks.t.outputs.name)</c> become. A list the file gave as
    /// null or left out is <c>null</c>.
    /// </summary>
    public static string Marshal(Artifact artifact)
    {
        if (artifact.ValuesAbsent)
        {
            return "null";
        }

        var builder = new StringBuilder("[");
        for (var i = 0; i < artifact.Values.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            var value = artifact.Values[i];
            builder.Append('{');
            if (!value.Digest.IsEmpty)
            {
                builder.Append("\"digest\":").AppendStringMap(value.Digest);
            }

            if (value.Uri.Length > 0)
            {
                builder.Append(value.Digest.IsEmpty ? string.Empty : ",").Append("\"uri\":").AppendString(value.Uri);
            }

            builder.Append('}');
        }

        return builder.Append(']').ToString();
    }

    private static JsonObject ValueNode(ArtifactValue value)
    {
        var node = new JsonObject();
        if (!value.Digest.IsEmpty)
        {
            node["digest"] = new JsonObject(value.Digest.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));
        }

        if (value.Uri.Length > 0)
        {
            node["uri"] = value.Uri;
        }

        return node;
    }

    private static (string Name, List<ArtifactValue> Values) Group(List<(string Name, List<ArtifactValue> Values)> groups, string name)
    {
        foreach (var group in groups)
        {
            if (group.Name == name)
            {
                return group;
            }
        }

        groups.Add((name, []));
        return groups[^1];
    }

    private static void AddNew(List<ArtifactValue> values, ImmutableArray<ArtifactValue> added)
    {
        foreach (var value in added)
        {
            if (!values.Any(v => v.SameAs(value)))
            {
                values.Add(value);
            }
        }
    }
}

/// <summary>One named artifact of a provenance file.</summary>
/// <param name="Name">Its category name, such as <c>image</c>.</param>
/// <param name="Values">Its values.</param>
/// <param name="BuildOutput">Whether it is a build output rather than a by-product.</param>
public sealed record Artifact(string Name, ImmutableArray<ArtifactValue> Values, bool BuildOutput)
{
    /// <summary>Whether the file gave no list of values at all (null or left out), which marshals as <c>null</c>.</summary>
    public bool ValuesAbsent { get; init; }
}

/// <summary>One value of an artifact.</summary>
/// <param name="Digest">Digests by algorithm, such as <c>sha256</c>.</param>
/// <param name="Uri">Where the value can be found, such as a package URL.</param>
public sealed record ArtifactValue(ImmutableSortedDictionary<string, string> Digest, string Uri)
{
    /// <summary>Equal digests and URI (Go's <c>cmp.Equal</c> on the struct).</summary>
    public bool SameAs(ArtifactValue other) =>
        Uri == other.Uri && Digest.Count == other.Digest.Count && Digest.All(kv => other.Digest.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
