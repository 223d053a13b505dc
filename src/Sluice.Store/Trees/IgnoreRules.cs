using System.Collections.Immutable;

namespace Sluice.Store.Trees;

/// <summary>
/// The patterns that apply at one directory of a walk: those of every <c>.gitignore</c> from the root
/// down to it, each relative to its own directory. The last matching pattern decides, so deeper files
/// and later lines win, as in Git.
/// </summary>
internal sealed class IgnoreRules
{
    private readonly ImmutableArray<(string Base, string Above, ImmutableArray<IgnorePattern> Patterns)> _levels;

    private IgnoreRules(ImmutableArray<(string Base, string Above, ImmutableArray<IgnorePattern> Patterns)> levels)
    {
        _levels = levels;
    }

    /// <summary>No patterns.</summary>
    public static IgnoreRules None { get; } = new([]);

    /// <summary>Reads a list of patterns (one per line or one per item) that apply to the whole tree.</summary>
    public static ImmutableArray<IgnorePattern> ParseAll(IEnumerable<string> lines) =>
        [.. lines.Select(IgnorePattern.Parse).OfType<IgnorePattern>()];

    /// <summary>These rules with a directory's own patterns added (its <c>.gitignore</c>), relative to <paramref name="directory"/>.</summary>
    public IgnoreRules With(string directory, ImmutableArray<IgnorePattern> patterns) =>
        patterns.IsEmpty ? this : new IgnoreRules(_levels.Add((directory.Length == 0 ? string.Empty : directory + "/", string.Empty, patterns)));

    /// <summary>
    /// These rules with the patterns of a <c>.gitignore</c> above the tree's root, which see the root as
    /// <paramref name="pathToRoot"/> (such as <c>services/agenda</c>), as Git applies a repository's
    /// <c>.gitignore</c> files to each of its subdirectories.
    /// </summary>
    public IgnoreRules WithAbove(string pathToRoot, ImmutableArray<IgnorePattern> patterns) =>
        patterns.IsEmpty ? this : new IgnoreRules(_levels.Add((string.Empty, pathToRoot + "/", patterns)));

    /// <summary>Whether a path relative to the tree's root is matched: the last pattern that matches it is not a <c>!</c> one.</summary>
    public bool Matches(string relativePath, bool isDirectory)
    {
        var ignored = false;
        foreach (var (root, above, patterns) in _levels)
        {
            if (!relativePath.StartsWith(root, StringComparison.Ordinal))
            {
                continue;
            }

            var below = above.Length == 0 ? relativePath[root.Length..] : above + relativePath[root.Length..];
            foreach (var pattern in patterns)
            {
                if (pattern.Matches(below, isDirectory))
                {
                    ignored = !pattern.Negated;
                }
            }
        }

        return ignored;
    }
}
