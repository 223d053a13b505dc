using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Model.Yaml;

/// <summary>
/// Resolves plain scalars the way Kubernetes does: its YAML reader follows YAML 1.1, so <c>yes</c> and
/// <c>on</c> are booleans and <c>0755</c> is an octal integer.
/// </summary>
internal static partial class ScalarResolver
{
    public static ScalarKind Resolve(string value)
    {
        if (value.Length == 0)
        {
            return ScalarKind.Null;
        }

        switch (value)
        {
            case "~" or "null" or "Null" or "NULL":
                return ScalarKind.Null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON"
                or "true" or "True" or "TRUE"
                or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF"
                or "false" or "False" or "FALSE":
                return ScalarKind.Boolean;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF"
                or ".nan" or ".NaN" or ".NAN":
                return ScalarKind.Float;
        }

        var first = value[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return ScalarKind.String;
        }

        if (IntegerPattern().IsMatch(value))
        {
            return ScalarKind.Integer;
        }

        return FloatPattern().IsMatch(value) && value.Any(char.IsAsciiDigit) ? ScalarKind.Float : ScalarKind.String;
    }

    public static bool IsTrue(string value) =>
        value is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE";

    public static bool TryParseInteger(string value, out long result)
    {
        var text = value.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        if (negative || text.StartsWith('+'))
        {
            text = text[1..];
        }

        bool ok;
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            ok = long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result);
        }
        else if (text.StartsWith("0b", StringComparison.Ordinal))
        {
            ok = long.TryParse(text.AsSpan(2), NumberStyles.AllowBinarySpecifier, CultureInfo.InvariantCulture, out result);
        }
        else if (text.StartsWith("0o", StringComparison.Ordinal) || (text.Length > 1 && text[0] == '0'))
        {
            var digits = text.StartsWith("0o", StringComparison.Ordinal) ? text[2..] : text[1..];
            ok = TryParseOctal(digits, out result);
        }
        else
        {
            ok = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }

        if (ok && negative)
        {
            result = -result;
        }

        return ok;
    }

    private static bool TryParseOctal(string digits, out long result)
    {
        result = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7' || result > (long.MaxValue >> 3))
            {
                return false;
            }

            result = (result << 3) + (c - '0');
        }

        return digits.Length > 0;
    }

    [GeneratedRegex(@"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
