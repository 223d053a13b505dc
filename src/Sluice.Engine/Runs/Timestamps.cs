using System.Globalization;

namespace Sluice.Engine.Runs;

/// <summary>RFC 3339 timestamps as Kubernetes writes them (second precision, UTC, <c>Z</c>).</summary>
public static class Timestamps
{
    // A run stamps many times a second with the same text: the last one formatted is kept and shared.
    private static Formatted? _last;

    /// <summary>Formats a time.</summary>
    public static string Format(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        if (Volatile.Read(ref _last) is { } last && last.Second == second)
        {
            return last.Text;
        }

        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Volatile.Write(ref _last, new Formatted(second, text));
        return text;
    }

    /// <summary>Parses a time written by <see cref="Format"/>, or null.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    private sealed record Formatted(long Second, string Text);
}
