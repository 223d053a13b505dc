using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Sluice.Model.Tests.Documentation;

/// <summary>One row of a table in <c>docs/conformance.md</c>.</summary>
/// <param name="Line">Its line number in the file.</param>
/// <param name="Subjects">The field paths or variables it covers, braces expanded.</param>
/// <param name="State">Its state cell.</param>
/// <param name="Tests">The test methods it names.</param>
/// <param name="Examples">The conformance examples it names, relative to tekton/ (<c>v1/taskruns/x.yaml</c>).</param>
internal sealed record ConformanceRow(int Line, ImmutableArray<string> Subjects, string State, ImmutableArray<string> Tests, ImmutableArray<string> Examples)
{
    /// <summary>The states a row may have: its state cell starts with one of them.</summary>
    public static readonly ImmutableArray<string> States = ["supported", "emulated", "no effect", "refused"];

    /// <summary>The state's keyword, or null when the cell starts with none.</summary>
    public string? Keyword => States.FirstOrDefault(s => State.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The messages a refusal quotes, "in double quotes".</summary>
    public IEnumerable<string> Quoted => ConformanceTable.QuotedText().Matches(State).Select(m => m.Groups[1].Value);
}

/// <summary>
/// Reads the tables of <c>docs/conformance.md</c>: rows whose first cell names fields (backquoted paths
/// starting with a kind, <c>{a,b}</c> expanding to both) or variables (backquoted <c>$(...)</c>), then a
/// state cell, then evidence: backquoted test method names and conformance example paths.
/// </summary>
internal static partial class ConformanceTable
{
    /// <summary>The document's path in the repository.</summary>
    public static string DocumentPath => Path.Combine(Support.ConformanceExamples.RepositoryRoot(), "docs", "conformance.md");

    /// <summary>The rows of every table in <paramref name="markdown"/> that name fields or variables.</summary>
    public static IReadOnlyList<ConformanceRow> Parse(string markdown)
    {
        var kinds = CrdFields.KindNames.ToHashSet(StringComparer.Ordinal);
        var rows = new List<ConformanceRow>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|') || line.StartsWith("|--", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var subjects = Backquoted(cells[0])
                .SelectMany(Expand)
                .Where(s => s.StartsWith("$(", StringComparison.Ordinal) || kinds.Contains(s.Split('.')[0]))
                .ToImmutableArray();
            if (subjects.IsEmpty)
            {
                continue;
            }

            var evidence = cells.Length > 2 ? Backquoted(cells[2]).ToList() : [];
            rows.Add(new ConformanceRow(
                i + 1,
                subjects,
                cells.Length > 1 ? cells[1] : string.Empty,
                [.. evidence.Where(e => Identifier().IsMatch(e))],
                [.. evidence.Where(e => e.EndsWith(".yaml", StringComparison.Ordinal))]));
        }

        return rows;
    }

    /// <summary>The field paths that need a row and that none of <paramref name="rows"/> covers.</summary>
    public static IReadOnlyList<string> Uncovered(IEnumerable<ConformanceRow> rows)
    {
        var covered = rows.SelectMany(r => r.Subjects).ToHashSet(StringComparer.Ordinal);
        return [.. CrdFields.NeedingRows.Where(p => !covered.Contains(p))];
    }

    /// <summary>Expands each <c>{a,b,...}</c> group (a group holds a comma; <c>{}</c>, a map's values, stays).</summary>
    public static IEnumerable<string> Expand(string text)
    {
        var group = BraceGroup().Match(text);
        if (!group.Success)
        {
            yield return text;
            yield break;
        }

        foreach (var choice in group.Groups[1].Value.Split(','))
        {
            foreach (var expanded in Expand(string.Concat(text.AsSpan(0, group.Index), choice.Trim(), text.AsSpan(group.Index + group.Length))))
            {
                yield return expanded;
            }
        }
    }

    private static IEnumerable<string> Backquoted(string cell) => BackquotedText().Matches(cell).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BackquotedText();

    [GeneratedRegex(@"\{([^{}]*,[^{}]*)\}")]
    private static partial Regex BraceGroup();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("\"([^\"]+)\"")]
    internal static partial Regex QuotedText();
}
