using Sluice.Engine;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Tests;

/// <summary>A taskRef finds a file's Task first and the catalog's after it; a name neither holds gets the closest as a suggestion.</summary>
public sealed class ResolutionTests
{
    private const string FileTasks = """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: version
        spec:
          params:
            - name: required
          steps:
            - name: mine
              image: busybox
              script: echo the file's version task
        ---
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: compile
        spec:
          steps:
            - name: compile
              image: busybox
              script: echo compile
        """;

    [Fact]
    public void A_files_task_of_the_same_name_wins_over_the_catalogs()
    {
        var resolver = new CatalogResolver(new ResourceSetResolver(Load(FileTasks)));

        var task = resolver.FindTask("version", "default");

        Assert.NotNull(task);
        Assert.Equal("mine", Assert.Single(task.Spec.Steps).Name);
    }

    [Fact]
    public void A_name_no_file_defines_resolves_to_the_catalogs_task()
    {
        var resolver = new CatalogResolver(new ResourceSetResolver(Load(FileTasks.Replace("name: version", "name: other", StringComparison.Ordinal))));

        var task = resolver.FindTask("version", "default");

        Assert.Same(TaskCatalog.BuiltIn.Find("version")!.Definition, task);
        Assert.NotNull(resolver.FindTask("compile", "default"));
        Assert.Null(resolver.FindTask("no-such-task", "default"));
    }

    [Fact]
    public void The_catalog_resolves_tasks_only_and_in_every_namespace()
    {
        var resolver = new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty));

        Assert.NotNull(resolver.FindTask("version", "team-a"));
        Assert.Null(resolver.FindPipeline("version", "default"));
        Assert.Null(resolver.FindStepAction("version", "default"));
    }

    [Fact]
    public void Task_names_are_the_files_then_the_catalogs()
    {
        var resolver = new CatalogResolver(new ResourceSetResolver(Load(FileTasks)));

        Assert.Equal(["version", "compile", .. TaskCatalog.BuiltIn.Names], resolver.TaskNames("default"));
    }

    [Fact]
    public void A_task_run_of_the_overriding_file_is_checked_against_the_files_task()
    {
        var run = TaskRunOf("version");

        var withFile = Preflight.Check(run, new CatalogResolver(new ResourceSetResolver(Load(FileTasks))), new EngineOptions());
        var catalogOnly = Preflight.Check(run, new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty)), new EngineOptions());

        Assert.Contains("required", Assert.Single(withFile).Message, StringComparison.Ordinal);
        Assert.Empty(catalogOnly);
    }

    [Fact]
    public void A_typo_of_a_catalog_task_in_a_task_run_suggests_it()
    {
        var problems = Preflight.Check(TaskRunOf("versoin"), new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty)), new EngineOptions());

        var problem = Assert.Single(problems);
        Assert.Equal("tasks.tekton.dev \"versoin\" not found", problem.Message);
        Assert.StartsWith("did you mean \"version\"?", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typo_of_a_catalog_task_in_a_pipeline_suggests_it()
    {
        var run = new PipelineRun
        {
            Metadata = new ObjectMeta { Name = "build" },
            Spec = new PipelineRunSpec
            {
                PipelineSpec = new PipelineSpec { Tasks = [new PipelineTask { Name = "version", TaskRef = new TaskReference { Name = "verison" } }] },
            },
        };

        var problems = Preflight.Check(run, new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty)), new EngineOptions());

        var problem = Assert.Single(problems);
        Assert.Contains("tasks.tekton.dev \"verison\" not found", problem.Message, StringComparison.Ordinal);
        Assert.StartsWith("did you mean \"version\"?", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_close_to_nothing_gets_the_plain_fix()
    {
        var problems = Preflight.Check(TaskRunOf("deploy-to-production"), new CatalogResolver(new ResourceSetResolver(ResourceSet.Empty)), new EngineOptions());

        Assert.Equal("pass the file that defines this Task to sluice, or fix taskRef.name", Assert.Single(problems).Fix);
    }

    [Fact]
    public void Without_the_catalog_a_catalog_name_is_not_found_and_not_suggested()
    {
        var problems = Preflight.Check(TaskRunOf("versoin"), new ResourceSetResolver(ResourceSet.Empty), new EngineOptions());

        Assert.DoesNotContain("did you mean", Assert.Single(problems).Fix, StringComparison.Ordinal);
    }

    private static TaskRun TaskRunOf(string task) => new()
    {
        Metadata = new ObjectMeta { Name = "run" },
        Spec = new TaskRunSpec
        {
            TaskRef = new TaskReference { Name = task },
            Workspaces = [new WorkspaceBinding { Name = "source", EmptyDir = new EmptyDirVolumeSource() }],
        },
    };

    private static ResourceSet Load(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var set = ResourceSet.FromResources(ResourceReader.ReadText(yaml, "tasks.yaml", diagnostics), diagnostics);
        Assert.Empty(diagnostics.ToImmutable());
        return set;
    }
}
