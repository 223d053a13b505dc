using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Yaml;

namespace Sluice.Model.Binding;

/// <summary>
/// Scalars as Tekton receives them: Kubernetes turns the YAML into JSON (go-yaml v2 resolution, encoding/json
/// numbers) and Tekton's Go types decode that JSON.
/// </summary>
internal sealed partial class NodeBinder
{
    private const string MappingFix = "write the fields as key: value entries under it";
    private const string DurationFix = "write a Go duration string such as \"90s\", \"10m\" or \"1h30m\"";

    private string? BindString(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.String } scalar)
        {
            return scalar.Value;
        }

        var fix = node switch
        {
            YamlScalar s => $"quote it: {GoQuote.Of(s.Value)}",
            YamlMapping => "quote the text, or write it as a block scalar (|) if it spans lines; a \"key: value\" inside it makes it a mapping",
            _ => "quote the text, or write it as a block scalar (|); \"- \" or [...] makes it a list",
        };
        Mismatch(node, path, "a string", fix);
        return null;
    }

    private object? BindInteger(Type type, YamlNode node, string path)
    {
        // encoding/json reads an integer field from any JSON number written without a fraction, so a YAML
        // float such as 2.0 (sent as 2) is an integer too.
        if (node is YamlScalar { Kind: ScalarKind.Integer or ScalarKind.Float } scalar
            && ScalarResolver.JsonText(scalar, out _) is { } json
            && long.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (type == typeof(int))
            {
                if (value is < int.MinValue or > int.MaxValue)
                {
                    diagnostics.Add(node.Location, path, $"{scalar.Value} is out of range for a 32-bit integer", $"give a number from {int.MinValue} to {int.MaxValue}");
                    return null;
                }

                return (int)value;
            }

            return value;
        }

        var fix = node switch
        {
            YamlScalar { Kind: ScalarKind.String } s when long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "remove the quotes",
            YamlScalar { Kind: ScalarKind.Float or ScalarKind.Integer } => "give a whole number that fits in 64 bits",
            _ => "give a whole number, such as 3",
        };
        return Mismatch(node, path, "an integer", fix);
    }

    /// <summary>metav1.Duration decodes a JSON string, then Go's time.ParseDuration: a bare number is a type error.</summary>
    private object? BindDuration(YamlNode node, string path)
    {
        if (node is not YamlScalar { Kind: ScalarKind.String } scalar)
        {
            return Mismatch(node, path, "a duration string", DurationFix);
        }

        if (Duration.TryParse(scalar.Value, out var duration, out var error))
        {
            return duration;
        }

        diagnostics.Add(node.Location, path, error!, DurationFix);
        return null;
    }

    private object? BindIntOrString(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.String } name)
        {
            return new IntOrString(name.Value, false);
        }

        if (node is YamlScalar { Kind: ScalarKind.Integer } number && ScalarResolver.JsonText(number, out _) is { } json)
        {
            return new IntOrString(json, true);
        }

        return Mismatch(node, path, "a number or a name", "give a port number such as 8080 or a port name such as http");
    }

    /// <summary>
    /// Tekton's ParamValue.UnmarshalJSON: a JSON string, array of strings or object of strings; any other scalar
    /// keeps its JSON text, so YAML 1.1 <c>yes</c> arrives as <c>true</c> and <c>0755</c> as <c>493</c>.
    /// </summary>
    private ParamValue? BindParamValue(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar scalar:
                if (ScalarResolver.JsonText(scalar, out var error) is { } text)
                {
                    return ParamValue.Of(scalar.Kind == ScalarKind.Null ? string.Empty : text);
                }

                diagnostics.Add(node.Location, path, error!, $"quote it: {GoQuote.Of(scalar.Value)}");
                return null;
            case YamlSequence sequence:
                {
                    var items = new List<string>(sequence.Items.Length);
                    for (var i = 0; i < sequence.Items.Length; i++)
                    {
                        var item = sequence.Items[i];
                        if (item is YamlScalar { Kind: ScalarKind.String or ScalarKind.Null } s)
                        {
                            items.Add(s.Kind == ScalarKind.Null ? string.Empty : s.Value);
                        }
                        else
                        {
                            Mismatch(item, $"{path}[{i}]", "a string (array values hold strings)", item is YamlScalar v ? $"quote it: {GoQuote.Of(v.Value)}" : "give each item as a string");
                        }
                    }

                    return ParamValue.Of(items);
                }

            case YamlMapping mapping:
                {
                    var entries = new List<KeyValuePair<string, string>>(mapping.Entries.Length);
                    foreach (var (key, value) in mapping.Entries)
                    {
                        if (value is YamlScalar { Kind: ScalarKind.String or ScalarKind.Null } s)
                        {
                            entries.Add(new(key.Value, s.Kind == ScalarKind.Null ? string.Empty : s.Value));
                        }
                        else
                        {
                            Mismatch(value, Join(path, key.Value), "a string (object values hold strings)", value is YamlScalar v ? $"quote it: {GoQuote.Of(v.Value)}" : "give each key a string value");
                        }
                    }

                    return ParamValue.Of(entries);
                }

            default:
                return null;
        }
    }

    private JsonNode? ToJson(YamlNode node, int depth)
    {
        if (node.Reported || !WithinDepth(_depth + depth, node))
        {
            return null;
        }

        switch (node)
        {
            case YamlScalar scalar:
                {
                    var resolved = ScalarResolver.Evaluate(scalar.Value);
                    return scalar.Kind switch
                    {
                        ScalarKind.Null => null,
                        ScalarKind.Boolean => JsonValue.Create(ScalarResolver.IsTrue(scalar.Value)),
                        ScalarKind.Integer when resolved is { Kind: ScalarKind.Integer, IsUnsigned: true } => JsonValue.Create(resolved.Unsigned),
                        ScalarKind.Integer when resolved.Kind == ScalarKind.Integer => JsonValue.Create(resolved.Signed),
                        ScalarKind.Float when resolved.Kind == ScalarKind.Float && double.IsFinite(resolved.Float) => JsonValue.Create(resolved.Float),
                        _ => JsonValue.Create(scalar.Value),
                    };
                }

            case YamlSequence sequence:
                {
                    var array = new JsonArray();
                    foreach (var item in sequence.Items)
                    {
                        array.Add(ToJson(item, depth + 1));
                    }

                    return array;
                }

            case YamlMapping mapping:
                {
                    var obj = new JsonObject();
                    foreach (var (key, value) in mapping.Entries)
                    {
                        obj[key.Value] = ToJson(value, depth + 1);
                    }

                    return obj;
                }

            default:
                return null;
        }
    }

    private object? Mismatch(YamlNode node, string path, string expected, string fix)
    {
        diagnostics.Add(node.Location, path, $"expected {expected} but found {node.Describe()}", fix);
        return null;
    }
}
