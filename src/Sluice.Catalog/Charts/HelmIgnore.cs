using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Catalog.Charts;

/// <summary>
/// The rules of a chart's <c>.helmignore</c> with Helm's meaning: one glob per line (<c>*</c>, <c>?</c>
/// and <c>[...]</c> within one path component, no <c>**</c>), <c>#</c> comments, a trailing <c>/</c> for
/// directories only, a leading <c>/</c> or an inner one to match the whole relative path (else the file
/// name alone), and <c>!</c> to negate. Hidden files under <c>templates/</c> are always left out.
/// </summary>
internal sealed class HelmIgnore
{
    public const string FileName = ".helmignore";

    private readonly List<Rule> _rules = [];

    private HelmIgnore()
    {
    }

    /// <summary>The rules of a chart directory: its .helmignore, if any, and Helm's default.</summary>
    public static HelmIgnore Load(string chartDirectory)
    {
        var path = Path.Combine(chartDirectory, FileName);
        return Parse(File.Exists(path) ? File.ReadAllLines(path) : []);
    }

    /// <summary>Reads rules from lines; a line that is not a glob is an error naming it.</summary>
    public static HelmIgnore Parse(IEnumerable<string> lines)
    {
        var rules = new HelmIgnore();
        foreach (var raw in lines.Append("templates/.?*"))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.Contains("**", StringComparison.Ordinal))
            {
                throw new FormatException($".helmignore: '{line}': ** is not supported by Helm; use one * per path component");
            }

            var negate = line.StartsWith('!');
            var pattern = negate ? line[1..] : line;
            var directoryOnly = pattern.EndsWith('/');
            pattern = pattern.TrimEnd('/');
            var wholePath = pattern.Contains('/', StringComparison.Ordinal);
            rules._rules.Add(new Rule(Glob(pattern.TrimStart('/')), negate, directoryOnly, wholePath));
        }

        return rules;
    }

    /// <summary>Whether a path relative to the chart (with <c>/</c>) is left out of the archive.</summary>
    public bool Ignores(string path, bool isDirectory)
    {
        foreach (var rule in _rules)
        {
            var subject = rule.WholePath ? path : path[(path.LastIndexOf('/') + 1)..];
            if (rule.Negate)
            {
                // Helm's negation: a path that a negated rule does not match is left out.
                if ((rule.DirectoryOnly && !isDirectory) || !rule.Pattern.IsMatch(subject))
                {
                    return true;
                }

                continue;
            }

            if ((!rule.DirectoryOnly || isDirectory) && rule.Pattern.IsMatch(subject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A glob as a regular expression: <c>*</c> and <c>?</c> never cross a <c>/</c>.</summary>
    private static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($".helmignore: '{pattern}' has a '[' without its ']'");
                    }

                    var set = pattern[(i + 1)..close];
                    regex.Append('[').Append(set.StartsWith('^') ? "^" + set[1..].Replace("\\", "\\\\", StringComparison.Ordinal) : set.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private sealed record Rule(Regex Pattern, bool Negate, bool DirectoryOnly, bool WholePath);
}
