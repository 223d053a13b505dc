using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Catalog.Charts;

/// <summary>
/// Sets scalars in YAML text by dotted path, editing only the characters of the value (or adding the
/// missing keys after the deepest existing mapping's last entry), so comments, order and layout of the
/// rest of the file stay as written.
/// </summary>
internal static partial class YamlTextEditor
{
    /// <summary>
    /// The text with <paramref name="value"/> at <paramref name="path"/>; null with a message (and the
    /// 1-based line and column it concerns, 0 when none) when the path leads through something that is
    /// not a mapping or ends at a mapping or list.
    /// </summary>
    public static string? Set(string text, string path, string value, out (string Message, int Line, int Column)? error)
    {
        error = null;
        var keys = path.Split('.');
        if (keys.Any(string.IsNullOrEmpty))
        {
            error = ($"'{path}' is not a values path: expected keys joined by dots, such as image.repository", 0, 0);
            return null;
        }

        Node? root;
        try
        {
            root = Parse(text);
        }
        catch (YamlException exception)
        {
            error = ($"invalid YAML: {exception.Message}", (int)exception.Start.Line, (int)exception.Start.Column);
            return null;
        }

        if (root is null || (root is Scalar { IsNull: true } && root.Start == root.End))
        {
            var separator = text.Length == 0 || text.EndsWith('\n') ? "" : "\n";
            return text + separator + Block(keys, value, 0).TrimStart('\n') + "\n";
        }

        var node = root;
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            switch (node)
            {
                case Mapping mapping when mapping.Entries.FirstOrDefault(e => e.Key == key) is { Value: { } next }:
                    node = next;
                    continue;
                case Mapping { Flow: true } mapping:
                    var inline = Inline(keys.AsSpan(i), value);
                    return mapping.Entries.Count == 0
                        ? text[..mapping.Start] + "{" + inline + "}" + text[mapping.End..]
                        : text[..(mapping.End - 1)] + ", " + inline + text[(mapping.End - 1)..];
                case Mapping mapping:
                    var last = mapping.Entries[^1].Value;
                    // A block scalar ends after its line break; any other value ends where its line does.
                    var lineEnd = text.IndexOf('\n', last.End);
                    var at = last.End > 0 && text[last.End - 1] == '\n' ? last.End - 1 : lineEnd < 0 ? text.Length : lineEnd;
                    return text[..at] + Block(keys.AsSpan(i), value, mapping.Indent) + text[at..];
                case Scalar { IsNull: true } empty when i > 0:
                    return text[..empty.Start] + Block(keys.AsSpan(i), value, empty.ParentIndent + 2) + text[empty.End..];
                default:
                    error = ($"'{string.Join('.', keys[..i])}' is {node.Describe()}, so '{path}' cannot be set below it", node.Line, node.Column);
                    return null;
            }
        }

        if (node is not Scalar scalar)
        {
            error = ($"'{path}' is {node.Describe()}, not a single value; name a key below it", node.Line, node.Column);
            return null;
        }

        return text[..scalar.Start] + Format(value, scalar.Style) + text[scalar.End..];
    }

    private static string Block(ReadOnlySpan<string> keys, string value, int indent)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < keys.Length; i++)
        {
            builder.Append('\n').Append(' ', indent + (2 * i)).Append(Format(keys[i], ScalarStyle.Plain)).Append(':');
        }

        return builder.Append(' ').Append(Format(value, ScalarStyle.Plain)).ToString();
    }

    private static string Inline(ReadOnlySpan<string> keys, string value) => keys.Length == 1
        ? $"{Format(keys[0], ScalarStyle.Plain)}: {Format(value, ScalarStyle.DoubleQuoted)}"
        : $"{Format(keys[0], ScalarStyle.Plain)}: {{{Inline(keys[1..], value)}}}";

    /// <summary>The value as a YAML scalar in the style it replaces: plain only when it reads back as the same string.</summary>
    internal static string Format(string value, ScalarStyle style) => style switch
    {
        ScalarStyle.SingleQuoted => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'",
        ScalarStyle.Plain when SafePlain().IsMatch(value) && !NotAString().IsMatch(value) => value,
        _ => JsonSerializer.Serialize(value),
    };

    private static Node? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (!parser.TryConsume<DocumentStart>(out _))
        {
            return null;
        }

        return parser.Current is DocumentEnd ? null : Read(parser, 0);
    }

    private static Node Read(IParser parser, int parentIndent)
    {
        switch (parser.Consume<ParsingEvent>())
        {
            case YamlDotNet.Core.Events.Scalar scalar:
                return new Scalar(scalar, parentIndent);
            case MappingStart start:
                var entries = new List<(string Key, Node Value)>();
                var indent = -1;
                MappingEnd end;
                while (!parser.TryConsume(out end!))
                {
                    var key = parser.Consume<YamlDotNet.Core.Events.Scalar>();
                    indent = indent < 0 ? (int)key.Start.Column - 1 : indent;
                    entries.Add((key.Value, Read(parser, indent)));
                }

                return new Mapping(start, entries, indent, start.Style == MappingStyle.Flow, (int)end.Start.Index);
            case SequenceStart sequence:
                var items = new List<Node>();
                SequenceEnd sequenceEnd;
                while (!parser.TryConsume(out sequenceEnd!))
                {
                    items.Add(Read(parser, parentIndent));
                }

                var flowSequence = sequence.Style == SequenceStyle.Flow;
                return new Other(sequence, "a list", flowSequence || items.Count == 0 ? (int)sequenceEnd.End.Index : items[^1].End);
            case var other:
                return new Other(other, "an alias", (int)other.End.Index);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_./@+-][A-Za-z0-9_./@:+=-]*$")]
    private static partial Regex SafePlain();

    /// <summary>Plain scalars YAML 1.1 reads as something other than a string: null, booleans, numbers.</summary>
    [GeneratedRegex("^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?[0-9._].*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$")]
    private static partial Regex NotAString();

    private abstract class Node(ParsingEvent start)
    {
        public int Start { get; } = (int)start.Start.Index;

        public virtual int End { get; } = (int)start.End.Index;

        public int Line { get; } = (int)start.Start.Line;

        public int Column { get; } = (int)start.Start.Column;

        public abstract string Describe();
    }

    private sealed class Scalar(YamlDotNet.Core.Events.Scalar scalar, int parentIndent) : Node(scalar)
    {
        public ScalarStyle Style { get; } = scalar.Style;

        public int ParentIndent { get; } = parentIndent;

        public bool IsNull { get; } = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

        public override string Describe() => IsNull ? "null" : $"the value {scalar.Value}";
    }

    private sealed class Mapping(MappingStart start, List<(string Key, Node Value)> entries, int indent, bool flow, int closing) : Node(start)
    {
        public IReadOnlyList<(string Key, Node Value)> Entries { get; } = entries;

        public int Indent { get; } = indent;

        public bool Flow { get; } = flow;

        /// <summary>For a flow mapping, just after its closing brace.</summary>
        public override int End => Flow ? closing + 1 : Entries.Count > 0 ? Entries[^1].Value.End : base.End;

        public override string Describe() => "a mapping";
    }

    private sealed class Other(ParsingEvent start, string description, int end) : Node(start)
    {
        public override int End => end;

        public override string Describe() => description;
    }
}
