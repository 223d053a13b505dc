using System.Collections.Immutable;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Yaml;

/// <summary>A node of a YAML document, with the position it was read from.</summary>
public abstract class YamlNode
{
    private protected YamlNode(SourceLocation location) => Location = location;

    /// <summary>Where the node starts.</summary>
    public SourceLocation Location { get; }

    /// <summary>The number of levels from this node to its deepest descendant, aliases included (a scalar is 1).</summary>
    internal abstract int Height { get; }

    /// <summary>The number of nodes in this node's tree with every alias expanded, mapping keys included (a scalar is 1).</summary>
    internal abstract long Size { get; }

    /// <summary>
    /// Whether the reader already reported this node as wrong (an alias to no anchor): binding then leaves its
    /// field unset without reporting it again, neither as a wrong type nor as missing.
    /// </summary>
    internal bool Reported { get; init; }

    /// <summary>A short word for the node's shape, used in messages: "a mapping", "a list", "the string x".</summary>
    public abstract string Describe();
}

/// <summary>What a plain YAML scalar resolves to, following the YAML 1.1 rules Kubernetes uses.</summary>
public enum ScalarKind
{
    /// <summary>A string, quoted or plain.</summary>
    String,

    /// <summary><c>null</c>, <c>~</c> or nothing.</summary>
    Null,

    /// <summary><c>true</c>, <c>false</c> and the YAML 1.1 spellings such as <c>yes</c>.</summary>
    Boolean,

    /// <summary>An integer.</summary>
    Integer,

    /// <summary>A floating-point number.</summary>
    Float,
}

/// <summary>A scalar value.</summary>
public sealed class YamlScalar : YamlNode
{
    internal YamlScalar(SourceLocation location, string value, ScalarKind kind)
        : base(location)
    {
        Value = value;
        Kind = kind;
    }

    /// <summary>The scalar's text as written (without quotes).</summary>
    public string Value { get; }

    /// <summary>What the scalar resolves to.</summary>
    public ScalarKind Kind { get; }

    /// <inheritdoc />
    internal override int Height => 1;

    /// <inheritdoc />
    internal override long Size => 1;

    /// <inheritdoc />
    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {Value}",
        ScalarKind.Integer or ScalarKind.Float => $"the number {Value}",
        _ => "a string",
    };
}

/// <summary>A YAML sequence.</summary>
public sealed class YamlSequence : YamlNode
{
    internal YamlSequence(SourceLocation location, ImmutableArray<YamlNode> items)
        : base(location)
    {
        Items = items;
        var deepest = 0;
        var size = 1L;
        foreach (var item in items)
        {
            deepest = Math.Max(deepest, item.Height);
            size += item.Size;
        }

        Height = deepest + 1;
        Size = size;
    }

    /// <summary>The items in order.</summary>
    public ImmutableArray<YamlNode> Items { get; }

    /// <inheritdoc />
    internal override int Height { get; }

    /// <inheritdoc />
    internal override long Size { get; }

    /// <inheritdoc />
    public override string Describe() => "a list";
}

/// <summary>A YAML mapping whose keys are scalars.</summary>
public sealed class YamlMapping : YamlNode
{
    internal YamlMapping(SourceLocation location, ImmutableArray<KeyValuePair<YamlScalar, YamlNode>> entries)
        : base(location)
    {
        Entries = entries;
        var deepest = 0;
        var size = 1L;
        foreach (var entry in entries)
        {
            deepest = Math.Max(deepest, entry.Value.Height);
            size += 1 + entry.Value.Size;
        }

        Height = deepest + 1;
        Size = size;
    }

    /// <summary>The entries in document order.</summary>
    public ImmutableArray<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    /// <inheritdoc />
    internal override int Height { get; }

    /// <inheritdoc />
    internal override long Size { get; }

    /// <summary>Finds the value of a key, or null.</summary>
    public YamlNode? Get(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Value == key)
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string Describe() => "a mapping";
}

/// <summary>One document of a YAML file.</summary>
/// <param name="Root">The document's root node, or null for an empty document.</param>
/// <param name="Location">Where the document starts.</param>
/// <param name="Index">The document's 0-based position in its file.</param>
public sealed record YamlDocument(YamlNode? Root, SourceLocation Location, int Index);
