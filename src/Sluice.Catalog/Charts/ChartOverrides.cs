using System.Collections.Immutable;

namespace Sluice.Catalog.Charts;

/// <summary>
/// What a pipeline sets in a chart before it is validated and packaged: its version, its app version,
/// and values by path (such as <c>agenda.image.digest</c>), written into <c>values.yaml</c> as strings.
/// </summary>
public sealed record ChartOverrides
{
    /// <summary>No overrides: the chart as it is on disk.</summary>
    public static ChartOverrides None { get; } = new();

    /// <summary>The chart's version instead of Chart.yaml's, or null to keep it.</summary>
    public string? Version { get; init; }

    /// <summary>The app version instead of Chart.yaml's, or null to keep it.</summary>
    public string? AppVersion { get; init; }

    /// <summary>
    /// Values to set, by dotted path from the top of <c>values.yaml</c>: existing values are replaced in
    /// place (keeping their quoting), missing keys are added under the deepest existing mapping.
    /// Applied in ordinal order of their paths.
    /// </summary>
    public ImmutableSortedDictionary<string, string> Values { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}
