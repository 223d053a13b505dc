using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Hosting.Tests.Examples;

/// <summary>
/// The conference app's Helm chart, read as files, since no Helm is at hand to render it: its
/// metadata, its values against their schema, and the named templates its templates include.
/// </summary>
public sealed partial class ConferenceAppChartTests
{
    private static readonly string RepositoryRoot = typeof(ConferenceAppChartTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static string Chart => Path.Combine(RepositoryRoot, "examples", "conference-app", "chart", "conference-app");

    [Fact]
    public void The_chart_is_an_application_chart_at_version_0_1_0()
    {
        var chart = (JsonObject)Load("Chart.yaml");

        Assert.Equal(("v2", "conference-app", "0.1.0", "application"), ((string?)chart["apiVersion"], (string?)chart["name"], (string?)chart["version"], (string?)chart["type"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["appVersion"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["description"]));
    }

    [Fact]
    public void The_values_satisfy_their_schema_which_refuses_a_wrong_port_and_an_unknown_block()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Chart, "values.schema.json")));
        var values = Load("values.yaml");

        Assert.Empty(Errors(schema, values));

        var wrongPort = values.DeepClone();
        wrongPort["frontend"]!["port"] = 0;
        Assert.NotEmpty(Errors(schema, wrongPort));

        var unknownBlock = values.DeepClone();
        unknownBlock["billingService"] = new JsonObject();
        Assert.NotEmpty(Errors(schema, unknownBlock));
    }

    [Fact]
    public void Every_service_has_a_template_and_every_included_template_is_defined()
    {
        var templates = Path.Combine(Chart, "templates");
        var text = Directory.GetFiles(templates).ToDictionary(path => Path.GetFileName(path), File.ReadAllText);
        var defined = Define().Matches(text["_helpers.tpl"]).Select(m => m.Groups["name"].Value).ToHashSet();

        var included = text.Values.SelectMany(t => Include().Matches(t)).Select(m => m.Groups["name"].Value).Distinct();
        Assert.All(included, name => Assert.Contains(name, defined));
        Assert.All(["agenda-service", "c4p-service", "notifications-service", "frontend"], service => Assert.Contains($"{service}.yaml", text.Keys));
        Assert.Contains("NOTES.txt", text.Keys);
        Assert.All(text, file => Assert.Equal(file.Value.Split("{{").Length, file.Value.Split("}}").Length));
    }

    private static List<string> Errors(JsonSchema schema, JsonNode values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    /// <summary>A YAML file as JSON, its plain scalars typed as YAML 1.2's core schema types them.</summary>
    private static JsonNode Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Chart, file)))
        {
            stream.Load(reader);
        }

        return ToJson(stream.Documents[0].RootNode)!;

        static JsonNode? ToJson(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
            YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "null" or "~" } => null,
            YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
            YamlScalarNode { Style: ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType} at {node.Start}"),
        };
    }

    [GeneratedRegex("""\{\{-?\s*define\s+"(?<name>[^"]+)"\s*-?\}\}""")]
    private static partial Regex Define();

    [GeneratedRegex("""include\s+"(?<name>[^"]+)"\s""")]
    private static partial Regex Include();
}
