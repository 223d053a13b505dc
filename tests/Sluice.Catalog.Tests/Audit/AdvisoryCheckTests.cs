using NuGet.Versioning;
using Sluice.Catalog.Audit;

namespace Sluice.Catalog.Tests.Audit;

/// <summary>OSV's range semantics with NuGet's version comparison.</summary>
public sealed class AdvisoryCheckTests
{
    [Theory]
    [InlineData("0.0.1", true, "1.2.3")]
    [InlineData("1.2.2", true, "1.2.3")]
    [InlineData("1.2.3-beta.1", true, "1.2.3")]
    [InlineData("1.2.3", false, null)]
    [InlineData("2.0.0", false, null)]
    public void Introduced_0_to_fixed_covers_everything_before_the_fix_prereleases_of_it_included(string version, bool affected, string? fix)
    {
        Assert.Equal((affected, fix), Affected(Range(("introduced", "0"), ("fixed", "1.2.3")), version));
    }

    [Theory]
    [InlineData("0.9.0", false)]
    [InlineData("1.0.0", true)]
    [InlineData("1.4", true)]
    [InlineData("1.4.0.0", true)]
    [InlineData("1.4.1", false)]
    public void Last_affected_includes_its_own_version_and_names_no_fix(string version, bool affected)
    {
        Assert.Equal((affected, (string?)null), Affected(Range(("introduced", "1.0"), ("last_affected", "1.4.0")), version));
    }

    [Theory]
    [InlineData("1.2.0", true, "1.5.0")]
    [InlineData("1.7.0", false, null)]
    [InlineData("2.1.0", true, "2.3.0")]
    [InlineData("2.3.0", false, null)]
    public void Events_of_one_range_are_applied_in_version_order_whatever_order_they_are_written_in(string version, bool affected, string? fix)
    {
        Assert.Equal((affected, fix), Affected(Range(("introduced", "2.0.0"), ("fixed", "2.3.0"), ("fixed", "1.5.0"), ("introduced", "1.0.0")), version));
    }

    [Theory]
    [InlineData("0.5.0", true, "1.0.0")]
    [InlineData("1.5.0", false, null)]
    [InlineData("2.0.5", true, "2.1.0")]
    [InlineData("3.0", true, null)]
    [InlineData("3.0.2", false, null)]
    public void A_version_in_any_range_or_in_the_explicit_list_is_affected(string version, bool affected, string? fix)
    {
        var entry = new OsvAffected
        {
            Ecosystem = "NuGet",
            Name = "Agenda.Client",
            Ranges = [Range(("introduced", "0"), ("fixed", "1.0.0")), Range(("introduced", "2.0.0"), ("fixed", "2.1.0")), Range("GIT", ("introduced", "0"))],
            Versions = ["3.0.0", "3.0.1"],
        };

        Assert.Equal((affected, fix), (AdvisoryCheck.IsAffected(entry, NuGetVersion.Parse(version), out var fixedVersion), fixedVersion));
    }

    [Fact]
    public void Components_match_advisories_by_name_ignoring_case_and_only_in_the_NuGet_ecosystem()
    {
        var database = new OsvDatabase(
        [
            Advisory("GHSA-aaaa-bbbb-cccc", "NuGet", "newtonsoft.json", Range(("introduced", "0"), ("fixed", "13.0.1"))) with { Aliases = ["CVE-2024-0001"], Severity = "HIGH" },
            Advisory("GHSA-dddd-eeee-ffff", "npm", "Serilog", Range(("introduced", "0"))),
            Advisory("GHSA-gggg-hhhh-iiii", "NuGet", "Serilog", Range(("introduced", "4.0.0"))),
        ]);

        var matches = AdvisoryCheck.Check([new SbomComponent("Newtonsoft.Json", "12.0.3"), new SbomComponent("Serilog", "3.1.1"), new SbomComponent("Newtonsoft.Json", "13.0.3")], database);

        var match = Assert.Single(matches);
        Assert.Equal(("Newtonsoft.Json", "12.0.3", "GHSA-aaaa-bbbb-cccc", "HIGH", "13.0.1"), (match.Package, match.Version, match.AdvisoryId, match.Severity, match.FixedVersion));
        Assert.Equal(["CVE-2024-0001"], match.Aliases);
        Assert.Equal("Newtonsoft.Json 12.0.3: GHSA-aaaa-bbbb-cccc (HIGH) summary of GHSA-aaaa-bbbb-cccc; fixed in 13.0.1", match.ToString());
    }

    private static (bool Affected, string? Fix) Affected(OsvRange range, string version)
    {
        var entry = new OsvAffected { Ecosystem = "NuGet", Name = "Agenda.Client", Ranges = [range] };
        return (AdvisoryCheck.IsAffected(entry, NuGetVersion.Parse(version), out var fix), fix);
    }

    internal static OsvRange Range(params (string Kind, string Version)[] events) => Range("ECOSYSTEM", events);

    private static OsvRange Range(string type, params (string Kind, string Version)[] events) => new()
    {
        Type = type,
        Events = [.. events.Select(e => new OsvEvent(e.Kind switch { "introduced" => OsvEventKind.Introduced, "fixed" => OsvEventKind.Fixed, _ => OsvEventKind.LastAffected }, e.Version))],
    };

    internal static OsvAdvisory Advisory(string id, string ecosystem, string package, OsvRange range) => new()
    {
        Id = id,
        Summary = "summary of " + id,
        Affected = [new OsvAffected { Ecosystem = ecosystem, Name = package, Ranges = [range] }],
    };
}
