using Sluice.Catalog.Charts;

namespace Sluice.Catalog.Tests.Charts;

/// <summary>.helmignore rules with Helm's meaning of each form.</summary>
public sealed class HelmIgnoreTests
{
    [Theory]
    [InlineData("*.bak", "docs/old.bak", false, true)]
    [InlineData("*.bak", "docs/old.bakery", false, false)]
    [InlineData("docs/*.md", "docs/guide.md", false, true)]
    [InlineData("docs/*.md", "docs/deep/guide.md", false, false)]
    [InlineData("/local.env", "local.env", false, true)]
    [InlineData("/local.env", "config/local.env", false, false)]
    [InlineData("local.env", "config/local.env", false, true)]
    [InlineData("secrets/", "secrets", true, true)]
    [InlineData("secrets/", "secrets", false, false)]
    [InlineData("file[0-9].txt", "file7.txt", false, true)]
    [InlineData("file?.txt", "file10.txt", false, false)]
    [InlineData("# *.md", "README.md", false, false)]
    public void Each_rule_form_matches_as_Helm_s_does(string rule, string path, bool isDirectory, bool ignored)
    {
        Assert.Equal(ignored, HelmIgnore.Parse([rule]).Ignores(path, isDirectory));
    }

    [Fact]
    public void Hidden_files_under_templates_are_always_ignored_and_a_negation_leaves_out_what_it_does_not_match()
    {
        var none = HelmIgnore.Parse([]);
        var negated = HelmIgnore.Parse(["!*.yaml"]);

        Assert.True(none.Ignores("templates/.swp", false));
        Assert.False(none.Ignores("templates/deployment.yaml", false));
        Assert.False(negated.Ignores("templates/deployment.yaml", false));
        Assert.True(negated.Ignores("README.md", false));
    }

    [Fact]
    public void Double_star_is_refused_as_Helm_refuses_it()
    {
        var error = Assert.Throws<FormatException>(() => HelmIgnore.Parse(["docs/**/*.md"]));

        Assert.Contains("** is not supported", error.Message, StringComparison.Ordinal);
    }
}
