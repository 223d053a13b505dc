using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Model.Yaml;

public static partial class YamlReader
{
    private sealed partial class DocumentBuilder(string file, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);

        // Each anchored value of the document and where it is defined: at its key when it is a mapping value.
        private readonly Dictionary<YamlNode, (string Anchor, SourceLocation Location)> _definitions = new(ReferenceEqualityComparer.Instance);
        private readonly Stack<SourceLocation> _open = new();
        private int _written;

        public List<YamlDocument> Documents { get; } = [];

        public SourceLocation At(Mark mark) => new(file, (int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

        /// <summary>Forgets the previous document's anchors and counts: each document is read on its own.</summary>
        public void StartDocument()
        {
            _anchors.Clear();
            _definitions.Clear();
            _open.Clear();
            _written = 0;
        }

        /// <summary>Reads the node at <paramref name="depth"/> levels below the document root.</summary>
        public YamlNode ReadNode(IParser parser, int depth)
        {
            var current = parser.Current ?? throw new YamlException("the YAML stream ended inside a node");
            if (depth > MaxDepth)
            {
                throw TooDeep(At(current.Start));
            }

            if (++_written > MaxNodes)
            {
                throw new DocumentRefusedException(_open.TryPeek(out var innermost) ? innermost : At(current.Start), TooManyNodesMessage, TooManyNodesFix);
            }

            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        // An alias repeats its anchor's whole tree here: its depth counts from this level, as
                        // go-yaml's excessive-aliasing check refuses documents that aliases make huge.
                        if (depth + target.Height - 1 > MaxDepth)
                        {
                            throw TooDeep(At(alias.Start));
                        }

                        return target;
                    }

                    diagnostics.Add(At(alias.Start), string.Empty, $"unknown YAML alias *{alias.Value.Value}", "define the anchor with & before using it");
                    return new YamlScalar(At(alias.Start), string.Empty, ScalarKind.Null) { Reported = true };
                case Scalar scalar:
                    {
                        parser.MoveNext();
                        var node = new YamlScalar(At(scalar.Start), scalar.Value, KindOf(scalar));
                        Remember(scalar.Anchor, node);
                        return node;
                    }

                case SequenceStart sequenceStart:
                    {
                        parser.MoveNext();
                        _open.Push(At(sequenceStart.Start));
                        var items = ImmutableArray.CreateBuilder<YamlNode>();
                        while (parser.Current is not SequenceEnd)
                        {
                            items.Add(ReadNode(parser, depth + 1));
                        }

                        parser.MoveNext();
                        _open.Pop();
                        var node = Expanded(new YamlSequence(At(sequenceStart.Start), items.ToImmutable()));
                        Remember(sequenceStart.Anchor, node);
                        return node;
                    }

                case MappingStart mappingStart:
                    {
                        parser.MoveNext();
                        _open.Push(At(mappingStart.Start));
                        var node = Expanded(ReadMapping(parser, mappingStart, depth));
                        _open.Pop();
                        Remember(mappingStart.Anchor, node);
                        return node;
                    }

                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private YamlMapping ReadMapping(IParser parser, MappingStart start, int depth)
        {
            var entries = ImmutableArray.CreateBuilder<KeyValuePair<YamlScalar, YamlNode>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            List<YamlMapping>? merged = null;
            while (parser.Current is not MappingEnd)
            {
                var keyNode = ReadNode(parser, depth + 1);
                var valueAnchor = parser.Current is NodeEvent { Anchor.IsEmpty: false } anchored ? anchored.Anchor.Value : null;
                var value = ReadNode(parser, depth + 1);
                if (keyNode is not YamlScalar key)
                {
                    diagnostics.Add(keyNode.Location, string.Empty, $"a mapping key must be a string, not {keyNode.Describe()}", "write the key as a plain word, such as name:");
                    continue;
                }

                if (key.Value == "<<" && key.Kind == ScalarKind.String)
                {
                    CollectMerge(value, merged ??= []);
                    continue;
                }

                if (valueAnchor is not null)
                {
                    _definitions[value] = (valueAnchor, key.Location);
                }

                if (!seen.Add(key.Value))
                {
                    diagnostics.Add(key.Location, string.Empty, $"mapping key {GoQuote.Of(key.Value)} already defined", "remove the duplicate key");
                    continue;
                }

                entries.Add(new(key, value));
            }

            parser.MoveNext();
            foreach (var source in merged ?? [])
            {
                foreach (var entry in source.Entries)
                {
                    if (seen.Add(entry.Key.Value))
                    {
                        entries.Add(entry);
                    }
                }
            }

            return new YamlMapping(At(start.Start), entries.ToImmutable());
        }

        private void CollectMerge(YamlNode value, List<YamlMapping> merged)
        {
            switch (value)
            {
                case YamlMapping mapping:
                    merged.Add(mapping);
                    break;
                case YamlSequence sequence:
                    foreach (var item in sequence.Items)
                    {
                        CollectMerge(item, merged);
                    }

                    break;
                default:
                    diagnostics.Add(value.Location, string.Empty, "a YAML merge key (<<) needs a mapping or a list of mappings", "merge an anchored mapping: <<: *name");
                    break;
            }
        }

        private void Remember(AnchorName anchor, YamlNode node)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = node;
                _definitions[node] = (anchor.Value, node.Location);
            }
        }

        /// <summary>
        /// go-yaml v2 resolves a plain untagged scalar by its text, takes a quoted one as a string, and checks an
        /// explicitly tagged one against its tag.
        /// </summary>
        private ScalarKind KindOf(Scalar scalar)
        {
            if (scalar.Tag.IsEmpty)
            {
                return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? ScalarResolver.Resolve(scalar.Value) : ScalarKind.String;
            }

            if (ScalarResolver.TryResolveTagged(scalar.Tag.Value, scalar.Value, out var kind, out var error))
            {
                return kind;
            }

            diagnostics.Add(At(scalar.Start), string.Empty, $"invalid YAML: {error}", "remove the tag, or give a value of the tagged type");
            return ScalarKind.String;
        }
    }
}
