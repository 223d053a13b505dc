namespace Sluice.Sdk.Programs;

/// <summary>The declared name a mistyped one was most likely meant to be.</summary>
internal static class Spelling
{
    /// <summary>
    /// The candidate at the smallest edit distance, ignoring case, when it is close enough to be a typo: one edit
    /// per three characters, rounded up, so that a swap of two letters in a short name still counts.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Name: c, Distance: Distance(typed, c)))
            .Where(c => c.Distance <= (c.Name.Length + 2) / 3)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
