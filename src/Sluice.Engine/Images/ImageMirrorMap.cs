using System.Collections.Immutable;

namespace Sluice.Engine.Images;

/// <summary>
/// Rewrites image references for air-gapped sites and local stand-ins. A rule's source is a
/// repository (or a registry or path prefix) or a full reference. When the target names a tag or a
/// digest it replaces the whole reference (a stand-in, whose content differs) and only matches that
/// repository exactly; otherwise only the repository is rewritten, keeping tag and digest (a mirror
/// holding the same content), and the source also matches as a registry or path prefix.
/// Exact references win over repositories, and longer prefixes over shorter ones.
/// </summary>
public sealed class ImageMirrorMap
{
    private readonly ImmutableArray<(string From, ImageReference? FromReference, string To)> _rules;

    /// <summary>Makes a map from <c>from → to</c> pairs.</summary>
    public ImageMirrorMap(IEnumerable<KeyValuePair<string, string>> rules) =>
        _rules = [.. rules.Select(r => (r.Key, ImageReference.TryParse(r.Key, out var parsed) ? parsed : null, r.Value))];

    /// <summary>A map that changes nothing.</summary>
    public static ImageMirrorMap Empty { get; } = new([]);

    /// <summary>The rules as given.</summary>
    public IEnumerable<KeyValuePair<string, string>> Rules => _rules.Select(r => new KeyValuePair<string, string>(r.From, r.To));

    /// <summary>A map with this map's rules, overridden by <paramref name="other"/>'s.</summary>
    public ImageMirrorMap Merge(ImageMirrorMap other) =>
        new(Rules.Where(r => !other._rules.Any(o => o.From == r.Key)).Concat(other.Rules));

    /// <summary>Rewrites a reference; returns it unchanged when no rule applies or it does not parse.</summary>
    public string Rewrite(string reference)
    {
        if (_rules.IsEmpty || !ImageReference.TryParse(reference, out var parsed))
        {
            return reference;
        }

        foreach (var rule in _rules)
        {
            if (rule.FromReference is { } from && (from.Tag is not null || from.Digest is not null) &&
                from.Name == parsed.Name && from.Tag == parsed.Tag && from.Digest == parsed.Digest)
            {
                return rule.To;
            }
        }

        (string To, int Length)? best = null;
        foreach (var rule in _rules)
        {
            if (rule.FromReference is { } from && (from.Tag is not null || from.Digest is not null))
            {
                continue;
            }

            if (rule.FromReference is { } repository && repository.Name == parsed.Name)
            {
                best = (rule.To, int.MaxValue);
                continue;
            }

            var prefix = rule.From.TrimEnd('/');
            var substitute = ImageReference.TryParse(rule.To, out var to) && (to.Tag is not null || to.Digest is not null);
            if (!substitute && parsed.Name.StartsWith(prefix + "/", StringComparison.Ordinal) && (best is null || prefix.Length > best.Value.Length))
            {
                best = (rule.To.TrimEnd('/') + parsed.Name[prefix.Length..], prefix.Length);
            }
        }

        if (best is not { } chosen)
        {
            return reference;
        }

        if (!ImageReference.TryParse(chosen.To, out var target))
        {
            return chosen.To;
        }

        return target.Tag is not null || target.Digest is not null
            ? chosen.To
            : parsed.WithName(target).ToString();
    }
}
