using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Yaml;

namespace Sluice.Model.Conversion;

/// <summary>
/// Builds changed copies of YAML nodes. A copy keeps the positions of everything it keeps, and a node made
/// up by a change takes the position of the text it was made from, so messages about converted resources
/// still point into the file the user wrote.
/// </summary>
internal static class YamlEdit
{
    /// <summary>A string scalar at a position.</summary>
    public static YamlScalar Scalar(SourceLocation location, string value) => new(location, value, ScalarKind.String);

    /// <summary>A mapping at a position.</summary>
    public static YamlMapping Mapping(SourceLocation location, IEnumerable<KeyValuePair<YamlScalar, YamlNode>> entries) =>
        new(location, [.. entries]);

    /// <summary>
    /// A copy of a mapping whose entries are replaced one by one; an entry replaced by null is left out.
    /// </summary>
    public static YamlMapping Entries(YamlMapping mapping, Func<YamlScalar, YamlNode, KeyValuePair<YamlScalar, YamlNode>?> change)
    {
        var entries = ImmutableArray.CreateBuilder<KeyValuePair<YamlScalar, YamlNode>>(mapping.Entries.Length);
        foreach (var (key, value) in mapping.Entries)
        {
            if (change(key, value) is { } changed)
            {
                entries.Add(changed);
            }
        }

        return new YamlMapping(mapping.Location, entries.ToImmutable());
    }

    /// <summary>A copy of a sequence whose items are replaced one by one, with their index.</summary>
    public static YamlSequence Items(YamlSequence sequence, Func<YamlNode, int, YamlNode> change) =>
        new(sequence.Location, [.. sequence.Items.Select(change)]);

    /// <summary>An entry whose key is renamed, at the position of the old key.</summary>
    public static KeyValuePair<YamlScalar, YamlNode> Renamed(YamlScalar key, string name, YamlNode value) =>
        new(Scalar(key.Location, name), value);

    /// <summary>An entry kept as it is.</summary>
    public static KeyValuePair<YamlScalar, YamlNode> Kept(YamlScalar key, YamlNode value) => new(key, value);

    /// <summary>A copy of a mapping with one key set: replaced where it is, or added at the end.</summary>
    public static YamlMapping With(YamlMapping mapping, string key, YamlNode value, SourceLocation location)
    {
        var replaced = false;
        var copy = Entries(mapping, (k, v) =>
        {
            if (k.Value != key)
            {
                return Kept(k, v);
            }

            replaced = true;
            return new(k, value);
        });
        return replaced ? copy : new YamlMapping(mapping.Location, copy.Entries.Add(new(Scalar(location, key), value)));
    }

    /// <summary>Whether a node is absent or YAML null, which Tekton's decoder treats as a field not given.</summary>
    public static bool IsNull(YamlNode? node) => node is null or YamlScalar { Kind: ScalarKind.Null };
}
