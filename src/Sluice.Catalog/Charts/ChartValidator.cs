using System.Collections.Immutable;
using Sluice.Model.Diagnostics;

namespace Sluice.Catalog.Charts;

/// <summary>What validating a chart found.</summary>
/// <param name="Chart">The chart's metadata after the overrides, or null when Chart.yaml is missing or unusable.</param>
/// <param name="Problems">Every problem, each with its file, line, column, field and fix; empty when the chart is valid.</param>
public sealed record ChartValidation(ChartMetadata? Chart, ImmutableArray<Diagnostic> Problems)
{
    /// <summary>Whether the chart can be packaged.</summary>
    public bool IsValid => Chart is not null && Problems.IsEmpty;
}

/// <summary>
/// Checks a chart directory before it is packaged: <c>Chart.yaml</c> exists and holds what Helm needs
/// (apiVersion v2 or v1, a name that can name an OCI repository, a SemVer 2 version, a known type,
/// named maintainers and dependencies), the overrides apply, and when <c>values.schema.json</c> exists,
/// <c>values.yaml</c> with the overrides satisfies it. Every problem is reported at once.
/// </summary>
public static class ChartValidator
{
    /// <summary>Validates the chart in <paramref name="chartDirectory"/> as it would be packaged with <paramref name="overrides"/>.</summary>
    public static ChartValidation Validate(string chartDirectory, ChartOverrides? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(chartDirectory);
        var problems = new DiagnosticBag();
        var chart = ChartSource.Load(chartDirectory, overrides ?? ChartOverrides.None, problems);
        if (chart is not null)
        {
            ValuesSchema.Check(chart, problems);
        }

        return new ChartValidation(chart?.Metadata, problems.ToImmutable());
    }
}
