using System.Collections.Immutable;
using System.Text;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Replaces secret values in captured output with <c>***</c> before it is returned or stored: each value
/// as it is, without a trailing line break (a file's value usually ends with one) and in base64 (padded
/// and not) of each, longest first so that one value inside another leaves no part behind. Empty values
/// mask nothing.
/// </summary>
internal sealed class SecretMask
{
    /// <summary>What replaces a secret value.</summary>
    public const string Replacement = "***";

    private readonly ImmutableArray<string> _patterns;

    public SecretMask(IEnumerable<string> values)
    {
        _patterns = [.. values
            .SelectMany(v => new[] { v, v.TrimEnd('\r', '\n') })
            .Where(v => v.Length > 0)
            .SelectMany(v =>
            {
                var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(v));
                return new[] { v, base64, base64.TrimEnd('=') };
            })
            .Where(p => p.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(p => p.Length)];
    }

    /// <summary>The text with every secret value replaced.</summary>
    public string Apply(string text)
    {
        foreach (var pattern in _patterns)
        {
            text = text.Replace(pattern, Replacement, StringComparison.Ordinal);
        }

        return text;
    }
}
