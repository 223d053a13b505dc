using Sluice.Engine;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Tests;

/// <summary>
/// Every Task file of the catalog, as embedded in the assembly, is one Tekton v1 Task that Sluice's own
/// loader and validation accept, documented and labelled as the catalog promises. No Docker.
/// </summary>
public sealed class CatalogFileTests
{
    public static TheoryData<string> Names => [.. TaskCatalog.BuiltIn.Names];

    [Fact]
    public void The_catalog_holds_the_version_task()
    {
        Assert.Contains("version", TaskCatalog.BuiltIn.Names);
        Assert.Equal(TaskCatalog.BuiltIn.Names.Order(StringComparer.Ordinal), TaskCatalog.BuiltIn.Names);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_file_is_one_task_that_the_loader_reads_and_validates_without_a_problem(string name)
    {
        var yaml = TaskCatalog.BuiltIn.Find(name)!.Yaml;
        var diagnostics = new DiagnosticBag();

        var loaded = ResourceReader.ReadText(yaml, $"{name}.yaml", diagnostics);
        ResourceSet.FromResources(loaded, diagnostics);

        Assert.Empty(diagnostics.ToImmutable());
        var task = Assert.IsType<TaskDefinition>(Assert.Single(loaded).Resource);
        Assert.Equal("tekton.dev/v1", task.ApiVersion);
        Assert.Equal(name, task.Metadata.Name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_task_run_of_each_with_its_workspaces_bound_passes_the_checks_a_run_makes_before_it_starts(string name)
    {
        var task = TaskCatalog.BuiltIn.Find(name)!.Definition;
        var run = new TaskRun
        {
            Metadata = new ObjectMeta { Name = $"{name}-run" },
            Spec = new TaskRunSpec
            {
                TaskRef = new TaskReference { Name = name },
                Params = [.. task.Spec.Params.Where(p => p.Default is null).Select(p => new Param { Name = p.Name, Value = ParamValue.Of("x") })],
                Workspaces = [.. task.Spec.Workspaces.Select(w => new WorkspaceBinding { Name = w.Name, EmptyDir = new EmptyDirVolumeSource() })],
            },
        };

        var problems = Preflight.Check(run, new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty)), new EngineOptions());

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_task_and_everything_it_declares_is_described(string name)
    {
        var spec = TaskCatalog.BuiltIn.Find(name)!.Definition.Spec;

        Assert.False(string.IsNullOrWhiteSpace(spec.Description), $"{name} has no description");
        Assert.All(spec.Params, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{name}: param {p.Name} has no description"));
        Assert.All(spec.Results, r => Assert.False(string.IsNullOrWhiteSpace(r.Description), $"{name}: result {r.Name} has no description"));
        Assert.All(spec.Workspaces, w => Assert.False(string.IsNullOrWhiteSpace(w.Description), $"{name}: workspace {w.Name} has no description"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_task_carries_its_version_the_catalog_annotation_and_a_valid_cache_annotation(string name)
    {
        var catalogTask = TaskCatalog.BuiltIn.Find(name)!;
        var metadata = catalogTask.Definition.Metadata;

        Assert.Matches(@"^\d+\.\d+(\.\d+)?$", metadata.Labels.GetValueOrDefault(TaskCatalog.VersionLabel) ?? string.Empty);
        Assert.Equal(metadata.Labels[TaskCatalog.VersionLabel], catalogTask.Version);
        Assert.Equal("true", metadata.Annotations.GetValueOrDefault(TaskCatalog.CatalogAnnotation));
        if (metadata.Annotations.TryGetValue("sluice.dev/cache", out var cache))
        {
            Assert.Contains(cache, new[] { "true", "false" });
        }

        Assert.Equal(catalogTask.Summary, catalogTask.Definition.Spec.Description!.Split('\n')[0].Trim());
        Assert.False(string.IsNullOrWhiteSpace(catalogTask.Summary));
    }

    [Fact]
    public void The_version_task_is_never_cached_since_a_cache_key_leaves_out_the_history_it_reads()
    {
        var metadata = TaskCatalog.BuiltIn.Find("version")!.Definition.Metadata;

        Assert.Equal("false", metadata.Annotations["sluice.dev/cache"]);
    }

    [Fact]
    public void The_version_task_declares_the_params_results_and_read_only_workspace_it_documents()
    {
        var spec = TaskCatalog.BuiltIn.Find("version")!.Definition.Spec;

        Assert.Equal(["subdirectory", "branch", "main-branch", "tag-prefix", "initial-version"], spec.Params.Select(p => p.Name));
        Assert.Equal(["", "", "main", "v", "0.1.0"], spec.Params.Select(p => p.Default?.StringValue));
        Assert.Equal(["version", "tag", "is-release", "commit"], spec.Results.Select(r => r.Name));
        var source = Assert.Single(spec.Workspaces);
        Assert.Equal("source", source.Name);
        Assert.True(source.ReadOnly);
    }

    [Fact]
    public void A_name_the_catalog_does_not_hold_is_not_found()
    {
        Assert.Null(TaskCatalog.BuiltIn.Find("no-such-task"));
        Assert.Null(TaskCatalog.BuiltIn.Find("Version"));
    }
}
