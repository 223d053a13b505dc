using System.Text.RegularExpressions;

namespace Sluice.Model.Tests.Documentation;

/// <summary>
/// <c>docs/conformance.md</c> keeps up with Tekton's schemas and with the code: every field of the v1 CRDs
/// has a row, every row names fields the CRDs have, every test and example a row cites exists, and every
/// refusal quotes a message the code gives.
/// </summary>
public sealed partial class ConformanceDocumentTests
{
    private static readonly Lazy<IReadOnlyList<ConformanceRow>> Rows = new(() => ConformanceTable.Parse(File.ReadAllText(ConformanceTable.DocumentPath)));

    [Fact]
    public void Every_field_of_the_v1_crds_has_a_row()
    {
        var missing = ConformanceTable.Uncovered(Rows.Value);
        Assert.True(missing.Count == 0, $"{missing.Count} CRD fields have no row in docs/conformance.md:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void A_table_without_one_of_its_rows_reports_that_rows_fields()
    {
        var rows = Rows.Value;
        var fieldRows = rows.Where(r => !r.Subjects[0].StartsWith("$(", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fieldRows);
        foreach (var removed in new[] { fieldRows[0], fieldRows[fieldRows.Count / 2], fieldRows[^1] })
        {
            var others = rows.Where(r => r != removed).ToList();
            var coveredElsewhere = others.SelectMany(r => r.Subjects).ToHashSet(StringComparer.Ordinal);
            var expected = removed.Subjects.Where(s => CrdFields.NeedingRows.Contains(s) && !coveredElsewhere.Contains(s)).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Order(StringComparer.Ordinal), ConformanceTable.Uncovered(others).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Every_field_a_row_names_is_in_the_crds()
    {
        var unknown = Rows.Value.SelectMany(r => r.Subjects.Where(s => !s.StartsWith("$(", StringComparison.Ordinal) && !CrdFields.All.Contains(s)).Select(s => $"line {r.Line}: {s}")).ToList();
        Assert.True(unknown.Count == 0, "rows of docs/conformance.md name fields the CRD schemas do not have:\n  " + string.Join("\n  ", unknown));
    }

    [Fact]
    public void Every_row_has_a_state_and_what_is_supported_names_its_evidence()
    {
        var problems = new List<string>();
        foreach (var row in Rows.Value)
        {
            switch (row.Keyword)
            {
                case null:
                    problems.Add($"line {row.Line}: the state must start with one of {string.Join(", ", ConformanceRow.States)}: {row.State}");
                    break;
                case "supported" or "emulated" when row.Tests.IsEmpty && row.Examples.IsEmpty:
                    problems.Add($"line {row.Line}: {row.Subjects[0]} is {row.Keyword} but names no test or conformance example");
                    break;
                case "refused" when !row.Quoted.Any():
                    problems.Add($"line {row.Line}: {row.Subjects[0]} is refused but quotes no message");
                    break;
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_test_a_row_names_exists()
    {
        var root = Support.ConformanceExamples.RepositoryRoot();
        var methods = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => MethodDeclaration().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var missing = Rows.Value.SelectMany(r => r.Tests.Where(t => !methods.Contains(t)).Select(t => $"line {r.Line}: {t}")).ToList();
        Assert.True(missing.Count == 0, "docs/conformance.md names tests that no file under tests/ declares:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void Every_example_a_row_names_is_run_by_the_conformance_suite()
    {
        var tekton = Path.GetFullPath(Path.Combine(Support.ConformanceExamples.Directory, ".."));
        var run = File.ReadAllLines(Path.Combine(tekton, "tekton-examples-tiers.tsv"))
            .Skip(1)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length >= 3 && int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) <= 2 && f[2] == "no")
            .Select(f => f[0])
            .ToHashSet(StringComparer.Ordinal);
        var problems = Rows.Value.SelectMany(r => r.Examples
            .Where(e => !File.Exists(Path.Combine(tekton, e)) || !run.Contains(e))
            .Select(e => $"line {r.Line}: {e} {(File.Exists(Path.Combine(tekton, e)) ? "is not of tiers 0 to 2 offline, so the suite does not run it" : "does not exist")}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_refusal_quotes_a_message_the_code_gives()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Support.ConformanceExamples.RepositoryRoot(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var missing = Rows.Value.Where(r => r.Keyword == "refused")
            .SelectMany(r => r.Quoted.Where(q => !sources.Any(s => s.Contains(q, StringComparison.Ordinal))).Select(q => $"line {r.Line}: \"{q}\""))
            .ToList();
        Assert.True(missing.Count == 0, "refusals quote messages no source file under src/ holds:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void Braces_expand_to_each_choice_and_a_maps_braces_stay()
    {
        Assert.Equal(
            ["Task.spec.steps[].name", "Task.spec.sidecars[].name", "Task.spec.params[].properties{}.type"],
            ConformanceTable.Expand("Task.spec.{steps,sidecars}[].name").Concat(ConformanceTable.Expand("Task.spec.params[].properties{}.type")));
    }

    [GeneratedRegex(@"\b(?:void|Task|ValueTask)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex MethodDeclaration();
}
