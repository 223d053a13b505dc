using Sluice.Catalog.Charts;

namespace Sluice.Catalog.Tests.Charts;

/// <summary>Values set by path change only their own characters; missing keys go under the deepest mapping.</summary>
public sealed class YamlTextEditorTests
{
    private const string Values = """
        # Values of the agenda service.
        replicaCount: 2   # scaled by HPA in production
        agenda:
          image:
            repository: 'registry.local/agenda'
            tag: "1.0"   # pinned below by digest
          resources: {}
        ingress:
          enabled: false
        """;

    [Fact]
    public void Replacing_a_value_keeps_its_quoting_comments_and_every_other_line()
    {
        var edited = Set(Set(Values, "agenda.image.repository", "ghcr.io/team/agenda"), "agenda.image.tag", "2.0");

        Assert.Equal(
            Values.Replace("'registry.local/agenda'", "'ghcr.io/team/agenda'", StringComparison.Ordinal).Replace("\"1.0\"", "\"2.0\"", StringComparison.Ordinal),
            edited);
    }

    [Fact]
    public void A_missing_key_is_added_after_its_mapping_s_last_entry_at_that_mapping_s_indentation()
    {
        var edited = Set(Values, "agenda.image.digest", "sha256:0123abcd");

        Assert.Contains("    tag: \"1.0\"   # pinned below by digest\n    digest: sha256:0123abcd\n  resources: {}", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_mappings_are_made_at_the_top_in_flow_mappings_and_below_a_null()
    {
        Assert.EndsWith("enabled: false\nsidecar:\n  image:\n    digest: sha256:ab", Set(Values, "sidecar.image.digest", "sha256:ab"), StringComparison.Ordinal);
        Assert.Contains("resources: {limits: {cpu: \"500m\"}}", Set(Values, "agenda.resources.limits.cpu", "500m"), StringComparison.Ordinal);
        Assert.Equal("image:\n  tag: \"1.0\"\n", Set("image:\n", "image.tag", "1.0"));
        Assert.Equal("a:\n  b: c\n", Set("", "a.b", "c"));
    }

    [Theory]
    [InlineData("true", "\"true\"")]
    [InlineData("1.0", "\"1.0\"")]
    [InlineData("", "\"\"")]
    [InlineData("a value: with colon", "\"a value: with colon\"")]
    [InlineData("registry.local:5000/agenda", "registry.local:5000/agenda")]
    public void A_new_plain_value_is_quoted_when_YAML_would_read_it_as_something_other_than_that_string(string value, string written)
    {
        Assert.Equal($"key: {written}\n", Set("key: old\n", "key", value));
    }

    [Fact]
    public void A_path_through_a_list_or_ending_at_a_mapping_is_an_error_with_the_position()
    {
        Assert.Null(YamlTextEditor.Set("hosts:\n  - a\n", "hosts.first", "b", out var throughList));
        Assert.Null(YamlTextEditor.Set(Values, "agenda.image", "b", out var atMapping));

        Assert.Equal(("'hosts' is a list, so 'hosts.first' cannot be set below it", 2, 3), throughList);
        Assert.Equal(("'agenda.image' is a mapping, not a single value; name a key below it", 5, 5), atMapping);
    }

    private static string Set(string text, string path, string value) =>
        YamlTextEditor.Set(text, path, value, out var error) ?? throw new InvalidOperationException(error?.Message);
}
