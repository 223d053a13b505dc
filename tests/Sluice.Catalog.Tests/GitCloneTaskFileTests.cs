namespace Sluice.Catalog.Tests;

/// <summary>
/// The catalog's git-clone Task declares the params, results and workspaces its description and
/// docs/catalog.md promise, and its script keeps credentials out of the log. No Docker; running it is
/// tests/Sluice.Cli.Tests/Catalog/GitCloneTaskTests.cs.
/// </summary>
public sealed class GitCloneTaskFileTests
{
    private static CatalogTask GitClone => TaskCatalog.BuiltIn.Find("git-clone")!;

    [Fact]
    public void It_declares_its_params_with_their_defaults_in_order()
    {
        var spec = GitClone.Definition.Spec;

        Assert.Equal(
            [
                ("url", null), ("revision", ""), ("refspec", ""), ("depth", "1"), ("submodules", "true"), ("subdirectory", ""),
                ("delete-existing", "true"), ("ssl-verify", "true"), ("crt-filename", "ca-bundle.crt"), ("http-proxy", ""),
                ("https-proxy", ""), ("no-proxy", ""), ("user-home", ""),
            ],
            spec.Params.Select(p => (p.Name, p.Default?.StringValue)));
    }

    [Fact]
    public void It_reports_commit_url_and_committer_date_and_takes_output_and_three_optional_read_only_credential_workspaces()
    {
        var spec = GitClone.Definition.Spec;

        Assert.Equal(["commit", "url", "committer-date"], spec.Results.Select(r => r.Name));
        Assert.Equal(
            [("output", false, false), ("basic-auth", true, true), ("ssh-directory", true, true), ("ssl-ca-directory", true, true)],
            spec.Workspaces.Select(w => (w.Name, w.Optional == true, w.ReadOnly == true)));
    }

    [Fact]
    public void It_is_never_cached_since_a_branch_or_tag_moves_on_the_remote()
    {
        Assert.Equal("false", GitClone.Definition.Metadata.Annotations["sluice.dev/cache"]);
    }

    [Fact]
    public void Its_script_never_traces_and_takes_params_from_the_environment_rather_than_from_substituted_text()
    {
        var script = Assert.Single(GitClone.Definition.Spec.Steps).Script!;

        Assert.DoesNotContain("set -x", script, StringComparison.Ordinal);
        Assert.DoesNotContain("$(params.", script, StringComparison.Ordinal);
        Assert.DoesNotContain("$(workspaces.", script, StringComparison.Ordinal);
    }
}
