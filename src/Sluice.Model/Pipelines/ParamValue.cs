using System.Collections.Immutable;
using System.Text;

namespace Sluice.Model.Pipelines;

/// <summary>The type of a param or result.</summary>
public enum ParamType
{
    /// <summary>A string.</summary>
    String,

    /// <summary>A list of strings.</summary>
    Array,

    /// <summary>A map of string keys to string values.</summary>
    Object,
}

/// <summary>A param or result value: a string, an array of strings, or an object of strings.</summary>
public sealed record ParamValue
{
    private ParamValue(ParamType type, string stringValue, ImmutableArray<string> arrayValue, ImmutableSortedDictionary<string, string> objectValue)
    {
        Type = type;
        StringValue = stringValue;
        ArrayValue = arrayValue;
        ObjectValue = objectValue;
    }

    /// <summary>Which of the three shapes this value has.</summary>
    public ParamType Type { get; }

    /// <summary>The string, when <see cref="Type"/> is <see cref="ParamType.String"/>.</summary>
    public string StringValue { get; }

    /// <summary>The items, when <see cref="Type"/> is <see cref="ParamType.Array"/>.</summary>
    public ImmutableArray<string> ArrayValue { get; }

    /// <summary>The keys and values, when <see cref="Type"/> is <see cref="ParamType.Object"/>.</summary>
    public ImmutableSortedDictionary<string, string> ObjectValue { get; }

    /// <summary>Makes a string value.</summary>
    public static ParamValue Of(string value) => new(ParamType.String, value, [], ImmutableSortedDictionary<string, string>.Empty);

    /// <summary>Makes an array value.</summary>
    public static ParamValue Of(IEnumerable<string> items) => new(ParamType.Array, string.Empty, [.. items], ImmutableSortedDictionary<string, string>.Empty);

    /// <summary>Makes an object value.</summary>
    public static ParamValue Of(IEnumerable<KeyValuePair<string, string>> entries) =>
        new(ParamType.Object, string.Empty, [], entries.ToImmutableSortedDictionary(StringComparer.Ordinal));

    /// <inheritdoc />
    public bool Equals(ParamValue? other) =>
        other is not null && Type == other.Type && Type switch
        {
            ParamType.String => StringValue == other.StringValue,
            ParamType.Array => ArrayValue.SequenceEqual(other.ArrayValue),
            _ => ObjectValue.Count == other.ObjectValue.Count && ObjectValue.All(kv => other.ObjectValue.TryGetValue(kv.Key, out var v) && v == kv.Value),
        };

    /// <inheritdoc />
    public override int GetHashCode() => Type switch
    {
        ParamType.String => StringValue.GetHashCode(StringComparison.Ordinal),
        ParamType.Array => ArrayValue.Aggregate(17, (h, s) => HashCode.Combine(h, s)),
        _ => ObjectValue.Aggregate(19, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
    };

    /// <summary>The value as Tekton prints it: the string itself, or JSON for arrays and objects.</summary>
    public override string ToString() => Type switch
    {
        ParamType.String => StringValue,
        ParamType.Array => "[" + string.Join(",", ArrayValue.Select(Quote)) + "]",
        _ => "{" + string.Join(",", ObjectValue.Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value))) + "}",
    };

    private static string Quote(string s)
    {
        var builder = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}
