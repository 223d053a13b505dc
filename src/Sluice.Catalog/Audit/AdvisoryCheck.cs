using System.Collections.Immutable;
using NuGet.Versioning;

namespace Sluice.Catalog.Audit;

/// <summary>A package version an advisory affects.</summary>
/// <param name="Package">The package's name as the SBOM has it.</param>
/// <param name="Version">The package's version.</param>
/// <param name="AdvisoryId">The advisory's id.</param>
/// <param name="Aliases">The advisory's other ids (CVE numbers).</param>
/// <param name="Summary">The advisory's summary, when given.</param>
/// <param name="Severity">The advisory's severity, when given.</param>
/// <param name="FixedVersion">The lowest version above <paramref name="Version"/> that fixes it, when the advisory names one.</param>
public sealed record AdvisoryMatch(string Package, string Version, string AdvisoryId, ImmutableArray<string> Aliases, string? Summary, string? Severity, string? FixedVersion)
{
    /// <summary>One line for a log: package, version, advisory, summary and the fix.</summary>
    public override string ToString() =>
        $"{Package} {Version}: {AdvisoryId}{(Severity is null ? "" : $" ({Severity})")}{(Summary is null ? "" : $" {Summary}")}; " +
        (FixedVersion is null ? "no fixed version is known" : $"fixed in {FixedVersion}");
}

/// <summary>
/// Matches packages against OSV advisories with OSV's range semantics, comparing versions as NuGet does
/// (so <c>1.0</c> is <c>1.0.0</c>, prereleases come before their release, and names ignore case).
/// </summary>
public static class AdvisoryCheck
{
    /// <summary>Every advisory affecting each component, sorted by package, version and advisory id.</summary>
    public static ImmutableArray<AdvisoryMatch> Check(IEnumerable<SbomComponent> components, OsvDatabase database)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(database);
        var matches = new List<AdvisoryMatch>();
        foreach (var component in components.DistinctBy(c => (c.Name.ToUpperInvariant(), c.Version)))
        {
            if (!NuGetVersion.TryParse(component.Version, out var version))
            {
                continue;
            }

            foreach (var (advisory, affected) in database.For(component.Name))
            {
                if (IsAffected(affected, version, out var fixedVersion))
                {
                    matches.Add(new AdvisoryMatch(component.Name, component.Version, advisory.Id, advisory.Aliases, advisory.Summary, advisory.Severity, fixedVersion));
                }
            }
        }

        return [.. matches
            .DistinctBy(m => (m.Package.ToUpperInvariant(), m.Version, m.AdvisoryId))
            .OrderBy(m => m.Package, StringComparer.OrdinalIgnoreCase)
            .ThenBy(m => NuGetVersion.Parse(m.Version))
            .ThenBy(m => m.AdvisoryId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Whether a version is in an affected entry: listed in its versions, or in one of its ECOSYSTEM or
    /// SEMVER ranges. <paramref name="fixedVersion"/> is the lowest fix above the version that a matching
    /// range names.
    /// </summary>
    public static bool IsAffected(OsvAffected affected, NuGetVersion version, out string? fixedVersion)
    {
        ArgumentNullException.ThrowIfNull(affected);
        ArgumentNullException.ThrowIfNull(version);
        fixedVersion = null;
        var hit = affected.Versions.Any(v => NuGetVersion.TryParse(v, out var listed) && listed == version);
        NuGetVersion? lowestFix = null;
        foreach (var range in affected.Ranges.Where(r => r.Type is "ECOSYSTEM" or "SEMVER"))
        {
            if (!InRange(range, version))
            {
                continue;
            }

            hit = true;
            foreach (var fix in range.Events.Where(e => e.Kind == OsvEventKind.Fixed))
            {
                if (NuGetVersion.TryParse(fix.Version, out var v) && v > version && (lowestFix is null || v < lowestFix))
                {
                    lowestFix = v;
                    fixedVersion = fix.Version;
                }
            }
        }

        return hit;
    }

    /// <summary>
    /// OSV's evaluation: events in version order (an introduced <c>0</c> first); an introduced at or
    /// below the version makes it affected, a fixed at or below it or a last_affected below it makes it
    /// not, and a limit at or below it ends the range.
    /// </summary>
    private static bool InRange(OsvRange range, NuGetVersion version)
    {
        var events = range.Events
            .Select(e => (Event: e, Version: e.Version == "0" ? new NuGetVersion(0, 0, 0) : NuGetVersion.TryParse(e.Version, out var v) ? v : null))
            .Where(e => e.Version is not null)
            .OrderBy(e => e.Version)
            .ThenBy(e => e.Event.Kind == OsvEventKind.Introduced && e.Event.Version == "0" ? 0 : 1);
        var affected = false;
        foreach (var (e, at) in events)
        {
            switch (e.Kind)
            {
                case OsvEventKind.Introduced when e.Version == "0" || version >= at!:
                    affected = true;
                    break;
                case OsvEventKind.Fixed when version >= at!:
                    affected = false;
                    break;
                case OsvEventKind.LastAffected when version > at!:
                    affected = false;
                    break;
                case OsvEventKind.Limit when version >= at!:
                    return false;
            }
        }

        return affected;
    }
}
