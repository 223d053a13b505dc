using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Engine.Tasks;

/// <summary>Kubernetes resource quantities (<c>500m</c>, <c>2</c>, <c>64Mi</c>, <c>1G</c>).</summary>
public static partial class Quantities
{
    /// <summary>A CPU quantity in nano-CPUs, or null when it does not parse.</summary>
    public static long? ParseNanoCpus(string text) =>
        TryParse(text, out var value) ? (long)Math.Ceiling(value * 1_000_000_000m) : null;

    /// <summary>A memory quantity in bytes, or null when it does not parse.</summary>
    public static long? ParseBytes(string text) =>
        TryParse(text, out var value) ? (long)Math.Ceiling(value) : null;

    /// <summary>Parses a quantity into its plain number.</summary>
    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        decimal? scale = match.Groups["suffix"].Value switch
        {
            "" => 1m,
            "n" => 0.000000001m,
            "u" => 0.000001m,
            "m" => 0.001m,
            "k" => 1_000m,
            "M" => 1_000_000m,
            "G" => 1_000_000_000m,
            "T" => 1_000_000_000_000m,
            "P" => 1_000_000_000_000_000m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            "Ti" => 1024m * 1024 * 1024 * 1024,
            "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
            _ => null,
        };
        if (scale is null)
        {
            return false;
        }

        value = number * scale.Value;
        return true;
    }

    [GeneratedRegex(@"^(?<number>[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(?<suffix>[a-zA-Z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
