using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Model.Yaml;

/// <summary>
/// Reads YAML text into position-carrying nodes. Never throws on bad input: every problem becomes a
/// diagnostic. Limits keep hostile input (huge files, alias bombs, deep nesting) cheap to refuse.
/// </summary>
public static partial class YamlReader
{
    /// <summary>Files larger than this are refused before parsing (Kubernetes itself accepts objects up to 1.5 MiB).</summary>
    public const int MaxFileBytes = 8 * 1024 * 1024;

    /// <summary>Nesting deeper than this is refused, whether written out or built from aliases.</summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// A document of more nodes than this is refused, whether written out or built from aliases (an alias bomb);
    /// mapping keys count as nodes.
    /// </summary>
    public const int MaxNodes = 1_000_000;

    private const string SyntaxFix = "fix the YAML syntax at this position";

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
            diagnostics.Add(
                new SourceLocation(file, 1, 1),
                string.Empty,
                $"the input is larger than the {MaxFileBytes / (1024 * 1024)} MiB Sluice reads",
                "Kubernetes stores objects of at most 1.5 MiB; move large data into a workspace file");
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
        // A document has at most about one node per character, so only a text this long can pass the node limit.
        // The census finds a huge flow collection in milliseconds, where the parser would spend seconds on it.
        if (text.Length > MaxNodes / 2 && FlowCensus.FindOverflow(text, MaxNodes) is var overflow and >= 0)
        {
            var (line, column) = PositionAfter(text.AsSpan(0, overflow));
            diagnostics.Add(new SourceLocation(file, line, column), string.Empty, TooManyNodesMessage, TooManyNodesFix);
            return [];
        }

        var scanner = new Scanner(new StringReader(text));
        var parser = new GuardedParser(scanner);
        var builder = new DocumentBuilder(file, diagnostics);
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                builder.StartDocument();
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
            diagnostics.Add(builder.At(ErrorMark(e, scanner)), string.Empty, $"invalid YAML: {CleanMessage(e)}", e is UnclosedFlowException unclosed ? unclosed.Fix : SyntaxFix);
        }
        catch (DocumentRefusedException e)
        {
            diagnostics.Add(e.Location, string.Empty, e.Message, e.Fix);
        }

        return [.. builder.Documents];
    }

    /// <summary>
    /// Where a syntax error is. YamlDotNet gives tab errors the mark of the enclosing construct (or none);
    /// its scanner stops on the offending character, so that position is the tab's own.
    /// </summary>
    private static Mark ErrorMark(YamlException e, Scanner scanner)
    {
        var unmarked = e.Start.Equals(Mark.Empty) && e.End.Equals(Mark.Empty);
        return unmarked || e.Message.Contains("tab", StringComparison.Ordinal) ? scanner.CurrentPosition : e.Start;
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

    /// <summary>A document the reader refuses as a whole: too deep, too large, or made too large by aliases.</summary>
    private sealed class DocumentRefusedException(SourceLocation location, string message, string fix) : Exception(message)
    {
        public SourceLocation Location { get; } = location;

        public string Fix { get; } = fix;
    }
}
