using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;

namespace Sluice.Catalog.Charts;

/// <summary>
/// Checks values.yaml against values.schema.json, as Helm does before it installs: each violation is
/// reported at the value's position with its values path and the schema's message.
/// </summary>
internal static class ValuesSchema
{
    public static void Check(ChartSource chart, DiagnosticBag problems)
    {
        var schemaPath = Path.Combine(chart.Directory, ChartSource.SchemaFile);
        if (!File.Exists(schemaPath))
        {
            return;
        }

        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromText(File.ReadAllText(schemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? 0) + 1;
            var column = (int)(exception.BytePositionInLine ?? 0) + 1;
            problems.Add(new SourceLocation(schemaPath, line, column), "", $"values.schema.json is not valid JSON: {exception.Message}", "fix the JSON at this position");
            return;
        }
        catch (Exception exception) when (exception is JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            problems.Add(new SourceLocation(schemaPath, 1, 1), "", $"values.schema.json is not a JSON Schema: {exception.Message}", "fix the schema");
            return;
        }

        var before = problems.Count;
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var documents = YamlReader.Read(chart.ValuesYaml ?? "", chart.ValuesPath, problems);
        if (problems.Count > before)
        {
            return;
        }

        var values = documents.FirstOrDefault()?.Root is { } root ? ToJson(root, "", locations) : new JsonObject();
        values ??= new JsonObject();
        using var instance = JsonDocument.Parse(values.ToJsonString());
        var results = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        foreach (var detail in results.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                var pointer = detail.InstanceLocation.ToString();
                var location = locations.GetValueOrDefault(pointer, new SourceLocation(chart.ValuesPath, 0, 0));
                var path = ValuesPath(detail.InstanceLocation.ToString());
                problems.Add(location, path, message, $"make {(path.Length == 0 ? "the values" : path)} satisfy the schema's {keyword} at {detail.SchemaLocation}");
            }
        }
    }

    /// <summary>The JSON form of a values node, recording each node's position under its JSON pointer.</summary>
    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, SourceLocation> locations)
    {
        locations[pointer] = node.Location;
        switch (node)
        {
            case YamlMapping mapping:
                var result = new JsonObject();
                foreach (var (key, value) in mapping.Entries)
                {
                    result[key.Value] = ToJson(value, $"{pointer}/{key.Value.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}", locations);
                }

                return result;
            case YamlSequence sequence:
                return new JsonArray([.. sequence.Items.Select((item, i) => ToJson(item, $"{pointer}/{i}", locations))]);
            case YamlScalar scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalar scalar) => scalar.Kind switch
    {
        ScalarKind.Null => null,
        ScalarKind.Boolean => JsonValue.Create(scalar.Value.ToUpperInvariant() is "TRUE" or "YES" or "ON" or "Y"),
        ScalarKind.Integer when long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        ScalarKind.Integer or ScalarKind.Float when double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) => JsonValue.Create(real),
        _ => JsonValue.Create(scalar.Value),
    };

    /// <summary>A JSON pointer as a values path: <c>/agenda/image/tag</c> is <c>agenda.image.tag</c>, array items are <c>[0]</c>.</summary>
    internal static string ValuesPath(string pointer)
    {
        var path = new System.Text.StringBuilder();
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                path.Append('[').Append(key).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? "" : ".").Append(key);
            }
        }

        return path.ToString();
    }
}
