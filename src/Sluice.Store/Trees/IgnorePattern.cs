using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Store.Trees;

/// <summary>
/// One line of a <c>.gitignore</c> (or an include or exclude glob, which read the same way): <c>*</c>
/// and <c>?</c> within a name, <c>[a-z]</c> classes, <c>**</c> across directories, a leading or middle
/// <c>/</c> anchoring the pattern to its base directory (otherwise it matches a name at any depth), a
/// trailing <c>/</c> for directories only, and a leading <c>!</c> re-including what an earlier line left out.
/// </summary>
internal sealed class IgnorePattern
{
    private readonly Regex _regex;

    private IgnorePattern(Regex regex, bool negated, bool directoryOnly)
    {
        _regex = regex;
        Negated = negated;
        DirectoryOnly = directoryOnly;
    }

    /// <summary>Whether the line starts with <c>!</c>: a match includes instead of excludes.</summary>
    public bool Negated { get; }

    /// <summary>Whether the line ends with <c>/</c>: it matches directories only.</summary>
    public bool DirectoryOnly { get; }

    /// <summary>Reads one line; null for blank lines and comments.</summary>
    public static IgnorePattern? Parse(string line)
    {
        var text = TrimTrailingSpaces(line);
        if (text.Length == 0 || text[0] == '#')
        {
            return null;
        }

        var negated = text[0] == '!';
        if (negated || text.StartsWith("\\!", StringComparison.Ordinal) || text.StartsWith("\\#", StringComparison.Ordinal))
        {
            text = text[1..];
        }

        var directoryOnly = text.EndsWith('/');
        text = text.TrimEnd('/');
        if (text.Length == 0)
        {
            return null;
        }

        var anchored = text.Contains('/', StringComparison.Ordinal);
        text = text.TrimStart('/');
        var pattern = new StringBuilder(anchored ? "^" : "^(?:.*/)?");
        Translate(text, pattern);
        pattern.Append('$');
        return new IgnorePattern(new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), negated, directoryOnly);
    }

    /// <summary>Whether a path relative to the pattern's base directory (with <c>/</c> separators) matches.</summary>
    public bool Matches(string relativePath, bool isDirectory) =>
        (isDirectory || !DirectoryOnly) && _regex.IsMatch(relativePath);

    private static void Translate(string glob, StringBuilder pattern)
    {
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                var atSegmentStart = i == 0 || glob[i - 1] == '/';
                if (atSegmentStart && slashAfter)
                {
                    pattern.Append("(?:.*/)?");
                    i += 2;
                }
                else if (atSegmentStart && i + 2 == glob.Length)
                {
                    pattern.Append(".*");
                    i += 1;
                }
                else
                {
                    pattern.Append("[^/]*");
                    i += 1;
                }

                continue;
            }

            switch (c)
            {
                case '*':
                    pattern.Append("[^/]*");
                    break;
                case '?':
                    pattern.Append("[^/]");
                    break;
                case '\\' when i + 1 < glob.Length:
                    pattern.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                case '[' when glob.IndexOf(']', i + 1) is var end && end > i + 1:
                    var members = glob[(i + 1)..end];
                    pattern.Append('[').Append(members[0] is '!' or '^' ? "^" + Escape(members[1..]) : Escape(members)).Append(']');
                    i = end;
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }

    private static string Escape(string members) => members.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);

    private static string TrimTrailingSpaces(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\r' && !(end > 1 && line[end - 2] == '\\'))
        {
            end--;
        }

        return line[..end];
    }
}
