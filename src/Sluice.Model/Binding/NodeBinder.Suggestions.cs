namespace Sluice.Model.Binding;

/// <summary>Fixes for unknown names: the known name closest to a typo.</summary>
internal sealed partial class NodeBinder
{
    internal static string? Suggest(string unknown, IEnumerable<string> known) =>
        Closest(unknown, known) is { } closest ? $"did you mean \"{closest}\"?" : "remove it; Tekton v1 has no such field here";

    /// <summary>The known name closest to an unknown one, when it is close enough to be a typo.</summary>
    internal static string? Closest(string unknown, IEnumerable<string> known) => known
        .Select(k => (k, d: Distance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
        .Where(x => x.d <= Math.Max(1, unknown.Length / 4))
        .OrderBy(x => x.d)
        .ThenBy(x => x.k, StringComparer.Ordinal)
        .FirstOrDefault().k;

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
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
