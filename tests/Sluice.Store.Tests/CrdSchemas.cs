using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace Sluice.Store.Tests;

/// <summary>
/// Tekton's v1 CRD schemas (<c>$SLUICE_CONFORMANCE_DIR/tekton/crds</c>) as JSON Schemas: each kind's
/// <c>openAPIV3Schema</c> with the Kubernetes extensions turned into their JSON Schema meaning
/// (<c>nullable</c>, <c>x-kubernetes-int-or-string</c>); unknown fields are allowed, as the API server prunes them.
/// </summary>
internal static class CrdSchemas
{
    private static readonly Dictionary<string, JsonSchema> Loaded = [];
    private static readonly Lock Gate = new();

    /// <summary>Validates a resource against its kind's v1 schema; returns the errors as "path: message" lines.</summary>
    public static IReadOnlyList<string> Validate(JsonNode resource)
    {
        var kind = resource["kind"]?.GetValue<string>() ?? throw new ArgumentException("the resource has no kind", nameof(resource));
        using var document = JsonDocument.Parse(resource.ToJsonString());
        var result = SchemaFor(kind).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private static JsonSchema SchemaFor(string kind)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(kind, out var schema))
            {
                var file = Path.Combine(Directory, $"300-{kind.ToLowerInvariant()}.yaml");
                var stream = new YamlStream();
                using (var reader = new StreamReader(file))
                {
                    stream.Load(reader);
                }

                var crd = (YamlMappingNode)stream.Documents[0].RootNode;
                var versions = (YamlSequenceNode)((YamlMappingNode)crd["spec"])["versions"];
                var v1 = versions.Children.OfType<YamlMappingNode>().Single(v => ((YamlScalarNode)v["name"]).Value == "v1");
                var openApi = ((YamlMappingNode)((YamlMappingNode)v1["schema"])["openAPIV3Schema"]);
                schema = JsonSchema.FromText(Convert(openApi)!.ToJsonString(), baseUri: new Uri($"https://crds.sluice.test/{kind.ToLowerInvariant()}"));
                Loaded[kind] = schema;
            }

            return schema;
        }
    }

    private static JsonNode? Convert(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            return null;
        }

        var schema = new JsonObject();
        var nullable = map.Children.TryGetValue(new YamlScalarNode("nullable"), out var n) && ((YamlScalarNode)n).Value == "true";
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            switch (key)
            {
                case "type":
                    var type = ((YamlScalarNode)value).Value!;
                    schema["type"] = nullable ? new JsonArray(type, "null") : type;
                    break;
                case "properties":
                    var properties = new JsonObject();
                    foreach (var (name, property) in ((YamlMappingNode)value).Children)
                    {
                        properties[((YamlScalarNode)name).Value!] = Convert(property);
                    }

                    schema["properties"] = properties;
                    break;
                case "items" or "additionalProperties" when value is YamlMappingNode:
                    schema[key] = Convert(value);
                    break;
                case "required":
                    schema["required"] = new JsonArray([.. ((YamlSequenceNode)value).Children.Select(c => (JsonNode)((YamlScalarNode)c).Value!)]);
                    break;
                case "enum":
                    schema["enum"] = new JsonArray([.. ((YamlSequenceNode)value).Children.Select(c => (JsonNode)((YamlScalarNode)c).Value!)]);
                    break;
                case "x-kubernetes-int-or-string" when ((YamlScalarNode)value).Value == "true":
                    schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
                    break;
            }
        }

        return schema;
    }

    private static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SLUICE_CONFORMANCE_DIR");
            var root = typeof(CrdSchemas).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!;
            var conformance = Path.GetFullPath(Path.Combine(root, string.IsNullOrEmpty(configured) ? Path.Combine("..", "shared", "conformance") : configured));
            var crds = Path.Combine(conformance, "tekton", "crds");
            return System.IO.Directory.Exists(crds)
                ? crds
                : throw new InvalidOperationException($"Tekton's CRD schemas are missing: {crds} does not exist; set SLUICE_CONFORMANCE_DIR to the directory that holds tekton/crds");
        }
    }
}
