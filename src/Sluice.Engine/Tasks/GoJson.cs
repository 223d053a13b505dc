using System.Globalization;
using System.Text;

namespace Sluice.Engine.Tasks;

/// <summary>
/// JSON text exactly as Go's <c>encoding/json</c> writes it, for values that Tekton's Go code marshals and
/// steps then read byte for byte (artifact values substituted into scripts, <c>.docker/config.json</c>).
/// </summary>
internal static class GoJson
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Appends a string literal: <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 escaped as json.Marshal does, control characters as <c>\u00xx</c> unless they have a short form.</summary>
    public static StringBuilder AppendString(this StringBuilder builder, string value)
    {
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"' or '\\':
                    builder.Append('\\').Append(c);
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ' or '<' or '>' or '&':
                    builder.Append("\\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    break;
                case '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    builder.Append(c).Append(value[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    // Go writes invalid UTF-8 as the replacement character; a lone surrogate is the same case.
                    builder.Append("\\ufffd");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"');
    }

    /// <summary>Appends a map with string values: keys sorted by their bytes, as json.Marshal sorts them.</summary>
    public static StringBuilder AppendStringMap(this StringBuilder builder, IEnumerable<KeyValuePair<string, string>> map)
    {
        builder.Append('{');
        var first = true;
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            builder.AppendString(key).Append(':').AppendString(value);
        }

        return builder.Append('}');
    }
}
