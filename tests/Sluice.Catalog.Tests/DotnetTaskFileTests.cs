using Sluice.Model.Pipelines;

namespace Sluice.Catalog.Tests;

/// <summary>
/// The catalog's lint and dotnet-build-test Tasks declare the params, results and workspaces that
/// docs/catalog.md promises, and are cached on the source tree. No Docker; running them is
/// tests/Sluice.Cli.Tests/Catalog/LintTaskTests.cs and DotnetBuildTestTaskTests.cs.
/// </summary>
public sealed class DotnetTaskFileTests
{
    private static CatalogTask Lint => TaskCatalog.BuiltIn.Find("lint")!;

    private static CatalogTask BuildTest => TaskCatalog.BuiltIn.Find("dotnet-build-test")!;

    [Fact]
    public void Lint_declares_its_params_with_their_defaults_and_reports_the_files_to_change()
    {
        var spec = Lint.Definition.Spec;

        Assert.Equal(
            [("project", ParamType.String, "."), ("sources", ParamType.String, "."), ("severity", ParamType.String, "warn"), ("verbosity", ParamType.String, "minimal"), ("format-args", ParamType.Array, "")],
            spec.Params.Select(p => (p.Name, p.Type, p.Default?.Type == ParamType.Array ? string.Join(' ', p.Default.ArrayValue) : p.Default?.StringValue)));
        Assert.Equal(["files"], spec.Results.Select(r => r.Name));
    }

    [Fact]
    public void Dotnet_build_test_declares_its_params_with_their_defaults_and_reports_tests_failures_and_coverage()
    {
        var spec = BuildTest.Definition.Spec;

        Assert.Equal(
            [
                ("project", ParamType.String, "."), ("sources", ParamType.String, "."), ("configuration", ParamType.String, "Release"), ("coverage-threshold", ParamType.String, "0"),
                ("results-dir", ParamType.String, ".sluice/test-results"), ("build-args", ParamType.Array, ""), ("test-args", ParamType.Array, ""),
            ],
            spec.Params.Select(p => (p.Name, p.Type, p.Default?.Type == ParamType.Array ? string.Join(' ', p.Default.ArrayValue) : p.Default?.StringValue)));
        Assert.Equal(["tests", "failed", "coverage"], spec.Results.Select(r => r.Name));
        Assert.Equal(["build", "test"], spec.Steps.Select(s => s.Name));
    }

    [Theory]
    [InlineData("lint")]
    [InlineData("dotnet-build-test")]
    public void Each_takes_a_writable_source_and_an_optional_nuget_cache_and_runs_in_the_dotnet_sdk_image(string name)
    {
        var spec = TaskCatalog.BuiltIn.Find(name)!.Definition.Spec;

        Assert.Equal([("source", false, false), ("nuget-cache", true, false)], spec.Workspaces.Select(w => (w.Name, w.Optional == true, w.ReadOnly == true)));
        Assert.All(spec.Steps, s => Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", s.Image ?? spec.StepTemplate?.Image));
        Assert.All(spec.Steps, s => Assert.DoesNotContain("$(params.", s.Script, StringComparison.Ordinal));
    }

    [Fact]
    public void Both_are_cached_on_their_sources_and_build_test_keeps_its_results_directory()
    {
        Assert.Equal(("true", "source:$(params.sources)"), (Lint.Definition.Metadata.Annotations["sluice.dev/cache"], Lint.Definition.Metadata.Annotations["sluice.dev/cache-inputs"]));
        Assert.False(Lint.Definition.Metadata.Annotations.ContainsKey("sluice.dev/cache-outputs"));
        var annotations = BuildTest.Definition.Metadata.Annotations;
        Assert.Equal(("true", "source:$(params.sources)", "source:$(params.results-dir)"), (annotations["sluice.dev/cache"], annotations["sluice.dev/cache-inputs"], annotations["sluice.dev/cache-outputs"]));
    }
}
