using System.Globalization;

namespace Sluice.Cli.History;

/// <summary>Ages and durations as kubectl prints them (Kubernetes' <c>duration.HumanDuration</c>).</summary>
internal static class Ages
{
    /// <summary>A length of time such as <c>45s</c>, <c>5m30s</c>, <c>3h</c> or <c>12d</c>.</summary>
    public static string Human(TimeSpan span)
    {
        var seconds = (long)Math.Floor(span.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        var years = hours / 24 / 365;
        return years < 8 ? Invariant($"{years}y{hours / 24 % 365}d") : Invariant($"{years}y");
    }

    /// <summary>How long something took, precise below a minute: <c>0.7s</c>, <c>12s</c>, <c>3m05s</c>.</summary>
    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? Rendering.Durations.Format(e - s) : "---";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
