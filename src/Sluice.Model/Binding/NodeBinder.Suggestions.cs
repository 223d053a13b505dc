using Sluice.Model.Diagnostics;

namespace Sluice.Model.Binding;

/// <summary>Fixes for unknown names: the known name closest to a typo.</summary>
internal sealed partial class NodeBinder
{
    internal static string? Suggest(string unknown, IEnumerable<string> known) =>
        Closest(unknown, known) is { } closest ? $"did you mean {GoQuote.Of(closest)}?" : "remove it; Tekton v1 has no such field here";

    /// <summary>The known name closest to an unknown one, when it is close enough to be a typo.</summary>
    internal static string? Closest(string unknown, IEnumerable<string> known) => known
        .Select(k => (k, d: Distance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
        .Where(x => x.d <= Math.Max(1, unknown.Length / 4))
        .OrderBy(x => x.d)
        .ThenBy(x => x.k, StringComparer.Ordinal)
        .FirstOrDefault().k;

    /// <summary>
    /// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two adjacent
    /// characters each cost one, so "scrpit" is one edit from "script".
    /// </summary>
    internal static int Distance(string a, string b)
    {
        var rows = new int[3][];
        for (var r = 0; r < 3; r++)
        {
            rows[r] = new int[b.Length + 1];
        }

        var (beforePrevious, previous, current) = (rows[0], rows[1], rows[2]);
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }
}
