using System.Text.Json;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Tasks;

/// <summary>Reads result files as Tekton does (pkg/pod/status.go: filterResults).</summary>
public static class ResultValues
{
    /// <summary>
    /// A declared string result is taken as written. Any other is parsed like Tekton's ParamValue:
    /// <c>[</c> starts a JSON array of strings, <c>{</c> an object of strings, anything else a string.
    /// Returns null when the JSON does not parse (Tekton drops such a result).
    /// </summary>
    public static ParamValue? Parse(string content, ParamType declared)
    {
        if (declared == ParamType.String || content.Length == 0)
        {
            return ParamValue.Of(content);
        }

        try
        {
            if (content[0] == '[')
            {
                var items = JsonSerializer.Deserialize<string[]>(content);
                return items is null ? null : ParamValue.Of(items);
            }

            if (content[0] == '{')
            {
                var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(content);
                return entries is null ? null : ParamValue.Of(entries);
            }

            return ParamValue.Of(content.StartsWith('"') ? JsonSerializer.Deserialize<string>(content) ?? content : content);
        }
        catch (JsonException)
        {
            return content[0] is '[' or '{' ? null : ParamValue.Of(content);
        }
    }

    /// <summary>Tekton's lower-case name of a type.</summary>
    public static string TypeName(ParamType type) => type switch
    {
        ParamType.Array => "array",
        ParamType.Object => "object",
        _ => "string",
    };
}
