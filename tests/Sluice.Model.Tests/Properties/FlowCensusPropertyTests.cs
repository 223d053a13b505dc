using CsCheck;
using Sluice.Model.Diagnostics;
using Sluice.Model.Tests.Support;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Properties;

/// <summary>
/// The census may refuse a document without parsing it, so it must never count more nodes than a valid document
/// holds: not in quoted text, block scalars, plain text over several lines or comments full of commas and brackets.
/// </summary>
public sealed class FlowCensusPropertyTests
{
    private static readonly string[] Words = ["a", "key", "x1", "$(params.x)", "é"];

    [Fact]
    public void The_census_never_counts_more_nodes_than_a_generated_document_holds()
    {
        Block(0, 4).Sample(
            yaml =>
            {
                var diagnostics = new DiagnosticBag();
                var documents = YamlReader.Read(yaml, Loaded.File, diagnostics);
                if (diagnostics.HasErrors)
                {
                    return;
                }

                var written = documents.Select(d => d.Root is null ? 0 : Written(d.Root)).DefaultIfEmpty(0).Max();
                Assert.Equal(-1, FlowCensus.FindOverflow(yaml, written));
            },
            iter: 3000);
    }

    [Fact]
    public void The_census_never_counts_more_nodes_than_a_conformance_example_holds()
    {
        foreach (var (name, yaml) in ConformanceExamples.All)
        {
            var diagnostics = new DiagnosticBag();
            var documents = YamlReader.Read(yaml, name, diagnostics);
            var written = documents.Select(d => d.Root is null ? 0 : Written(d.Root)).DefaultIfEmpty(0).Max();
            Assert.True(FlowCensus.FindOverflow(yaml, written) < 0, $"{name}: the census counts more than its {written} nodes");
        }
    }

    /// <summary>The nodes of a document as written: an alias is one node, however large its anchor.</summary>
    private static int Written(YamlNode root)
    {
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<YamlNode>([root]);
        var count = 0;
        while (stack.TryPop(out var node))
        {
            count++;
            if (!seen.Add(node))
            {
                continue;
            }

            IEnumerable<YamlNode> children = node switch
            {
                YamlSequence sequence => sequence.Items,
                YamlMapping mapping => mapping.Entries.SelectMany(e => new YamlNode[] { e.Key, e.Value }),
                _ => [],
            };
            foreach (var child in children)
            {
                stack.Push(child);
            }
        }

        return count;
    }

    /// <summary>A block collection at <paramref name="indent"/>, its values in any style.</summary>
    private static Gen<string> Block(int indent, int depth)
    {
        var pad = new string(' ', indent);
        var value = Value(indent, depth);
        var mapping = Gen.Select(Gen.OneOf(Words), value).Array[1, 4]
            .Select(entries => string.Concat(entries.Select((e, i) => $"{pad}{e.Item1}{i}:{e.Item2}")));
        var sequence = value.Array[1, 4].Select(items => string.Concat(items.Select(item => $"{pad}-{item}")));
        return Gen.OneOf(mapping, sequence);
    }

    /// <summary>What follows a key's ':' or a '-': a scalar on the line, or a collection, ending with its line break.</summary>
    private static Gen<string> Value(int indent, int depth)
    {
        var pad = new string(' ', indent + 2);
        var scalars = Gen.OneOf(
            Gen.OneOf(Words).Select(w => $" {w}\n"),
            Gen.Const(" x, [y, z], {p; q}\n"),
            Gen.Const($" first line\n{pad}[a, b], {{c; d}}\n{pad}- e, f\n"),
            Gen.Const($" \"a, [b\n{pad}c, d], \\\" e, f\"\n"),
            Gen.Const(" 'g, ''h'', [i, j]'\n"),
            Gen.Const($" |\n{pad}echo [a, b, c]\n\n{pad}  - {{d, e}}\n"),
            Gen.Const($" >-\n{pad}k: [l, m]\n"),
            Gen.Const(" a # [b, c, d], e\n"),
            Flow(depth).Select(f => $" {f}\n"),
            Gen.Const(" &list [&item a, *item]\n"));
        return depth == 0 ? scalars : Gen.OneOf(scalars, Block(indent + 2, depth - 1).Select(b => "\n" + b));
    }

    private static Gen<string> Flow(int depth)
    {
        var scalar = Gen.OneOf(Gen.OneOf(Words), Gen.Const("\"q, [r]\""), Gen.Const("'s, {t}'"), Gen.Const("u v"));
        if (depth == 0)
        {
            return scalar.Array[0, 4].Select(items => $"[{string.Join(", ", items)}]");
        }

        var item = Gen.OneOf(scalar, Flow(depth - 1));
        var sequence = item.Array[0, 4].Select(items => $"[{string.Join(", ", items)}]");
        var mapping = Gen.Select(Gen.OneOf(Words), item).Array[0, 4]
            .Select(entries => $"{{{string.Join(", ", entries.Select((e, i) => $"{e.Item1}{i}: {e.Item2}"))}}}");
        // Lines of a flow collection must be indented more than the block around it: 12 spaces are deeper than any block here.
        return Gen.OneOf(sequence, mapping, item.Array[1, 3].Select(items => $"[\n            {string.Join(",\n            ", items)}\n            ]"));
    }
}
