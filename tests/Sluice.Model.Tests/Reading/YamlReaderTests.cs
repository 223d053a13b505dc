using Sluice.Model.Diagnostics;
using Sluice.Model.Tests.Support;
using Sluice.Model.Yaml;

namespace Sluice.Model.Tests.Reading;

public sealed partial class YamlReaderTests
{
    [Fact]
    public void Keys_and_values_carry_1_based_line_and_column()
    {
        const string yaml = "kind: Task\nspec:\n  steps:\n    - image: busybox\n      args: [a, \"b\"]\n";
        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(diagnostics);
        var root = Assert.IsType<YamlMapping>(Assert.Single(documents).Root);
        var kind = root.Entries[0];
        Assert.Equal(new SourceLocation(Loaded.File, 1, 1), kind.Key.Location);
        Assert.Equal(new SourceLocation(Loaded.File, 1, 7), kind.Value.Location);
        var spec = Assert.IsType<YamlMapping>(root.Get("spec"));
        Assert.Equal(new SourceLocation(Loaded.File, 3, 3), spec.Location);
        var steps = Assert.IsType<YamlSequence>(spec.Get("steps"));
        Assert.Equal(new SourceLocation(Loaded.File, 4, 5), steps.Location);
        var step = Assert.IsType<YamlMapping>(Assert.Single(steps.Items));
        Assert.Equal(new SourceLocation(Loaded.File, 4, 7), step.Entries[0].Key.Location);
        Assert.Equal(new SourceLocation(Loaded.File, 4, 14), step.Entries[0].Value.Location);
        var args = Assert.IsType<YamlSequence>(step.Get("args"));
        Assert.Equal(new SourceLocation(Loaded.File, 5, 13), args.Location);
        Assert.Equal(new SourceLocation(Loaded.File, 5, 14), args.Items[0].Location);
        Assert.Equal(new SourceLocation(Loaded.File, 5, 17), args.Items[1].Location);
    }

    [Fact]
    public void Every_document_of_a_file_is_read_with_its_index_and_start()
    {
        var (documents, diagnostics) = Loaded.Nodes("a: 1\n---\nb: 2\n---\nc: 3\n");

        Assert.Empty(diagnostics);
        Assert.Equal([0, 1, 2], documents.Select(d => d.Index));
        Assert.Equal([1, 2, 4], documents.Select(d => d.Location.Line));
        Assert.Equal(["a", "b", "c"], documents.Select(d => Assert.IsType<YamlMapping>(d.Root).Entries[0].Key.Value));
    }

    [Fact]
    public void Empty_documents_are_skipped_when_reading_resources()
    {
        var loaded = Loaded.Read("---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n");

        loaded.Clean();
        var resource = Assert.Single(loaded.Resources);
        Assert.Equal("ConfigMap", resource.Resource.Kind);
        Assert.Equal(5, resource.Location.Line);
    }

    [Fact]
    public void A_file_of_comments_only_holds_no_resources()
    {
        var loaded = Loaded.Read("# nothing here\n");

        var diagnostic = loaded.Expect("the file holds no resources");
        Assert.Equal(new SourceLocation(Loaded.File, 1, 1), diagnostic.Location);
    }

    [Fact]
    public void A_duplicate_key_is_reported_at_the_second_key()
    {
        const string yaml = "metadata:\n  name: a\n  labels: {}\n  name: b\n";
        var (_, diagnostics) = Loaded.Nodes(yaml);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("\"name\"", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("already", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 4, 3), diagnostic.Location);
    }

    [Fact]
    public void Aliases_resolve_to_their_anchor()
    {
        var (documents, diagnostics) = Loaded.Nodes("image: &img busybox:1.36\nsteps: [*img, *img]\n");

        Assert.Empty(diagnostics);
        var root = Assert.IsType<YamlMapping>(documents[0].Root);
        var steps = Assert.IsType<YamlSequence>(root.Get("steps"));
        Assert.All(steps.Items, item => Assert.Equal("busybox:1.36", Assert.IsType<YamlScalar>(item).Value));
    }

