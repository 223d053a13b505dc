using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Validation;

/// <summary>Where validation reports: the diagnostics, and the source map that turns objects into positions.</summary>
/// <param name="Diagnostics">Where problems go.</param>
/// <param name="SourceMap">Positions of the objects being checked.</param>
/// <param name="File">The file, for objects without a recorded position.</param>
public sealed record ValidationContext(DiagnosticBag Diagnostics, SourceMap SourceMap, string File)
{
    /// <summary>
    /// Where to report a problem of an object that has no position of its own, such as a <c>spec</c> the
    /// YAML leaves out: the resource that encloses it.
    /// </summary>
    public SourceLocation Fallback { get; init; } = SourceLocation.None;

    /// <summary>Reports a problem at an object's field (or an item of a list field).</summary>
    public void Error(object? owner, string? field, string path, string message, string? fix = null, int? index = null)
    {
        var location = SourceMap.Locate(owner, field, index);
        if (!location.IsKnown)
        {
            location = Fallback.IsKnown ? Fallback : new SourceLocation(File, 0, 0);
        }

        Diagnostics.Add(location, path, message, fix);
    }

    /// <summary>
    /// Reports Tekton's "missing field(s)" for a field that is absent or empty: at its key when the YAML wrote it
    /// empty, else at the object. Nothing is reported when the YAML gave the field a value already reported as
    /// wrong (an unknown alias, a number for a string): one mistake, one problem.
    /// </summary>
    public void Missing(object owner, string field, string path, string fix)
    {
        if (!SourceMap.IsRefused(owner, field))
        {
            Error(owner, field, path, "missing field(s)", fix);
        }
    }

    /// <summary>Whether the YAML wrote the field, even as an empty value (Go tells an empty map from a missing one).</summary>
    public bool Wrote(object owner, string field) => SourceMap.HasField(owner, field);

    /// <summary>Joins a path and a field.</summary>
    public static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    /// <summary>Joins a path, a list field and an index.</summary>
    public static string Join(string path, string field, int index) => $"{Join(path, field)}[{index}]";
}
