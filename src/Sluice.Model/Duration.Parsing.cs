using System.Globalization;
using System.Text;

namespace Sluice.Model;

/// <summary>Go's <c>time.ParseDuration</c> (src/time/format.go), step for step, with its messages.</summary>
public readonly partial record struct Duration
{
    private const ulong Nanosecond = 1;
    private const ulong Microsecond = 1_000 * Nanosecond;
    private const ulong Millisecond = 1_000 * Microsecond;
    private const ulong Second = 1_000 * Millisecond;
    private const ulong Minute = 60 * Second;
    private const ulong Hour = 60 * Minute;
    private const ulong Limit = 1UL << 63;

    private static long ParseGo(string text, out string? error)
    {
        error = null;
        var s = text.AsSpan();
        var negative = false;
        if (!s.IsEmpty && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return 0;
        }

        if (s.IsEmpty)
        {
            return Invalid(text, out error);
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return Invalid(text, out error);
            }

            var before = s.Length;
            if (!LeadingInt(ref s, out var whole))
            {
                return Invalid(text, out error);
            }

            var pre = before != s.Length;
            ulong fraction = 0;
            var scale = 1.0;
            var post = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var length = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                post = length != s.Length;
            }

            if (!pre && !post)
            {
                return Invalid(text, out error);
            }

            var unitLength = 0;
            while (unitLength < s.Length && !(s[unitLength] == '.' || char.IsAsciiDigit(s[unitLength])))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = $"time: missing unit in duration {Quote(text)}";
                return 0;
            }

            var unitText = s[..unitLength];
            s = s[unitLength..];
            ulong unit = unitText switch
            {
                "ns" => Nanosecond,
                "us" or "\u00B5s" or "\u03BCs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => Minute,
                "h" => Hour,
                _ => 0,
            };
            if (unit == 0)
            {
                error = $"time: unknown unit {Quote(unitText.ToString())} in duration {Quote(text)}";
                return 0;
            }

            if (whole > Limit / unit)
            {
                return Invalid(text, out error);
            }

            whole *= unit;
            if (fraction > 0)
            {
                // As Go: float64 keeps nanosecond accuracy for fractions of the largest unit.
                whole += (ulong)(fraction * (unit / scale));
                if (whole > Limit)
                {
                    return Invalid(text, out error);
                }
            }

            total += whole;
            if (total > Limit)
            {
                return Invalid(text, out error);
            }
        }

        if (negative)
        {
            return (long)(0 - total);
        }

        return total > Limit - 1 ? Invalid(text, out error) : (long)total;
    }

    private static long Invalid(string text, out string? error)
    {
        error = $"time: invalid duration {Quote(text)}";
        return 0;
    }

    private static bool LeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > Limit / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(s[i] - '0');
            if (value > Limit)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }

            if (value > (Limit - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var next = (value * 10) + (ulong)(s[i] - '0');
            if (next > Limit)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    /// <summary>Go's <c>time.quote</c>: ASCII as is, other bytes of the UTF-8 text as <c>\xNN</c>.</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x80 or < ' ')
            {
                var written = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..written])
                {
                    builder.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                if (rune.Value is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append((char)rune.Value);
            }
        }

        return builder.Append('"').ToString();
    }
}
