using System.Globalization;

namespace Sluice.Cli.Caching;

/// <summary>Byte counts as people write them: <c>500M</c>, <c>10GiB</c>, <c>2GB</c>, <c>1048576</c>.</summary>
internal static class Sizes
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("TB", 1_000_000_000_000L),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40),
        ("B", 1L),
    ];

    /// <summary>
    /// Reads a size: a number with an optional unit, <c>K</c>/<c>M</c>/<c>G</c>/<c>T</c> and <c>KiB</c>…
    /// binary, <c>KB</c>… decimal, case-insensitive. Null when the text is not one.
    /// </summary>
    public static long? Parse(string text)
    {
        var trimmed = text.Trim();
        var (suffix, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Suffix, StringComparison.OrdinalIgnoreCase), (Suffix: string.Empty, Factor: 1L));
        var number = trimmed[..^suffix.Length].Trim();
        return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value * factor <= long.MaxValue
            ? (long)Math.Ceiling(value * factor)
            : null;
    }

    /// <summary>A size for people: <c>512 B</c>, <c>1.5 KiB</c>, <c>20.0 MiB</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        var units = new[] { "KiB", "MiB", "GiB", "TiB" };
        var value = bytes / 1024.0;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
