using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Engine.Caching;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by the UTF-16 code units of their
/// names, numbers as ECMAScript's <c>Number.prototype.toString</c> writes IEEE-754 doubles, strings with
/// only the escapes JSON requires, and no whitespace. The same value always gives the same bytes, which
/// is what a cache key hashes. No package served here implements it, so it is written from the RFC.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical text of a JSON value (a null node is JSON <c>null</c>).</summary>
    /// <exception cref="ArgumentException">The value holds NaN, an infinity or a lone surrogate, which I-JSON excludes.</exception>
    public static string Serialize(JsonNode? value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    /// <summary>The canonical form as UTF-8 bytes: what a digest is taken of.</summary>
    /// <exception cref="ArgumentException">As <see cref="Serialize(JsonNode?)"/>.</exception>
    public static byte[] SerializeToUtf8Bytes(JsonNode? value) => Encoding.UTF8.GetBytes(Serialize(value));

    /// <summary>A double as ECMAScript writes it (RFC 8785 section 3.2.2.3): shortest round-trip digits, exponent from 1e21 and below 1e-6.</summary>
    /// <exception cref="ArgumentException">The value is NaN or an infinity.</exception>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} is not a JSON number", nameof(value));
        }

        if (value == 0)
        {
            // Minus zero too: ECMAScript writes both as 0.
            return "0";
        }

        var sign = value < 0 ? "-" : string.Empty;
        var (digits, point) = ShortestDigits(Math.Abs(value));
        var k = digits.Length;
        if (k <= point && point <= 21)
        {
            return sign + digits + new string('0', point - k);
        }

        if (0 < point && point <= 21)
        {
            return sign + digits[..point] + "." + digits[point..];
        }

        if (-6 < point && point <= 0)
        {
            return sign + "0." + new string('0', -point) + digits;
        }

        var exponent = point - 1;
        var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The shortest decimal digits that read back as the value, without leading or trailing zeros, and
    /// where the decimal point goes: the value is <c>0.DIGITS × 10^point</c>.
    /// </summary>
    private static (string Digits, int Point) ShortestDigits(double positive)
    {
        // .NET's round-trip format is the shortest that parses back to the same double, as ECMAScript requires.
        var text = positive.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        var leading = digits.Length - digits.TrimStart('0').Length;
        return (digits.Trim('0'), point - leading);
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                WriteObject(text, obj);
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i]);
                }

                text.Append(']');
                break;
            default:
                WriteValue(text, node);
                break;
        }
    }

    private static void WriteObject(StringBuilder text, JsonObject obj)
    {
        text.Append('{');
        var first = true;
        foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                text.Append(',');
            }

            first = false;
            WriteString(text, name);
            text.Append(':');
            Write(text, value);
        }

        text.Append('}');
    }

    private static void WriteValue(StringBuilder text, JsonNode value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                // Whatever CLR type holds the number, its JSON text parses to the double I-JSON means.
                text.Append(FormatNumber(double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new ArgumentException($"a JSON value of kind {value.GetValueKind()} cannot be canonicalized", nameof(value));
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                    {
                        throw new ArgumentException($"the string \"{value}\" holds a lone surrogate at {i}, which I-JSON excludes", nameof(value));
                    }

                    text.Append(c);
                    if (char.IsHighSurrogate(c))
                    {
                        text.Append(value[++i]);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
