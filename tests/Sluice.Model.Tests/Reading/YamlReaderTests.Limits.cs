using System.Diagnostics;
using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Model.Tests.Support;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Reading;

public sealed partial class YamlReaderTests
{
    [Fact]
    public void A_NUL_byte_is_refused_at_its_line_and_column()
    {
        var diagnostics = new DiagnosticBag();
        var documents = YamlReader.Read("a: b\nc: d\0e\n"u8, Loaded.File, diagnostics);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Contains("NUL", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 2, 5), diagnostic.Location);
    }

    [Fact]
    public void Invalid_UTF8_is_refused_at_its_line_and_column()
    {
        var diagnostics = new DiagnosticBag();
        byte[] bytes = [.. "a: b\nname: x"u8, 0xFF, .. "y\n"u8];
        YamlReader.Read(bytes, Loaded.File, diagnostics);

        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Contains("UTF-8", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 2, 8), diagnostic.Location);
    }

    [Fact]
    public void Columns_of_invalid_UTF8_count_characters_as_the_parser_does()
    {
        // "name: é" is 7 characters (8 bytes); YamlDotNet's marks, and so every other diagnostic, count characters.
        byte[] bytes = [.. "name: é"u8, 0xFF, (byte)'\n'];
        var diagnostics = new DiagnosticBag();
        YamlReader.Read(bytes, Loaded.File, diagnostics);

        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Equal(new SourceLocation(Loaded.File, 1, 8), diagnostic.Location);
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_accepted()
    {
        var diagnostics = new DiagnosticBag();
        var documents = YamlReader.Read([0xEF, 0xBB, 0xBF, .. "a: b\n"u8], Loaded.File, diagnostics);

        Assert.Empty(diagnostics.ToImmutable());
        Assert.Equal(new SourceLocation(Loaded.File, 1, 1), Assert.IsType<YamlMapping>(Assert.Single(documents).Root).Location);
    }

    [Fact]
    public void Input_over_the_size_limit_is_refused_before_parsing()
    {
        var bytes = new byte[YamlReader.MaxFileBytes + 1];
        bytes.AsSpan().Fill((byte)'#');
        var diagnostics = new DiagnosticBag();

        var documents = YamlReader.Read(bytes, Loaded.File, diagnostics);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Contains("MiB", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 1, 1), diagnostic.Location);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_with_its_size_and_a_fix()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sluice-model-tests-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var stream = File.Create(path))
            {
                stream.SetLength(YamlReader.MaxFileBytes + 1024);
            }

            var diagnostics = new DiagnosticBag();
            var documents = YamlReader.ReadFile(path, "big.yaml", diagnostics);

            Assert.Empty(documents);
            var diagnostic = Assert.Single(diagnostics.ToImmutable());
            Assert.Equal(new SourceLocation("big.yaml", 1, 1), diagnostic.Location);
            Assert.Contains("larger than the 8 MiB", diagnostic.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(diagnostic.Fix));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_name()
    {
        var diagnostics = new DiagnosticBag();
        YamlReader.ReadFile("/nonexistent/sluice/x.yaml", "x.yaml", diagnostics);

        var diagnostic = Assert.Single(diagnostics.ToImmutable());
        Assert.Equal("x.yaml", diagnostic.Location.File);
        Assert.Equal("no such file", diagnostic.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var depth = YamlReader.MaxDepth + 10;
        var (documents, diagnostics) = Loaded.Nodes(new string('[', depth) + new string(']', depth));

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal($"the YAML nests deeper than {YamlReader.MaxDepth} levels", diagnostic.Message);
        Assert.True(diagnostic.Location.IsKnown);
    }

    [Fact]
    public void Very_deep_nesting_is_refused_without_exhausting_the_stack()
    {
        var (_, diagnostics) = Loaded.Nodes(new string('[', 100_000) + new string(']', 100_000));

        Assert.Contains(diagnostics, d => d.Message.Contains("nests deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void Nesting_built_from_aliases_is_bounded_too()
    {
        // Each alias adds the depth of its anchor: 60 anchors of 100 levels make a tree 6000 levels deep,
        // which recursive binding and JSON conversion would then walk on the stack.
        var yaml = new StringBuilder("a0: &a0 ").Append('[', 100).Append('x').Append(']', 100).Append('\n');
        for (var i = 1; i < 60; i++)
        {
            yaml.Append($"a{i}: &a{i} ").Append('[', 100).Append($"*a{i - 1}").Append(']', 100).Append('\n');
        }

        var (documents, diagnostics) = Loaded.Nodes(yaml.ToString());

        var deepest = documents.Select(d => d.Root is null ? 0 : Depth(d.Root)).DefaultIfEmpty(0).Max();
        Assert.True(
            diagnostics.Any(d => d.Message.Contains("deeper", StringComparison.Ordinal)) || deepest <= YamlReader.MaxDepth + 1,
            $"the reader returned a tree {deepest} levels deep without a diagnostic (limit {YamlReader.MaxDepth})");
    }

    [Fact]
    public void An_alias_that_nests_too_deep_is_refused_where_it_is_used()
    {
        var yaml = new StringBuilder("a: &a ").Append('[', 100).Append('x').Append(']', 100).Append("\nb: ").Append('[', 40).Append("*a").Append(']', 40).Append('\n').ToString();

        var (_, diagnostics) = Loaded.Nodes(yaml);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal($"the YAML nests deeper than {YamlReader.MaxDepth} levels", diagnostic.Message);
        Assert.Equal(Position.Of(yaml, "*a"), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void Binding_bounds_its_depth_whatever_tree_it_is_given()
    {
        // Trees the reader makes are never this deep; the binder must still not recurse without bound.
        var location = new SourceLocation(Loaded.File, 1, 1);
        YamlNode node = new YamlScalar(location, "x", ScalarKind.String);
        for (var i = 0; i < 10_000; i++)
        {
            node = new YamlSequence(location, [node]);
        }

        var diagnostics = new DiagnosticBag();
        var json = new Model.Binding.NodeBinder(diagnostics, new Model.Binding.SourceMap()).Bind<System.Text.Json.Nodes.JsonNode>(node, "x");

        Assert.NotNull(json);
        Assert.Contains(diagnostics.ToImmutable(), d => d.Message.Contains("deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alias_bomb_is_refused_quickly_with_a_message()
    {
        var stopwatch = Stopwatch.StartNew();
        var loaded = Loaded.Read(Samples.TaskRun($"taskRef: {{name: t}}\npodTemplate:\n  affinity:\n{Samples.Indent(Samples.Indent(AliasBomb()))}"));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        var diagnostic = loaded.ExpectWhere(d => d.Message.Contains("aliases", StringComparison.Ordinal), "an alias message");
        Assert.True(diagnostic.Location.IsKnown);
    }

    [Fact]
    public void An_alias_bomb_in_a_string_field_is_refused_quickly()
    {
        var stopwatch = Stopwatch.StartNew();
        var loaded = Loaded.Read(Samples.TaskRun($"taskRef: {{name: t}}\nserviceAccountName:\n{Samples.Indent(AliasBomb())}"));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.NotEmpty(loaded.Diagnostics);
    }

    [Fact]
    public void An_alias_bomb_is_reported_at_the_anchor_every_alias_ends_up_copying()
    {
        var yaml = AliasBomb();

        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("the document expands to more than 1,000,000 nodes through YAML aliases that copy &l0, defined here", diagnostic.Message);
        Assert.Equal(Position.Of(yaml, "l0:"), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.False(string.IsNullOrEmpty(diagnostic.Fix));
    }

    [Fact]
    public void Aliases_that_stay_under_the_limit_are_read()
    {
        var yaml = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 6; i++)
        {
            yaml.Append($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]\n");
        }

        var (documents, diagnostics) = Loaded.Nodes(yaml.ToString());

        Assert.Empty(diagnostics);
        Assert.Single(documents);
    }

    [Fact]
    public void A_flow_list_of_more_nodes_than_the_limit_is_refused_at_its_bracket()
    {
        var yaml = $"kind: Task\nargs: [a{new StringBuilder().Insert(0, ",a", YamlReader.MaxNodes)}]\n";

        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith("the YAML document has more than 1,000,000 nodes", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alias", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Position.Of(yaml, "["), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void A_block_list_of_more_nodes_than_the_limit_is_refused_at_the_list()
    {
        // Block style the census does not count: the reader's own count refuses it.
        var yaml = $"kind: Task\nargs:\n{new StringBuilder().Insert(0, "- a\n", YamlReader.MaxNodes)}";

        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(documents);
        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith("the YAML document has more than 1,000,000 nodes", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Position.Of(yaml, "- a"), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    /// <summary>The "billion laughs": ten levels of nine aliases, 9^10 strings when expanded.</summary>
    private static string AliasBomb()
    {
        var text = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            var previous = $"*l{i - 1}";
            text.Append($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }

        return text.Append("all: *l9\n").ToString();
    }

    private static int Depth(YamlNode root)
    {
        var depths = new Dictionary<YamlNode, int>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(YamlNode Node, bool Expanded)>([(root, false)]);
        while (stack.TryPop(out var entry))
        {
            var children = entry.Node switch
            {
                YamlSequence s => [.. s.Items],
                YamlMapping m => m.Entries.Select(e => e.Value).ToList(),
                _ => new List<YamlNode>(),
            };
            if (entry.Expanded)
            {
                depths[entry.Node] = 1 + children.Select(c => depths[c]).DefaultIfEmpty(0).Max();
                continue;
            }

            if (depths.ContainsKey(entry.Node))
            {
                continue;
            }

            stack.Push((entry.Node, true));
            foreach (var child in children.Where(c => !depths.ContainsKey(c)))
            {
                stack.Push((child, false));
            }
        }

        return depths[root];
    }

}