    [Fact]
    public void Merge_keys_add_missing_entries_and_explicit_keys_win()
    {
        const string yaml = "base: &base {image: busybox, name: from-base}\nstep:\n  <<: *base\n  name: own\n";
        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(diagnostics);
        var step = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(documents[0].Root).Get("step"));
        Assert.Equal(["name", "image"], step.Entries.Select(e => e.Key.Value));
        Assert.Equal("own", Assert.IsType<YamlScalar>(step.Get("name")).Value);
        Assert.Equal("busybox", Assert.IsType<YamlScalar>(step.Get("image")).Value);
    }

    [Fact]
    public void Merge_keys_take_a_list_of_mappings()
    {
        const string yaml = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n";
        var (documents, diagnostics) = Loaded.Nodes(yaml);

        Assert.Empty(diagnostics);
        var c = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(documents[0].Root).Get("c"));
        Assert.Equal("1", Assert.IsType<YamlScalar>(c.Get("x")).Value);
        Assert.Equal("2", Assert.IsType<YamlScalar>(c.Get("y")).Value);
    }

    [Fact]
    public void An_unknown_alias_is_reported_where_it_is_used()
    {
        var (_, diagnostics) = Loaded.Nodes("a: 1\nb: *nope\n");

        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("nope", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 2, 4), diagnostic.Location);
    }

    // go-yaml v2 (go.yaml.in/yaml/v2 resolve.go, resolveMapList and resolve), which sigs.k8s.io/yaml uses
    // for kubectl and the API server, resolves plain scalars by YAML 1.1 rules.
    [Theory]
    [InlineData("yes", ScalarKind.Boolean)]
    [InlineData("Yes", ScalarKind.Boolean)]
    [InlineData("YES", ScalarKind.Boolean)]
    [InlineData("y", ScalarKind.Boolean)]
    [InlineData("N", ScalarKind.Boolean)]
    [InlineData("no", ScalarKind.Boolean)]
    [InlineData("on", ScalarKind.Boolean)]
    [InlineData("Off", ScalarKind.Boolean)]
    [InlineData("true", ScalarKind.Boolean)]
    [InlineData("FALSE", ScalarKind.Boolean)]
    [InlineData("~", ScalarKind.Null)]
    [InlineData("null", ScalarKind.Null)]
    [InlineData("NULL", ScalarKind.Null)]
    [InlineData("0755", ScalarKind.Integer)]
    [InlineData("0o17", ScalarKind.Integer)]
    [InlineData("0x1F", ScalarKind.Integer)]
    [InlineData("-0b101", ScalarKind.Integer)]
    [InlineData("1_000", ScalarKind.Integer)]
    [InlineData("+42", ScalarKind.Integer)]
    [InlineData("1.5", ScalarKind.Float)]
    [InlineData(".5", ScalarKind.Float)]
    [InlineData("1.", ScalarKind.Float)]
    [InlineData("1e3", ScalarKind.Float)]
    [InlineData("-1.5E-3", ScalarKind.Float)]
    [InlineData("08", ScalarKind.Float)]
    [InlineData(".inf", ScalarKind.Float)]
    [InlineData("-.Inf", ScalarKind.Float)]
    [InlineData(".NaN", ScalarKind.Float)]
    [InlineData("1:30", ScalarKind.String)]
    [InlineData("1.2.3", ScalarKind.String)]
    [InlineData("0x", ScalarKind.String)]
    [InlineData("2024-01-01", ScalarKind.String)]
    [InlineData("yess", ScalarKind.String)]
    [InlineData("True1", ScalarKind.String)]
    [InlineData("-a", ScalarKind.String)]
    [InlineData("v1.2", ScalarKind.String)]
    public void Plain_scalars_resolve_as_YAML_1_1_does_for_Kubernetes(string plain, ScalarKind expected) =>
        Assert.Equal(expected, ScalarOf($"value: {plain}\n").Kind);

    [Theory]
    [InlineData("\"yes\"", "yes")]
    [InlineData("'0755'", "0755")]
    [InlineData("\"1.5\"", "1.5")]
    [InlineData("'null'", "null")]
    [InlineData("!!str on", "on")]
    [InlineData("|\n  true", "true")]
    public void Quoted_and_tagged_strings_stay_strings(string written, string value)
    {
        var scalar = ScalarOf($"value: {written}\n");
        Assert.Equal(ScalarKind.String, scalar.Kind);
        Assert.Equal(value, scalar.Value.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("!!int 0755", ScalarKind.Integer)]
    [InlineData("!!float 1", ScalarKind.Float)]
    [InlineData("!!bool \"yes\"", ScalarKind.Boolean)]
    [InlineData("!custom 12", ScalarKind.String)]
    public void Tagged_scalars_resolve_as_their_tag_says(string written, ScalarKind expected) =>
        Assert.Equal(expected, ScalarOf($"value: {written}\n").Kind);

    [Fact]
    public void A_value_that_does_not_fit_its_tag_is_refused()
    {
        // go-yaml v2 resolve: failf("cannot decode %s `%s` as a %s", ...).
        var (_, diagnostics) = Loaded.Nodes("a: 1\nvalue: !!int abc\n");

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("invalid YAML: cannot decode !!str `abc` as a !!int", diagnostic.Message);
        Assert.Equal(new SourceLocation(Loaded.File, 2, 8), diagnostic.Location);
    }

    [Fact]
    public void A_tab_used_as_indentation_is_reported_where_the_tab_is()
    {
        const string yaml = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n\tsteps: []\n";
        var (_, diagnostics) = Loaded.Nodes(yaml);

        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith("invalid YAML", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(Loaded.File, 4, 1), diagnostic.Location);
    }

    [Fact]
    public void A_tab_after_a_nested_key_is_reported_on_its_line()
    {
        const string yaml = "a:\n  b: 1\n\tc: 2\n";
        var (_, diagnostics) = Loaded.Nodes(yaml);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(3, diagnostic.Location.Line);
    }

    [Fact]
    public void A_syntax_error_is_reported_at_its_position()
    {
        var (_, diagnostics) = Loaded.Nodes("a: 'x\n");

        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith("invalid YAML: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.True(diagnostic.Location.IsKnown);
        Assert.Equal("fix the YAML syntax at this position", diagnostic.Fix);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: 3\n", "[", "']'", "close the list")]
    [InlineData("a: [1, 2\n", "[", "']'", "close the list")]
    [InlineData("a:\n  b: {c: 1\n  d: 2\n", "{", "'}'", "close the mapping")]
    [InlineData("a: [x, [1, 2], {k: v}\n", "[", "']'", "close the list")]
    public void An_unclosed_flow_collection_is_reported_where_it_opens_in_go_yaml_s_words(string yaml, string opening, string closing, string fix)
    {
        var (_, diagnostics) = Loaded.Nodes(yaml);

        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith($"invalid YAML: did not find expected ',' or {closing}", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Position.Of(yaml, opening), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.StartsWith(fix, diagnostic.Fix, StringComparison.Ordinal);
    }

    private static YamlScalar ScalarOf(string yaml)
    {
        var (documents, diagnostics) = Loaded.Nodes(yaml);
        Assert.Empty(diagnostics);
        return Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(Assert.Single(documents).Root).Get("value"));
    }
}
