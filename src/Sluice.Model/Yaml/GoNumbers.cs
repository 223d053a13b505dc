using System.Globalization;
using System.Text;

namespace Sluice.Model.Yaml;

/// <summary>
/// The number handling Kubernetes' YAML path relies on: Go's <c>strconv.ParseInt</c>/<c>ParseUint</c> with base 0,
/// go-yaml's float syntax, and encoding/json's float formatting.
/// </summary>
internal static class GoNumbers
{
    /// <summary><c>strconv.ParseInt(s, 0, 64)</c>: optional sign, then a <c>0b</c>, <c>0o</c>, <c>0x</c> or <c>0</c> (octal) prefix.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        var negative = s[0] == '-';
        if (s[0] is '-' or '+')
        {
            s = s[1..];
        }

        if (!TryParseUint(s, out var magnitude))
        {
            return false;
        }

        const ulong cutoff = 1UL << 63;
        if ((!negative && magnitude >= cutoff) || (negative && magnitude > cutoff))
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary><c>strconv.ParseUint(s, 0, 64)</c> on text without underscores.</summary>
    public static bool TryParseUint(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        ulong numberBase = 10;
        if (s[0] == '0')
        {
            numberBase = s.Length >= 3 ? (s[1] | 0x20) switch
            {
                'b' => 2UL,
                'o' => 8UL,
                'x' => 16UL,
                _ => 0UL,
            } : 0UL;
            s = numberBase == 0 ? s[1..] : s[2..];
            numberBase = numberBase == 0 ? 8 : numberBase;
        }

        ulong n = 0;
        foreach (var c in s)
        {
            ulong digit = c switch
            {
                >= '0' and <= '9' => (ulong)(c - '0'),
                >= 'a' and <= 'z' => (ulong)(c - 'a' + 10),
                >= 'A' and <= 'Z' => (ulong)(c - 'A' + 10),
                _ => ulong.MaxValue,
            };
            if (digit >= numberBase || n > (ulong.MaxValue - digit) / numberBase)
            {
                return false;
            }

            n = (n * numberBase) + digit;
        }

        value = n;
        return true;
    }

    /// <summary>go-yaml's <c>yamlStyleFloat</c>: <c>^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$</c>.</summary>
    public static bool IsFloatSyntax(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '-' or '+')
        {
            i++;
        }

        var integerDigits = Digits(s, ref i);
        if (integerDigits == 0)
        {
            if (i >= s.Length || s[i] != '.')
            {
                return false;
            }

            i++;
            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }
        else if (i < s.Length && s[i] == '.')
        {
            i++;
            Digits(s, ref i);
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '-' or '+')
            {
                i++;
            }

            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    /// <summary><c>strconv.ParseFloat(s, 64)</c> on decimal text: fails where Go reports a range error.</summary>
    public static bool TryParseFloat(ReadOnlySpan<char> s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>encoding/json's float64 encoding: the shortest text that reads back the same, with an exponent below 1e-6 and from 1e21.</summary>
    public static string FormatJsonFloat(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var digits = new StringBuilder(24);
        var point = -1;
        var exponent = 0;
        for (var i = negative ? 1 : 0; i < shortest.Length; i++)
        {
            var c = shortest[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c == '.')
            {
                point = digits.Length;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(shortest.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
        }

        point = point < 0 ? digits.Length : point;
        var leading = 0;
        while (leading < digits.Length && digits[leading] == '0')
        {
            leading++;
        }

        if (leading == digits.Length)
        {
            return negative ? "-0" : "0";
        }

        var significant = digits.ToString(leading, digits.Length - leading).TrimEnd('0');
        var decimalExponent = point - leading + exponent;
        var result = new StringBuilder(32);
        if (negative)
        {
            result.Append('-');
        }

        var abs = Math.Abs(value);
        if (abs is < 1e-6 or >= 1e21)
        {
            result.Append(significant[0]);
            if (significant.Length > 1)
            {
                result.Append('.').Append(significant, 1, significant.Length - 1);
            }

            var e = decimalExponent - 1;
            result.Append('e').Append(e < 0 ? '-' : '+');
            var magnitude = Math.Abs(e).ToString(CultureInfo.InvariantCulture);
            return result.Append(magnitude.Length == 1 && e > 0 ? "0" + magnitude : magnitude).ToString();
        }

        if (decimalExponent <= 0)
        {
            return result.Append("0.").Append('0', -decimalExponent).Append(significant).ToString();
        }

        if (decimalExponent >= significant.Length)
        {
            return result.Append(significant).Append('0', decimalExponent - significant.Length).ToString();
        }

        return result.Append(significant, 0, decimalExponent).Append('.').Append(significant, decimalExponent, significant.Length - decimalExponent).ToString();
    }

    private static int Digits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }
}
