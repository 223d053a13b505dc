using Sluice.Model.Diagnostics;

namespace Sluice.Engine;

/// <summary>The fix offered for a taskRef that names a Task the resolver cannot find.</summary>
internal static class MissingTask
{
    /// <summary>A suggestion of the closest Task the resolver knows (a file's or the catalog's), when the name looks like a typo of it.</summary>
    public static string Fix(string? name, ITaskResolver resolver, string @namespace) =>
        name is { Length: > 0 } && Spelling.Closest(name, resolver.TaskNames(@namespace).Distinct(StringComparer.Ordinal)) is { } closest
            ? $"did you mean \"{closest}\"? Otherwise pass the file that defines this Task to sluice"
            : "pass the file that defines this Task to sluice, or fix taskRef.name";
}
