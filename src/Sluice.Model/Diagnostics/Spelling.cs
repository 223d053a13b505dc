using Sluice.Model.Binding;

namespace Sluice.Model.Diagnostics;

/// <summary>Suggestions for names that are not known: the known name a typo most likely meant.</summary>
public static class Spelling
{
    /// <summary>
    /// The known name closest to an unknown one, ignoring case, when it is close enough to be a typo (one edit
    /// per four characters, at least one; a swap of two adjacent characters is one edit); otherwise null.
    /// </summary>
    /// <param name="unknown">The name as written.</param>
    /// <param name="known">The names that exist.</param>
    public static string? Closest(string unknown, IEnumerable<string> known) => NodeBinder.Closest(unknown, known);
}
