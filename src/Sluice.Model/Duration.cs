using System.Globalization;
using System.Text;

namespace Sluice.Model;

/// <summary>A Go-style duration such as <c>1h30m</c> or <c>90s</c>, as Kubernetes writes <c>metav1.Duration</c>.</summary>
/// <param name="Value">The length of time.</param>
public readonly record struct Duration(TimeSpan Value) : IComparable<Duration>
{
    /// <summary>Zero, which Tekton reads as "no timeout".</summary>
    public static Duration Zero { get; } = new(TimeSpan.Zero);

    /// <summary>Parses Go's <c>time.ParseDuration</c> syntax: a sequence of numbers with units ns, us, µs, ms, s, m, h.</summary>
    public static bool TryParse(string text, out Duration duration)
    {
        duration = Zero;
        var s = text.AsSpan();
        if (s.IsEmpty)
        {
            return false;
        }

        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? scale = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }

            totalNanoseconds += number * scale.Value;
            s = s[unitLength..];
        }

        if (totalNanoseconds > (decimal)TimeSpan.MaxValue.Ticks * 100)
        {
            return false;
        }

        var ticks = (long)(totalNanoseconds / 100);
        duration = new Duration(TimeSpan.FromTicks(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static Duration Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"invalid duration \"{text}\"");

    /// <summary>Makes a duration from a <see cref="TimeSpan"/>.</summary>
    public static Duration From(TimeSpan value) => new(value);

    /// <inheritdoc />
    public int CompareTo(Duration other) => Value.CompareTo(other.Value);

    /// <summary>Formats as Go does: <c>1h0m0s</c>, <c>1m30s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public override string ToString()
    {
        var ticks = Value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (ticks < 0)
        {
            builder.Append('-');
            ticks = -ticks;
        }

        if (ticks < TimeSpan.TicksPerSecond)
        {
            var ns = ticks * 100;
            return builder.Append(ns switch
            {
                < 1_000 => $"{ns}ns",
                < 1_000_000 => $"{Trim(ns / 1_000m)}µs",
                _ => $"{Trim(ns / 1_000_000m)}ms",
            }).ToString();
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var seconds = ticks % TimeSpan.TicksPerMinute / (decimal)TimeSpan.TicksPerSecond;
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        return builder.Append(Trim(seconds)).Append('s').ToString();
    }

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
