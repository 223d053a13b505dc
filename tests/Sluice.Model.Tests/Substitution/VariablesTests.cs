using Sluice.Model.Substitution;

namespace Sluice.Model.Tests.Substitution;

/// <summary>Tekton's variable syntax: pkg/substitution/substitution.go and replacements.go.</summary>
public sealed class VariablesTests
{
    [Theory]
    [InlineData("$(params.name)")]
    [InlineData("$(params[\"name\"])")]
    [InlineData("$(params['name'])")]
    public void Extract_reads_the_three_syntaxes(string value)
    {
        var found = Variables.Extract($"echo {value}!", "params");

        Assert.True(found.Present);
        Assert.Null(found.Error);
        Assert.Equal(["name"], found.Names);
        Assert.Equal(value, found.FirstMatch);
    }

    [Theory]
    [InlineData("$(params.list[1])", "list[1]")]
    [InlineData("$(params.list[*])", "list[*]")]
    [InlineData("$(params[\"list[*]\"])", "list[*]")]
    [InlineData("$(params['my.dotted.name'])", "my.dotted.name")]
    [InlineData("$(params[\"a\"])", "a")]
    [InlineData("$(params.obj.key)", "obj")]
    public void Extract_keeps_indexes_and_takes_the_first_dotted_part(string value, string name)
    {
        // The regex of braceMatchingRegex: var1 = .*?(\[\*\])? after "params.", var2/var3 inside the brackets.
        var found = Variables.Extract(value, "params");

        Assert.Equal([name], found.Names);
    }

    [Fact]
    public void Extract_finds_every_reference_in_order()
    {
        var found = Variables.Extract("$(params.a) and $(params['b']) and $(params.c[0]) but not $(param.d) or $(inputs.params.e)", "params");

        Assert.Equal(["a", "b", "c[0]"], found.Names);
        Assert.Equal("$(params.a)", found.FirstMatch);
    }

    [Fact]
    public void Extract_of_a_value_without_references_finds_nothing()
    {
        var found = Variables.Extract("echo $(date) ${HOME}", "params");

        Assert.False(found.Present);
        Assert.Empty(found.Names);
        Assert.Null(found.Error);
    }

    [Fact]
    public void More_than_two_dotted_components_is_Tekton_s_error()
    {
        const string value = "echo $(params.a.b.c)";
        var found = Variables.Extract(value, "params");

        Assert.True(found.Present);
        Assert.Equal($"Invalid referencing of parameters in \"{value}\"! Only two dot-separated components after the prefix \"params\" are allowed.", found.Error);
    }

    [Fact]
    public void The_error_names_the_prefix_as_Tekton_passes_it()
    {
        // ExtractVariablesFromString formats the prefix argument itself, here the regex "context\.taskRun".
        const string value = "$(context.taskRun.name.first.last)";
        var found = Variables.Extract(value, "context\\.taskRun");

        Assert.Equal($"Invalid referencing of parameters in \"{value}\"! Only two dot-separated components after the prefix \"context\\.taskRun\" are allowed.", found.Error);
    }

    [Fact]
    public void A_dotted_prefix_extracts_object_keys()
    {
        var found = Variables.Extract("$(params.git.url) $(params.git.commit)", "params\\.git");

        Assert.Equal(["url", "commit"], found.Names);
    }

    [Theory]
    [InlineData("list[1]", "list")]
    [InlineData("list[*]", "list")]
    [InlineData("list[12]", "list")]
    [InlineData("name", "name")]
    public void TrimIndex_removes_array_indexes(string name, string trimmed) =>
        Assert.Equal(trimmed, Variables.TrimIndex(name));

    [Fact]
    public void Apply_replaces_known_references()
    {
        var result = Variables.Apply("echo $(params.a) $(params[\"a\"]) $(params['a'])", Map(("params.a", "x"), ("params[\"a\"]", "y"), ("params['a']", "z")));

        Assert.Equal("echo x y z", result);
    }

    [Fact]
    public void Apply_is_one_pass_and_never_rescans_its_output()
    {
        // ApplyReplacements uses one strings.Replacer; see tektoncd/pipeline#2093.
        var result = Variables.Apply("$(params.a) $(params.b)", Map(("params.a", "$(params.b)"), ("params.b", "$(params.a)")));

        Assert.Equal("$(params.b) $(params.a)", result);
    }

