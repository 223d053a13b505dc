using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Model.Substitution;

/// <summary>
/// Tekton's <c>$(...)</c> variable syntax: finding references and replacing them. Replacement is
/// one pass over the input and its output is never re-scanned, so a value that itself contains
/// <c>$(...)</c> is left alone, as in Tekton.
/// </summary>
public static partial class Variables
{
    private static readonly ConcurrentDictionary<string, Regex> PrefixPatterns = new(StringComparer.Ordinal);

    /// <summary>The inner text of every <c>$(...)</c> expression in a value, as Tekton's result and param references see them.</summary>
    public static IEnumerable<string> Expressions(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains("$(", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match match in ExpressionPattern().Matches(value))
        {
            yield return match.Value[2..^1];
        }
    }

    /// <summary>Whether the value is exactly one <c>$(...)</c> expression and nothing else.</summary>
    public static bool IsExactExpression(string? value) => value is not null && ExactExpressionPattern().IsMatch(value);

    /// <summary>
    /// The names referenced under a prefix such as <c>params</c>: <c>$(params.x)</c>, <c>$(params["x"])</c>,
    /// <c>$(params['x'])</c>, with an index or <c>[*]</c> kept on the name. A dotted name keeps only its
    /// first part (<c>obj.key</c> gives <c>obj</c>); more than two parts is an error, as in Tekton.
    /// </summary>
    public static VariableExtraction Extract(string? value, string prefix)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains("$(", StringComparison.Ordinal))
        {
            return VariableExtraction.None;
        }

        var matches = PatternFor(prefix).Matches(value);
        if (matches.Count == 0)
        {
            return VariableExtraction.None;
        }

        var names = ImmutableArray.CreateBuilder<string>(matches.Count);
        var whole = ImmutableArray.CreateBuilder<string>(matches.Count);
        foreach (Match match in matches)
        {
            var dotted = match.Groups["var1"];
            if (dotted.Success && dotted.Value.Length > 0)
            {
                whole.Add(dotted.Value);
                var parts = dotted.Value.Split('.');
                if (parts.Length > 2)
                {
                    return new VariableExtraction(
                        names.ToImmutable(),
                        whole.ToImmutable(),
                        true,
                        $"Invalid referencing of parameters in \"{value}\"! Only two dot-separated components after the prefix \"{prefix}\" are allowed.",
                        match.Value);
                }

                names.Add(parts[0]);
                continue;
            }

            var quoted = match.Groups["var2"].Success && match.Groups["var2"].Value.Length > 0 ? match.Groups["var2"].Value : match.Groups["var3"].Value;
            names.Add(quoted);
            whole.Add(quoted);
        }

        return new VariableExtraction(names.ToImmutable(), whole.ToImmutable(), true, null, matches[0].Value);
    }

    /// <summary>Removes <c>[i]</c> and <c>[*]</c> from a name.</summary>
    public static string TrimIndex(string name) => IndexPattern().Replace(name, string.Empty);

    /// <summary>Splits <c>name[1]</c> into <c>name</c> and <c>"1"</c>, <c>name[*]</c> into <c>name</c> and <c>"*"</c>.</summary>
    public static (string Name, string Index) SplitIndex(string name)
    {
        var match = IndexPattern().Match(name);
        return match.Success ? (IndexPattern().Replace(name, string.Empty), match.Value[1..^1]) : (name, string.Empty);
    }

    /// <summary>Replaces every <c>$(key)</c> whose key is in <paramref name="replacements"/>, in one pass.</summary>
    public static string Apply(string? input, IReadOnlyDictionary<string, string> replacements)
    {
        if (string.IsNullOrEmpty(input) || replacements.Count == 0)
        {
            return input ?? string.Empty;
        }

        var start = input.IndexOf("$(", StringComparison.Ordinal);
        if (start < 0)
        {
            return input;
        }

        var builder = new StringBuilder(input.Length);
        var copied = 0;
        while (start >= 0)
        {
            var end = input.IndexOf(')', start + 2);
            if (end < 0)
            {
                break;
            }

            var key = input.AsSpan(start + 2, end - start - 2);
            if (replacements is Dictionary<string, string> dictionary
                    ? dictionary.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var value)
                    : replacements.TryGetValue(key.ToString(), out value))
            {
                builder.Append(input, copied, start - copied).Append(value);
                copied = end + 1;
                start = input.IndexOf("$(", copied, StringComparison.Ordinal);
            }
            else
            {
                start = input.IndexOf("$(", start + 1, StringComparison.Ordinal);
            }
        }

        return copied == 0 ? input : builder.Append(input, copied, input.Length - copied).ToString();
    }

    /// <summary>
    /// Replaces a value that is exactly <c>$(key)</c> or <c>$(key[*])</c> of an array by the array's
    /// items; otherwise applies the string replacements and returns one item.
    /// </summary>
    public static ImmutableArray<string> ApplyArray(string? input, IReadOnlyDictionary<string, string> strings, IReadOnlyDictionary<string, ImmutableArray<string>> arrays)
    {
        if (input is not null && arrays.Count > 0 && input.StartsWith("$(", StringComparison.Ordinal) && input.EndsWith(')'))
        {
            var key = input[2..^1];
            if (arrays.TryGetValue(key, out var items))
            {
                return items;
            }

            if (key.EndsWith("[*]", StringComparison.Ordinal) && arrays.TryGetValue(key[..^3], out items))
            {
                return items;
            }
        }

        return [Apply(input, strings)];
    }

    private static Regex PatternFor(string prefix) => PrefixPatterns.GetOrAdd(prefix, p => new Regex(
        $@"\$\({p}(\.(?<var1>.*?(\[\*\])?)|\[""(?<var2>.*?(\[\*\])?)""\]|\['(?<var3>.*?(\[\*\])?)'\])\)",
        RegexOptions.CultureInvariant));

    [GeneratedRegex(@"\$\([_a-zA-Z0-9.-]+(\.[_a-zA-Z0-9.-]+)*(\[([0-9]+|\*)\])?\)", RegexOptions.CultureInvariant)]
    private static partial Regex ExpressionPattern();

    [GeneratedRegex(@"^\$\([_a-zA-Z0-9.-]+(\.[_a-zA-Z0-9.-]+)*(\[([0-9]+|\*)\])?\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExactExpressionPattern();

    [GeneratedRegex(@"\[([0-9])*\*?\]", RegexOptions.CultureInvariant)]
    private static partial Regex IndexPattern();
}

/// <summary>What <see cref="Variables.Extract"/> found.</summary>
/// <param name="Names">The referenced names (first dotted part, index kept).</param>
/// <param name="WholeNames">The referenced names as written after the prefix (all dotted parts).</param>
/// <param name="Present">Whether any reference with the prefix was found.</param>
/// <param name="Error">Tekton's error for a malformed reference, or null.</param>
/// <param name="FirstMatch">The first whole <c>$(...)</c> match.</param>
public sealed record VariableExtraction(ImmutableArray<string> Names, ImmutableArray<string> WholeNames, bool Present, string? Error, string? FirstMatch)
{
    /// <summary>Nothing found.</summary>
    public static VariableExtraction None { get; } = new([], [], false, null, null);
}
