using System.Globalization;

namespace Sluice.Engine.Runs;

/// <summary>RFC 3339 timestamps as Kubernetes writes them (second precision, UTC, <c>Z</c>).</summary>
public static class Timestamps
{
    /// <summary>Formats a time.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a time written by <see cref="Format"/>, or null.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