    [Fact]
    public void Apply_leaves_unknown_references_and_shell_substitutions_alone()
    {
        const string input = "echo $(params.unknown) $(date +%s) $(( 1 + 2 )) ${HOME} $(";
        Assert.Equal(input, Variables.Apply(input, Map(("params.a", "x"))));
    }

    [Fact]
    public void Apply_finds_a_reference_inside_a_shell_substitution()
    {
        var result = Variables.Apply("echo $(cat $(params.file))", Map(("params.file", "/tmp/x")));

        Assert.Equal("echo $(cat /tmp/x)", result);
    }

    [Fact]
    public void Apply_with_no_replacements_returns_the_input()
    {
        Assert.Equal("$(params.a)", Variables.Apply("$(params.a)", Map()));
        Assert.Equal(string.Empty, Variables.Apply(null, Map(("params.a", "x"))));
    }

    [Fact]
    public void Apply_accepts_any_read_only_dictionary()
    {
        IReadOnlyDictionary<string, string> sorted = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["params.a"] = "x" };

        Assert.Equal("x-x", Variables.Apply("$(params.a)-$(params.a)", sorted));
    }

    [Theory]
    [InlineData("$(params.flags)")]
    [InlineData("$(params.flags[*])")]
    public void ApplyArray_expands_an_exact_array_reference(string input)
    {
        var result = Variables.ApplyArray(input, Map(), Arrays(("params.flags", ["-v", "--x=1"])));

        Assert.Equal(["-v", "--x=1"], result);
    }

    [Fact]
    public void ApplyArray_expands_an_empty_array_to_nothing()
    {
        var result = Variables.ApplyArray("$(params.flags[*])", Map(), Arrays(("params.flags", [])));

        Assert.Empty(result);
    }

    [Theory]
    [InlineData(" $(params.flags)")]
    [InlineData("--x=$(params.flags)")]
    [InlineData("$(params.flags)$(params.flags)")]
    [InlineData("$(params.flags[0])")]
    public void ApplyArray_applies_string_replacements_when_the_reference_is_not_alone(string input)
    {
        var result = Variables.ApplyArray(input, Map(("params.flags[0]", "-v")), Arrays(("params.flags", ["-v", "-q"])));

        Assert.Equal([Variables.Apply(input, Map(("params.flags[0]", "-v")))], result);
    }

    [Fact]
    public void ApplyArray_of_a_string_reference_is_one_item()
    {
        var result = Variables.ApplyArray("$(params.name)", Map(("params.name", "x")), Arrays(("params.flags", ["a"])));

        Assert.Equal(["x"], result);
    }

    [Theory]
    [InlineData("$(params.a)", true)]
    [InlineData("$(tasks.t.results.r[0])", true)]
    [InlineData("$(tasks.t.results.r[*])", true)]
    [InlineData("$(params.a-b_c.d)", true)]
    [InlineData(" $(params.a)", false)]
    [InlineData("$(params.a) ", false)]
    [InlineData("$(params.a)$(params.b)", false)]
    [InlineData("$(params[\"a\"])", false)]
    [InlineData("$(params.a[x])", false)]
    [InlineData("params.a", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsExactExpression_matches_Tekton_s_exact_regex(string? value, bool exact) =>
        Assert.Equal(exact, Variables.IsExactExpression(value));

    [Fact]
    public void Expressions_lists_the_inside_of_each_reference()
    {
        // VariableSubstitutionRegex in pkg/apis/pipeline/v1/resultref.go.
        var expressions = Variables.Expressions("a $(tasks.t.results.r) b $(params.x[*]) c $(params[\"y\"]) $(context.pipelineRun.name)");

        Assert.Equal(["tasks.t.results.r", "params.x[*]", "context.pipelineRun.name"], expressions);
    }

    private static Dictionary<string, string> Map(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private static Dictionary<string, System.Collections.Immutable.ImmutableArray<string>> Arrays(params (string Key, string[] Items)[] entries) =>
        entries.ToDictionary(e => e.Key, e => System.Collections.Immutable.ImmutableArray.Create(e.Items), StringComparer.Ordinal);
}
