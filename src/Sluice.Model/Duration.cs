using System.Globalization;
using System.Text;

namespace Sluice.Model;

/// <summary>
/// A Go <c>time.Duration</c> such as <c>1h30m</c> or <c>90s</c>, as Kubernetes writes <c>metav1.Duration</c>:
/// a signed count of nanoseconds that fits in 64 bits (about ±292 years).
/// </summary>
public readonly partial record struct Duration : IComparable<Duration>
{
    private const long NanosecondsPerTick = 100;

    /// <summary>Makes a duration from a <see cref="TimeSpan"/>; see <see cref="From"/>.</summary>
    /// <param name="value">The length of time.</param>
    public Duration(TimeSpan value) => Nanoseconds = FromTicks(value.Ticks);

    private Duration(long nanoseconds) => Nanoseconds = nanoseconds;

    /// <summary>Zero, which Tekton reads as "no timeout".</summary>
    public static Duration Zero { get; }

    /// <summary>The length in nanoseconds, as Go stores it.</summary>
    public long Nanoseconds { get; }

    /// <summary>The length as a <see cref="TimeSpan"/>, truncated to its 100 ns resolution.</summary>
    public TimeSpan Value => TimeSpan.FromTicks(Nanoseconds / NanosecondsPerTick);

    /// <summary>Makes a duration from a <see cref="TimeSpan"/>; lengths beyond Go's range are clamped to it.</summary>
    public static Duration From(TimeSpan value) => new(value);

    /// <summary>Makes a duration from nanoseconds.</summary>
    public static Duration FromNanoseconds(long nanoseconds) => new(nanoseconds);

    /// <summary>Parses Go's <c>time.ParseDuration</c> syntax: a sequence of numbers with units ns, us, µs, ms, s, m, h.</summary>
    public static bool TryParse(string text, out Duration duration) => TryParse(text, out duration, out _);

    /// <summary>
    /// Parses Go's <c>time.ParseDuration</c> syntax; on failure <paramref name="error"/> is Go's message, such as
    /// <c>time: missing unit in duration "10"</c>.
    /// </summary>
    public static bool TryParse(string text, out Duration duration, out string? error)
    {
        var nanoseconds = ParseGo(text, out error);
        duration = new Duration(nanoseconds);
        return error is null;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with Go's message.</summary>
    public static Duration Parse(string text) =>
        TryParse(text, out var d, out var error) ? d : throw new FormatException(error);

    /// <inheritdoc />
    public int CompareTo(Duration other) => Nanoseconds.CompareTo(other.Nanoseconds);

    /// <summary>Formats as Go's <c>Duration.String</c> does: <c>1h0m0s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1.5µs</c>, <c>0s</c>.</summary>
    public override string ToString()
    {
        if (Nanoseconds == 0)
        {
            return "0s";
        }

        var negative = Nanoseconds < 0;
        var u = negative ? (ulong)-(Nanoseconds + 1) + 1 : (ulong)Nanoseconds;
        var builder = new StringBuilder(24);
        if (negative)
        {
            builder.Append('-');
        }

        if (u < 1_000_000_000)
        {
            var (precision, unit) = u switch
            {
                < 1_000 => (0, "ns"),
                < 1_000_000 => (3, "\u00B5s"),
                _ => (6, "ms"),
            };
            AppendFraction(builder, u, precision);
            return builder.Append(unit).ToString();
        }

        var seconds = u / 1_000_000_000;
        var hours = seconds / 3600;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (seconds >= 60)
        {
            builder.Append((seconds / 60 % 60).ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendFraction(builder, (seconds % 60 * 1_000_000_000) + (u % 1_000_000_000), 9);
        return builder.Append('s').ToString();
    }

    private static long FromTicks(long ticks) => ticks switch
    {
        > long.MaxValue / NanosecondsPerTick => long.MaxValue,
        < long.MinValue / NanosecondsPerTick => long.MinValue,
        _ => ticks * NanosecondsPerTick,
    };

    private static void AppendFraction(StringBuilder builder, ulong value, int precision)
    {
        ulong scale = 1;
        for (var i = 0; i < precision; i++)
        {
            scale *= 10;
        }

        builder.Append((value / scale).ToString(CultureInfo.InvariantCulture));
        var fraction = value % scale;
        if (fraction != 0)
        {
            builder.Append('.').Append(fraction.ToString(CultureInfo.InvariantCulture).PadLeft(precision, '0').TrimEnd('0'));
        }
    }
}
