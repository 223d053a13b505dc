using System.Globalization;

namespace Sluice.Model.Yaml;

/// <summary>
/// Resolves scalars as Kubernetes does: sigs.k8s.io/yaml decodes with go-yaml v2 (resolve.go), which
/// follows YAML 1.1, so <c>yes</c> and <c>on</c> are booleans and <c>0755</c> is the octal integer 493.
/// </summary>
internal static class ScalarResolver
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public static ScalarKind Resolve(string value) => Evaluate(value).Kind;

    /// <summary>go-yaml v2's <c>resolve("", value)</c>: what a plain, untagged scalar is.</summary>
    public static GoScalar Evaluate(string value)
    {
        if (value.Length == 0)
        {
            return GoScalar.Null;
        }

        switch (value[0])
        {
            case 'y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O' or '~':
                return FromMap(value) ?? GoScalar.String;
            case '.':
                return FromMap(value) ?? (GoNumbers.IsFloatSyntax(value) && GoNumbers.TryParseFloat(value, out var dot) ? GoScalar.Of(dot) : GoScalar.String);
            case '+' or '-' or (>= '0' and <= '9'):
                if (FromMap(value) is { } special)
                {
                    return special;
                }

                var plain = value.Contains('_', StringComparison.Ordinal) ? value.Replace("_", string.Empty, StringComparison.Ordinal) : value;
                if (GoNumbers.TryParseInt(plain, out var signed))
                {
                    return GoScalar.Of(signed);
                }

                if (GoNumbers.TryParseUint(plain, out var unsigned))
                {
                    return GoScalar.Of(unsigned);
                }

                return GoNumbers.IsFloatSyntax(plain) && GoNumbers.TryParseFloat(plain, out var number) ? GoScalar.Of(number) : GoScalar.String;
            default:
                return GoScalar.String;
        }
    }

    /// <summary>
    /// go-yaml v2's <c>resolve(tag, value)</c> for an explicitly tagged or quoted scalar. A quoted scalar without
    /// a tag, and any tag go-yaml does not resolve, is a string. Returns false with go-yaml's message when the
    /// value does not fit its tag.
    /// </summary>
    public static bool TryResolveTagged(string tag, string value, out ScalarKind kind, out string? error)
    {
        error = null;
        kind = ScalarKind.String;
        var wanted = tag switch
        {
            TagPrefix + "bool" => ScalarKind.Boolean,
            TagPrefix + "int" => ScalarKind.Integer,
            TagPrefix + "float" => ScalarKind.Float,
            TagPrefix + "null" => ScalarKind.Null,
            _ => ScalarKind.String,
        };
        if (wanted == ScalarKind.String)
        {
            return true;
        }

        var resolved = Evaluate(value).Kind;
        if (resolved == wanted || (wanted == ScalarKind.Float && resolved == ScalarKind.Integer))
        {
            kind = wanted;
            return true;
        }

        error = $"cannot decode {ShortTag(resolved)} `{value}` as a {ShortTag(wanted)}";
        return false;
    }

    public static bool IsTrue(string value) =>
        value is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE";

    /// <summary>
    /// The JSON text Kubernetes sends for a resolved scalar (booleans and numbers as encoding/json writes them),
    /// or null with encoding/json's message for NaN and infinities, which JSON cannot hold.
    /// </summary>
    public static string? JsonText(YamlScalar scalar, out string? error)
    {
        error = null;
        var resolved = Evaluate(scalar.Value);
        switch (scalar.Kind)
        {
            case ScalarKind.Boolean:
                return IsTrue(scalar.Value) ? "true" : "false";
            case ScalarKind.Integer when resolved.Kind == ScalarKind.Integer:
                return resolved.IsUnsigned
                    ? resolved.Unsigned.ToString(CultureInfo.InvariantCulture)
                    : resolved.Signed.ToString(CultureInfo.InvariantCulture);
            case ScalarKind.Integer or ScalarKind.Float:
                {
                    var number = resolved.Kind switch
                    {
                        ScalarKind.Integer => resolved.IsUnsigned ? resolved.Unsigned : resolved.Signed,
                        _ => resolved.Float,
                    };
                    if (!double.IsFinite(number))
                    {
                        error = $"json: unsupported value: {(double.IsNaN(number) ? "NaN" : number > 0 ? "+Inf" : "-Inf")}";
                        return null;
                    }

                    return GoNumbers.FormatJsonFloat(number);
                }

            case ScalarKind.Null:
                return "null";
            default:
                return scalar.Value;
        }
    }

    private static GoScalar? FromMap(string value) => value switch
    {
        "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON" => GoScalar.Boolean,
        "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF" => GoScalar.Boolean,
        "~" or "null" or "Null" or "NULL" => GoScalar.Null,
        ".nan" or ".NaN" or ".NAN" => GoScalar.Of(double.NaN),
        ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => GoScalar.Of(double.PositiveInfinity),
        "-.inf" or "-.Inf" or "-.INF" => GoScalar.Of(double.NegativeInfinity),
        _ => null,
    };

    private static string ShortTag(ScalarKind kind) => kind switch
    {
        ScalarKind.Boolean => "!!bool",
        ScalarKind.Integer => "!!int",
        ScalarKind.Float => "!!float",
        ScalarKind.Null => "!!null",
        _ => "!!str",
    };
}

/// <summary>What go-yaml v2 makes of a scalar: its kind and, for numbers, the value.</summary>
internal readonly record struct GoScalar(ScalarKind Kind, long Signed, ulong Unsigned, bool IsUnsigned, double Float)
{
    public static GoScalar String { get; } = new(ScalarKind.String, 0, 0, false, 0);

    public static GoScalar Null { get; } = new(ScalarKind.Null, 0, 0, false, 0);

    public static GoScalar Boolean { get; } = new(ScalarKind.Boolean, 0, 0, false, 0);

    public static GoScalar Of(long value) => new(ScalarKind.Integer, value, 0, false, 0);

    public static GoScalar Of(ulong value) => new(ScalarKind.Integer, 0, value, true, 0);

    public static GoScalar Of(double value) => new(ScalarKind.Float, 0, 0, false, value);
}
