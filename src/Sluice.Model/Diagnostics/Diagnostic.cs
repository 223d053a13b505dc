namespace Sluice.Model.Diagnostics;

/// <summary>A problem in user input: where it is, which field, what is wrong and how to fix it.</summary>
/// <param name="Location">Where in the file the problem is.</param>
/// <param name="FieldPath">The field path in the resource, such as <c>spec.tasks[1].runAfter[0]</c>.</param>
/// <param name="Message">What is wrong, in Tekton's wording where Tekton has one.</param>
/// <param name="Fix">How to fix it, when there is an obvious fix.</param>
public sealed record Diagnostic(SourceLocation Location, string FieldPath, string Message, string? Fix = null)
{
    /// <summary>The resource the problem was found in, as <c>Kind/name</c>, when known.</summary>
    public string? Resource { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var where = Location.IsKnown ? $"{Location}: " : Location.File.Length > 0 ? $"{Location.File}: " : string.Empty;
        var field = FieldPath.Length > 0 ? $"{FieldPath}: " : string.Empty;
        var fix = Fix is null ? string.Empty : $" ({Fix})";
        return $"{where}{field}{Message}{fix}";
    }
}
