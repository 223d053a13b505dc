using CsCheck;

namespace Sluice.Model.Tests.Properties;

public sealed class DurationPropertyTests
{
    /// <summary>Go's time.Duration bounds (about ±292 years) in 100 ns ticks, the resolution of TimeSpan.</summary>
    private const long MaxTicks = long.MaxValue / 100;

    [Fact]
    public void Formatting_then_parsing_gives_the_same_duration()
    {
        Gen.OneOf(Gen.Long[-MaxTicks, MaxTicks], Gen.Long[-100_000_000_000, 100_000_000_000], Gen.Long[-10_000, 10_000]).Sample(
            ticks =>
            {
                var duration = Duration.From(TimeSpan.FromTicks(ticks));
                var text = duration.ToString();
                Assert.True(Duration.TryParse(text, out var parsed), $"\"{text}\" does not parse");
                Assert.Equal(duration, parsed);
            },
            iter: 5000);
    }

    [Fact]
    public void Formatting_matches_Go_s_Duration_String()
    {
        Gen.OneOf(Gen.Long[-MaxTicks, MaxTicks], Gen.Long[-100_000_000_000, 100_000_000_000], Gen.Long[-10_000, 10_000]).Sample(
            ticks => Assert.Equal(GoDurationString(ticks * 100), Duration.From(TimeSpan.FromTicks(ticks)).ToString()),
            iter: 5000);
    }

    [Fact]
    public void Parsing_Go_s_output_gives_the_same_duration()
    {
        Gen.Long[-MaxTicks, MaxTicks].Sample(
            ticks => Assert.Equal(TimeSpan.FromTicks(ticks), Duration.Parse(GoDurationString(ticks * 100)).Value),
            iter: 3000);
    }

    /// <summary>Go's Duration.String (src/time/time.go: format, fmtFrac, fmtInt) on nanoseconds.</summary>
    internal static string GoDurationString(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        string text;
        if (u < 1_000_000_000)
        {
            var (precision, unit) = u switch
            {
                < 1_000 => (0, "ns"),
                < 1_000_000 => (3, "\u00B5s"),
                _ => (6, "ms"),
            };
            text = Fraction(u, precision) + unit;
        }
        else
        {
            var seconds = u / 1_000_000_000;
            var fraction = Fraction(u, 9)[(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)..];
            var hours = seconds / 3600;
            var minutes = seconds / 60 % 60;
            text = (hours > 0 ? $"{hours}h" : string.Empty) + (seconds >= 60 ? $"{minutes}m" : string.Empty) + $"{seconds % 60}{fraction}s";
        }

        return negative ? "-" + text : text;
    }

    private static string Fraction(ulong value, int precision)
    {
        ulong scale = 1;
        for (var i = 0; i < precision; i++)
        {
            scale *= 10;
        }

        var whole = (value / scale).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fraction = value % scale;
        return fraction == 0 ? whole : whole + "." + fraction.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(precision, '0').TrimEnd('0');
    }
}
