using System.Collections.Immutable;
using System.Text.Json;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Programs;

/// <summary>
/// Param values written as text, with the rules of <c>tkn</c> and <c>sluice run -p</c>: an array is
/// <c>a,b,c</c> or a JSON array, an object is <c>key:value,key2:value2</c> or a JSON object, a string is itself.
/// </summary>
internal static class ParamText
{
    /// <summary>The value of the texts given for one param, in order: array items append, object keys merge.</summary>
    /// <returns>The value, or null with <paramref name="error"/> saying what is wrong and how to write it.</returns>
    public static ParamValue? Parse(ParamSpec spec, IReadOnlyList<string> texts, out string? error)
    {
        error = null;
        switch (spec.Type)
        {
            case ParamType.Array:
                var items = ImmutableArray.CreateBuilder<string>();
                foreach (var text in texts)
                {
                    if (!TryItems(text, out var parsed, out error))
                    {
                        error = $"param \"{spec.Name}\" is an array but \"{text}\" does not parse ({error}): write items as a,b,c or as a JSON array [\"a\",\"b\"]";
                        return null;
                    }

                    items.AddRange(parsed);
                }

                return ParamValue.Of(items.ToImmutable());
            case ParamType.Object:
                var entries = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var text in texts)
                {
                    if (!TryEntries(text, out var parsed, out error))
                    {
                        error = $"param \"{spec.Name}\" is an object but \"{text}\" does not parse ({error}): write key:value,key2:value2 or a JSON object";
                        return null;
                    }

                    foreach (var (key, value) in parsed)
                    {
                        entries[key] = value;
                    }
                }

                return ParamValue.Of(entries);
            default:
                if (texts.Count > 1)
                {
                    error = $"param \"{spec.Name}\" is a string and was given {texts.Count} times ({string.Join(", ", texts.Select(t => $"\"{t}\""))}): give it once";
                    return null;
                }

                if (!spec.Enum.IsDefaultOrEmpty && !spec.Enum.Contains(texts[0], StringComparer.Ordinal))
                {
                    error = $"param \"{spec.Name}\" must be one of {string.Join(", ", spec.Enum)}, not \"{texts[0]}\"";
                    return null;
                }

                return ParamValue.Of(texts[0]);
        }
    }

    /// <summary>A value as it is written on the command line, for help: <c>a,b</c> for an array, <c>k:v</c> for an object.</summary>
    public static string Format(ParamValue value) => value.Type switch
    {
        ParamType.Array => string.Join(",", value.ArrayValue),
        ParamType.Object => string.Join(",", value.ObjectValue.Select(kv => $"{kv.Key}:{kv.Value}")),
        _ => value.StringValue,
    };

    private static bool TryItems(string text, out ImmutableArray<string> items, out string? error)
    {
        error = null;
        if (!text.StartsWith('['))
        {
            items = text.Length == 0 ? [] : [.. text.Split(',')];
            return true;
        }

        try
        {
            items = [.. JsonSerializer.Deserialize<string[]>(text) ?? []];
            return true;
        }
        catch (JsonException e)
        {
            (items, error) = ([], e.Message);
            return false;
        }
    }

    private static bool TryEntries(string text, out IEnumerable<KeyValuePair<string, string>> entries, out string? error)
    {
        error = null;
        if (text.StartsWith('{'))
        {
            try
            {
                entries = JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? [];
                return true;
            }
            catch (JsonException e)
            {
                (entries, error) = ([], e.Message);
                return false;
            }
        }

        var list = new List<KeyValuePair<string, string>>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                (entries, error) = ([], $"\"{entry}\" is not key:value");
                return false;
            }

            list.Add(new(entry[..colon].Trim(), entry[(colon + 1)..]));
        }

        entries = list;
        return true;
    }
}
