using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Model.Writing;

/// <summary>
/// YAML text of resources in block style, as <c>kubectl get -o yaml</c> prints them: strings are plain
/// when YAML 1.1 and 1.2 both read them back as the same string, literal blocks when they span lines,
/// and double-quoted otherwise.
/// </summary>
public static class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan", ".inf", "-.inf", "+.inf",
    };

    /// <summary>A resource as YAML.</summary>
    public static string Write(IResource resource) => Write(ResourceWriter.ToJson(resource));

    /// <summary>A JSON node as YAML.</summary>
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        switch (node)
        {
            case JsonObject { Count: > 0 } map:
                WriteMap(text, map, 0);
                break;
            case JsonArray { Count: > 0 } list:
                WriteList(text, list, 0);
                break;
            default:
                text.Append(Scalar(node, 0)).Append('\n');
                break;
        }

        return text.ToString();
    }

    private static void WriteMap(StringBuilder text, JsonObject map, int indent)
    {
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!first)
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append(Plain(key) ? key : Quoted(key)).Append(':');
            WriteValue(text, value, indent, inList: false);
        }
    }

    private static void WriteList(StringBuilder text, JsonArray list, int indent)
    {
        var first = true;
        foreach (var item in list)
        {
            if (!first)
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append('-');
            WriteValue(text, item, indent, inList: true);
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent, bool inList)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } map when inList:
                text.Append(' ');
                WriteMap(text, map, indent + 2);
                break;
            case JsonObject { Count: > 0 } map:
                text.Append('\n').Append(' ', indent + 2);
                WriteMap(text, map, indent + 2);
                break;
            case JsonArray { Count: > 0 } list when inList:
                text.Append(' ');
                WriteList(text, list, indent + 2);
                break;
            case JsonArray { Count: > 0 } list:
                // Kubernetes style: list items at the same indentation as their key.
                text.Append('\n').Append(' ', indent);
                WriteList(text, list, indent);
                break;
            default:
                text.Append(' ').Append(Scalar(value, indent + 2)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? node, int indent)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject:
                return "{}";
            case JsonArray:
                return "[]";
        }

        var element = node.GetValueKind();
        return element switch
        {
            JsonValueKind.String => Text(node.GetValue<string>(), indent),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => node.ToJsonString(),
        };
    }

    private static string Text(string value, int indent)
    {
        if (Plain(value))
        {
            return value;
        }

        if (value.Trim('\n').Length > 0 && value.Contains('\n', StringComparison.Ordinal) && value.All(c => c == '\n' || c == '\t' || (c >= ' ' && c != '\x7F' && !char.IsSurrogate(c) && c != '\uFEFF')) && !value.Contains(" \n", StringComparison.Ordinal))
        {
            return Literal(value, indent);
        }

        return Quoted(value);
    }

    private static string Literal(string value, int indent)
    {
        var chomp = value.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : value.EndsWith('\n') ? string.Empty : "-";
        var body = chomp == "+" ? value : value.TrimEnd('\n');
        var lines = body.Split('\n');
        var indicator = lines[0].StartsWith(' ') || (lines[0].Length == 0 && lines.Length > 1) ? "2" : string.Empty;
        var text = new StringBuilder("|").Append(indicator).Append(chomp);
        var last = chomp == "+" ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < last; i++)
        {
            text.Append('\n');
            if (lines[i].Length > 0)
            {
                text.Append(' ', indent).Append(lines[i]);
            }
        }

        return text.ToString();
    }

    private static string Quoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\t' => text.Append("\\t"),
                '\r' => text.Append("\\r"),
                < ' ' or '\x7F' or '\uFEFF' => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    /// <summary>Whether a string reads back as itself without quotes under YAML 1.1 and 1.2.</summary>
    private static bool Plain(string value)
    {
        if (value.Length == 0 || Reserved.Contains(value) || value.Length > 200)
        {
            return false;
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || "-?:,[]{}#&*!|>'\"%@`=~".Contains(value[0], StringComparison.Ordinal))
        {
            return false;
        }

        if (char.IsAsciiDigit(value[0]) || value[0] is '.' or '+')
        {
            // Numbers, dates, times and sexagesimals in either version: quote anything starting like one.
            return false;
        }

        foreach (var c in value)
        {
            if (c < ' ' || c == '\x7F' || char.IsSurrogate(c) || c == '\uFEFF' || c is '#' or '"' or '\'' or '\\' or '{' or '}' or '[' or ']' or ',' or '`')
            {
                return false;
            }
        }

        return !value.Contains(": ", StringComparison.Ordinal) && !value.EndsWith(':');
    }
}
