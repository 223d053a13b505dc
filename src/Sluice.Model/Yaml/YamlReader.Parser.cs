using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Model.Yaml;

public static partial class YamlReader
{
    /// <summary>
    /// YamlDotNet's parser, with the exceptions it throws on some malformed input (<see cref="InvalidOperationException"/>
    /// from its scanner and parser states) turned into <see cref="YamlException"/> at the scanner's position, and an
    /// unfinished flow collection reported where it opens, in go-yaml's words.
    /// </summary>
    private sealed class GuardedParser(Scanner scanner) : IParser
    {
        private readonly Parser _inner = new(scanner);
        private readonly Stack<(Mark Start, bool Flow, bool Sequence)> _open = new();

        public ParsingEvent? Current => _inner.Current;

        public bool MoveNext()
        {
            bool moved;
            try
            {
                moved = _inner.MoveNext();
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException or FormatException or OverflowException)
            {
                var at = scanner.CurrentPosition;
                throw Unclosed(e, at) ?? new YamlException(at, at, Describe(e), e);
            }
            catch (YamlException e) when (Unclosed(e, e.Start) is { } unclosed)
            {
                throw unclosed;
            }

            Track(_inner.Current);
            return moved;
        }

        private void Track(ParsingEvent? current)
        {
            switch (current)
            {
                case SequenceStart start:
                    _open.Push((start.Start, start.Style == SequenceStyle.Flow, true));
                    break;
                case MappingStart start:
                    _open.Push((start.Start, start.Style == MappingStyle.Flow, false));
                    break;
                case SequenceEnd or MappingEnd when _open.Count > 0:
                    _open.Pop();
                    break;
            }
        }

        /// <summary>
        /// The error go-yaml gives when a flow collection goes on without ',' or its closing bracket: at the
        /// bracket that opened it, since that is what is left unclosed. YamlDotNet says the same of the bracket
        /// at the end of the input, and throws <see cref="InvalidOperationException"/> when a less indented line
        /// comes first.
        /// </summary>
        private UnclosedFlowException? Unclosed(Exception e, Mark stoppedAt)
        {
            var unclosed = IsBareInvalidOperation(e) || (e is YamlException && e.Message.Contains("did not find expected ',' or", StringComparison.Ordinal));
            if (!unclosed || !_open.TryPeek(out var innermost) || !innermost.Flow)
            {
                return null;
            }

            return new UnclosedFlowException(innermost.Start, innermost.Sequence, stoppedAt);
        }

        private static string Describe(Exception e) => e.Message switch
        {
            "The scanner should contain no more tokens." => "unexpected content after the end of the document",
            _ when IsBareInvalidOperation(e) => "a flow collection ([...] or {...}) is not closed before a less indented line",
            _ => e.Message,
        };

        /// <summary>What YamlDotNet's scanner throws, without a message, when a flow collection meets a less indented line.</summary>
        private static bool IsBareInvalidOperation(Exception e) =>
            e.GetType() == typeof(InvalidOperationException) && e.Message == new InvalidOperationException().Message;
    }

    /// <summary>A flow collection that is not closed: go-yaml's message, at its opening bracket.</summary>
    private sealed class UnclosedFlowException(Mark start, bool sequence, Mark stoppedAt) : YamlException(
        start,
        start,
        $"did not find expected ',' or '{(sequence ? ']' : '}')}' in the {(sequence ? "list" : "mapping")} that opens here (the parser stopped at line {stoppedAt.Line}, column {stoppedAt.Column})")
    {
        public string Fix { get; } = sequence
            ? "close the list with ']' after its last item, or write its items on their own lines as \"- item\""
            : "close the mapping with '}' after its last entry, or write its entries on their own lines as \"key: value\"";
    }
}
