using Sluice.Model.Tasks;

namespace Sluice.Sdk.Tests;

public sealed class RunBuilderTests
{
    [Fact]
    public void A_task_run_refers_to_its_task_with_params_workspaces_and_timeout()
    {
        var run = new TaskRunBuilder("clone-run")
            .Task(ReleasePipeline.GitClone())
            .Param("url", "https://git.example/app.git")
            .EmptyDirWorkspace("output")
            .Timeout(TimeSpan.FromMinutes(10))
            .ServiceAccount("builder")
            .Build();

        Assert.Equal("git-clone", run.Spec.TaskRef!.Name);
        Assert.Equal("https://git.example/app.git", run.Spec.Params[0].Value.StringValue);
        Assert.NotNull(Assert.Single(run.Spec.Workspaces).EmptyDir);
        Assert.Equal("10m0s", run.Spec.Timeout.ToString());
        Assert.Equal("builder", run.Spec.ServiceAccountName);
    }

    [Fact]
    public void A_task_run_embeds_an_inline_task_and_it_is_validated()
    {
        var task = new TaskBuilder("inline");
        task.Step("run", "alpine:3.20", s => s.Script("echo $(params.missing)"));

        var error = Assert.Throws<ResourceValidationException>(() => new TaskRunBuilder("r").Task(task.BuildSpec()).Build());

        Assert.Equal("non-existent variable `missing` in \"echo $(params.missing)\"", Assert.Single(error.Diagnostics).Message);
    }

    [Fact]
    public void A_task_run_needs_a_task()
    {
        var error = Assert.Throws<ResourceValidationException>(() => new TaskRunBuilder("r").Build());

        Assert.Equal("expected exactly one, got neither", Assert.Single(error.Diagnostics).Message);
    }

    [Fact]
    public void A_pipeline_run_binds_workspaces_and_sets_timeouts()
    {
        var run = new PipelineRunBuilder("release-1")
            .Pipeline(ReleasePipeline.Definition())
            .Param("url", "https://git.example/app.git")
            .Param("registry", new Dictionary<string, string> { ["host"] = "registry.example", ["repository"] = "app" })
            .ClaimWorkspace("source", "app-source", subPath: "main")
            .SecretWorkspace("credentials", "regcred")
            .ConfigMapWorkspace("settings", "app-settings")
            .Workspace(new WorkspaceBinding { Name = "cache", EmptyDir = new() })
            .Timeouts(pipeline: TimeSpan.FromHours(1), tasks: TimeSpan.FromMinutes(50), @finally: TimeSpan.FromMinutes(10))
            .ServiceAccount("release")
            .Build();

        Assert.Equal("release", run.Spec.PipelineRef!.Name);
        Assert.Equal("registry.example", run.Spec.Params[1].Value.ObjectValue["host"]);
        Assert.Equal(["source", "credentials", "settings", "cache"], run.Spec.Workspaces.Select(w => w.Name));
        Assert.Equal(("app-source", "main"), (run.Spec.Workspaces[0].PersistentVolumeClaim!.ClaimName, run.Spec.Workspaces[0].SubPath));
        Assert.Equal("regcred", run.Spec.Workspaces[1].Secret!.SecretName);
        Assert.Equal("app-settings", run.Spec.Workspaces[2].ConfigMap!.Name);
        Assert.Equal(("1h0m0s", "50m0s", "10m0s"), (run.Spec.Timeouts!.Pipeline.ToString(), run.Spec.Timeouts.Tasks.ToString(), run.Spec.Timeouts.Finally.ToString()));
        Assert.Equal("release", run.Spec.TaskRunTemplate!.ServiceAccountName);
    }

    [Fact]
    public void Pipeline_run_timeouts_are_checked_by_the_model()
    {
        var run = new PipelineRunBuilder("slow")
            .Pipeline(new Model.Pipelines.PipelineReference { Name = "release" })
            .Timeouts(pipeline: TimeSpan.FromMinutes(10), tasks: TimeSpan.FromMinutes(20));

        var error = Assert.Throws<ResourceValidationException>(() => run.Build());

        Assert.Contains(error.Diagnostics, d => d.FieldPath.StartsWith("spec.timeouts", StringComparison.Ordinal));
    }
}
