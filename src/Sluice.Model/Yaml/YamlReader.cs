using System.Collections.Immutable;
using System.Text;
using Sluice.Model.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Model.Yaml;

/// <summary>
/// Reads YAML text into position-carrying nodes. Never throws on bad input: every problem becomes a
/// diagnostic. Limits keep hostile input (huge files, alias bombs, deep nesting) cheap to refuse.
/// </summary>
public static class YamlReader
{
    /// <summary>Files larger than this are refused before parsing (Kubernetes itself accepts objects up to 1.5 MiB).</summary>
    public const int MaxFileBytes = 8 * 1024 * 1024;

    /// <summary>Nesting deeper than this is refused.</summary>
    public const int MaxDepth = 128;

    /// <summary>Reads a file from disk.</summary>
    public static ImmutableArray<YamlDocument> ReadFile(string path, string displayPath, DiagnosticBag diagnostics)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            diagnostics.Add(new SourceLocation(displayPath, 0, 0), string.Empty, "no such file", "check the path");
            return [];
        }

        if (info.Length > MaxFileBytes)
        {
            diagnostics.Add(
                new SourceLocation(displayPath, 1, 1),
                string.Empty,
                $"the file is {info.Length / (1024.0 * 1024.0):0.#} MiB, larger than the {MaxFileBytes / (1024 * 1024)} MiB Sluice reads",
                "Kubernetes stores objects of at most 1.5 MiB; move large data into a workspace file");
            return [];
        }

        return Read(File.ReadAllBytes(path), displayPath, diagnostics);
    }

    /// <summary>Reads YAML from bytes, which must be UTF-8 text.</summary>
    public static ImmutableArray<YamlDocument> Read(ReadOnlySpan<byte> bytes, string file, DiagnosticBag diagnostics)
    {
        if (bytes.Length > MaxFileBytes)
        {
            diagnostics.Add(new SourceLocation(file, 1, 1), string.Empty, $"the input is larger than the {MaxFileBytes / (1024 * 1024)} MiB Sluice reads");
            return [];
        }

        if (!TryDecode(bytes, file, diagnostics, out var text))
        {
            return [];
        }

        return Read(text, file, diagnostics);
    }

    /// <summary>Reads YAML text.</summary>
    public static ImmutableArray<YamlDocument> Read(string text, string file, DiagnosticBag diagnostics)
    {
        var builder = new DocumentBuilder(file, diagnostics);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                builder.Anchors.Clear();
                var location = builder.At(start.Start);
                YamlNode? root = null;
                if (parser.Current is not DocumentEnd)
                {
                    root = builder.ReadNode(parser, 0);
                }

                parser.Consume<DocumentEnd>();
                builder.Documents.Add(new YamlDocument(root, location, builder.Documents.Count));
            }

            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            diagnostics.Add(builder.At(e.Start), string.Empty, $"invalid YAML: {CleanMessage(e)}", "fix the YAML syntax at this position");
        }
        catch (DocumentTooDeepException e)
        {
            diagnostics.Add(e.Location, string.Empty, $"the YAML nests deeper than {MaxDepth} levels", "flatten the document");
        }

        return [.. builder.Documents];
    }

    private static string CleanMessage(YamlException e)
    {
        var message = e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && close > 0)
        {
            message = message[(close + 3)..];
        }

        return message.TrimEnd('.');
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, string file, DiagnosticBag diagnostics, out string text)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        var status = System.Text.Unicode.Utf8.IsValid(bytes);
        if (nul < 0 && status)
        {
            text = Encoding.UTF8.GetString(bytes);
            return true;
        }

        var bad = nul >= 0 ? nul : FirstInvalidUtf8(bytes);
        var (line, column) = LineAndColumn(bytes[..bad]);
        diagnostics.Add(
            new SourceLocation(file, line, column),
            string.Empty,
            nul >= 0 ? "the file contains a NUL byte: it is binary, not YAML text" : "the file is not valid UTF-8 text",
            "give a Tekton YAML file saved as UTF-8");
        text = string.Empty;
        return false;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return bytes.Length;
    }

    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> before)
    {
        var line = before.Count((byte)'\n') + 1;
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (line, before.Length - lastNewline);
    }

    private sealed class DocumentTooDeepException(SourceLocation location) : Exception
    {
        public SourceLocation Location { get; } = location;
    }

    private sealed class DocumentBuilder(string file, DiagnosticBag diagnostics)
    {
        public List<YamlDocument> Documents { get; } = [];

        public Dictionary<string, YamlNode> Anchors { get; } = new(StringComparer.Ordinal);

        public SourceLocation At(Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

        public YamlNode ReadNode(IParser parser, int depth)
        {
            var current = parser.Current ?? throw new InvalidOperationException("the YAML parser ended early");
            if (depth > MaxDepth)
            {
                throw new DocumentTooDeepException(At(current.Start));
            }

            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (Anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        return target;
                    }

                    diagnostics.Add(At(alias.Start), string.Empty, $"unknown YAML alias *{alias.Value.Value}", "define the anchor with & before using it");
                    return new YamlScalar(At(alias.Start), string.Empty, ScalarKind.Null);
                case Scalar scalar:
                {
                    parser.MoveNext();
                    var kind = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty ? ScalarResolver.Resolve(scalar.Value) : ResolveTagged(scalar);
                    var node = new YamlScalar(At(scalar.Start), scalar.Value, kind);
                    Remember(scalar.Anchor, node);
                    return node;
                }

                case SequenceStart sequenceStart:
                {
                    parser.MoveNext();
                    var items = ImmutableArray.CreateBuilder<YamlNode>();
                    while (parser.Current is not SequenceEnd)
                    {
                        items.Add(ReadNode(parser, depth + 1));
                    }

                    parser.MoveNext();
                    var node = new YamlSequence(At(sequenceStart.Start), items.ToImmutable());
                    Remember(sequenceStart.Anchor, node);
                    return node;
                }

                case MappingStart mappingStart:
                {
                    parser.MoveNext();
                    var node = ReadMapping(parser, mappingStart, depth);
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
            var merged = new List<YamlMapping>();
            while (parser.Current is not MappingEnd)
            {
                var keyNode = ReadNode(parser, depth + 1);
                var value = ReadNode(parser, depth + 1);
                if (keyNode is not YamlScalar key)
                {
                    diagnostics.Add(keyNode.Location, string.Empty, $"a mapping key must be a string, not {keyNode.Describe()}");
                    continue;
                }

                if (key.Value == "<<" && key.Kind == ScalarKind.String)
                {
                    CollectMerge(value, merged);
                    continue;
                }

                if (!seen.Add(key.Value))
                {
                    diagnostics.Add(key.Location, string.Empty, $"mapping key \"{key.Value}\" already defined", "remove the duplicate key");
                    continue;
                }

                entries.Add(new(key, value));
            }

            parser.MoveNext();
            foreach (var source in merged)
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
                    diagnostics.Add(value.Location, string.Empty, "a YAML merge key (<<) needs a mapping or a list of mappings");
                    break;
            }
        }

        private void Remember(AnchorName anchor, YamlNode node)
        {
            if (!anchor.IsEmpty)
            {
                Anchors[anchor.Value] = node;
            }
        }

        private static ScalarKind ResolveTagged(Scalar scalar)
        {
            if (scalar.Tag.IsEmpty || scalar.Style != ScalarStyle.Plain)
            {
                return scalar.Tag.IsEmpty ? ScalarKind.String : KindOfTag(scalar.Tag.Value, scalar.Value);
            }

            return KindOfTag(scalar.Tag.Value, scalar.Value);
        }

        private static ScalarKind KindOfTag(string tag, string value) => tag switch
        {
            "tag:yaml.org,2002:str" => ScalarKind.String,
            "tag:yaml.org,2002:int" => ScalarKind.Integer,
            "tag:yaml.org,2002:float" => ScalarKind.Float,
            "tag:yaml.org,2002:bool" => ScalarKind.Boolean,
            "tag:yaml.org,2002:null" => ScalarKind.Null,
            _ => ScalarResolver.Resolve(value),
        };
    }
}
