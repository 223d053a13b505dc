using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Reading;

/// <summary>
/// The census counts only where a node of a flow collection surely begins, once a node, so it may undercount but
/// must never call a document larger than it is. A small limit keeps the samples small.
/// </summary>
public sealed class FlowCensusTests
{
    [Theory]
    [InlineData("args: [a, b, c, d, e, f, g]\n", "[")]
    [InlineData("args: [a, b, c, d, e, f]\n", "[")]
    [InlineData("a: {k: [x, y, z, w], n: 4}\n", "[x")]
    [InlineData("- [a, b]\n- [c, d, e, f, g, h]\n", "[c")]
    [InlineData("args: [&x a, *x, !!str b, c, d, e]\n", "[")]
    [InlineData("steps:\n  - image: alpine\n    command: [echo]\n    args: [a, b, c, d, e]\n", "[a")]
    [InlineData("script: |\n  echo [a, b]\nargs: [a, b, c, d, e, f]\n", "[a, b, c")]
    [InlineData("description: one\n  two\nargs: [a, b, c, d, e, f]\n", "[a")]
    public void A_flow_collection_past_the_limit_is_found_at_its_bracket(string yaml, string opening)
    {
        Assert.Equal(yaml.IndexOf(opening, StringComparison.Ordinal), FlowCensus.FindOverflow(yaml, 5));
    }

    [Theory]
    [InlineData("args: [a, b, c]\n")]
    [InlineData("args: [\"a, b, c, d, e, f, g, h\"]\n")]
    [InlineData("args: ['a, b, c, d, ''e'', f, g, h']\n")]
    [InlineData("args: [\"a, \\\"b, c, d\", e]\n")]
    [InlineData("script: echo [a, b, c, d, e, f, g, h]\n")]
    [InlineData("script: echo it's [a, b, c, d, e, f, g, h]\n")]
    [InlineData("# [a, b, c, d, e, f, g, h]\nkind: Task\n")]
    [InlineData("args: [a] # , b, c, d, e, f, g, h\n")]
    [InlineData("script: |\n  echo [a, b, c, d, e, f, g, h]\n  echo {x: 1, y: 2}\nkind: Task\n")]
    [InlineData("steps:\n  - script: >-\n      [a, b, c, d, e, f, g, h]\n    image: alpine\n")]
    [InlineData("--- |\n[a, b, c, d, e, f, g, h]\n")]
    [InlineData("description: a first line\n  [a, b, c, d, e, f, g, h]\n")]
    [InlineData("- image: alpine\n    [a, b, c, d, e, f, g, h]\n")]
    [InlineData("key:\n  a first line\n  [a, b, c, d, e, f, g, h]\n")]
    [InlineData("&anchor key: a first line\n [a, b, c, d, e, f, g, h]\n")]
    [InlineData("text at the root\n[a, b, c, d, e, f, g, h]\n")]
    [InlineData("args: [a, b, c]\n---\nargs: [d, e, f]\n")]
    [InlineData("args: [\"unclosed, a, b, c, d, e, f, g\n")]
    [InlineData("args: [[], [], []]\n")]
    [InlineData("args: [{}, [], {}]\n")]
    public void Commas_that_separate_no_nodes_are_not_counted(string yaml)
    {
        Assert.Equal(-1, FlowCensus.FindOverflow(yaml, 5));
    }

    [Fact]
    public void A_flow_collection_over_several_lines_is_counted_whole()
    {
        const string yaml = "args: [\n  a, b,\n  c, # d, e, f, g\n  'h, i', j,\n  k\n]\n";

        Assert.Equal(yaml.IndexOf('[', StringComparison.Ordinal), FlowCensus.FindOverflow(yaml, 5));
    }

    [Fact]
    public void The_innermost_open_collection_is_the_one_reported()
    {
        const string yaml = "a: [x, {p: 1, q: [1, 2, 3, 4, 5, 6]}]\n";

        Assert.Equal(yaml.LastIndexOf('['), FlowCensus.FindOverflow(yaml, 6));
    }
}
