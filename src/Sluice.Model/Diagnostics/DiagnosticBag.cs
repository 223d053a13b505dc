using System.Collections.Immutable;

namespace Sluice.Model.Diagnostics;

/// <summary>Collects problems so that every one of them is reported at once.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    /// <summary>Whether any problem was recorded.</summary>
    public bool HasErrors => _items.Count > 0;

    /// <summary>The number of problems recorded.</summary>
    public int Count => _items.Count;

    /// <summary>Records a problem.</summary>
    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    /// <summary>Records a problem at a location.</summary>
    public void Add(SourceLocation location, string fieldPath, string message, string? fix = null) =>
        _items.Add(new Diagnostic(location, fieldPath, message, fix));

    /// <summary>Records several problems.</summary>
    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>The problems, in the order of their position in the input.</summary>
    public ImmutableArray<Diagnostic> ToImmutable() =>
        [.. _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line)
            .ThenBy(x => x.d.Location.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)
            .Distinct()];
}
