using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Tests;

public sealed class PipelineBuilderTests
{
    [Fact]
    public void A_result_reference_renders_and_makes_the_dependency()
    {
        var pipeline = ReleasePipeline.Definition();

        var build = pipeline.Spec.Tasks.Single(t => t.Name == "build");
        Assert.Equal("$(tasks.clone.results.commit)", build.Params.Single(p => p.Name == "commit").Value.StringValue);
        Assert.Empty(build.RunAfter);
        Assert.Equal(["clone"], build.Dependencies());
        var (graph, error) = PipelineGraph.Build(pipeline.Spec.Tasks);
        Assert.Null(error);
        Assert.Equal(["clone", "build", "test", "publish"], graph!.Order);
        Assert.True(graph.DependsOn("publish", "clone"));
    }

    [Fact]
    public void Tasks_refer_to_named_tasks_or_embed_inline_specs()
    {
        var pipeline = ReleasePipeline.Definition();

        var clone = pipeline.Spec.Tasks[0];
        Assert.Equal("git-clone", clone.TaskRef!.Name);
        Assert.Null(clone.TaskSpec);
        Assert.Equal(2, clone.Retries);
        Assert.Equal(TimeSpan.FromMinutes(5), clone.Timeout!.Value.Value);
        Assert.Equal(("output", "source"), (clone.Workspaces[0].Name, clone.Workspaces[0].Workspace));
        var test = pipeline.Spec.Tasks[2];
        Assert.Null(test.TaskRef);
        Assert.Equal("test", Assert.Single(test.TaskSpec!.Task.Steps).Name);
        Assert.Equal(["build"], test.RunAfter);
    }

    [Fact]
    public void Params_of_every_shape_are_declared_and_bound()
    {
        var pipeline = ReleasePipeline.Definition();

        Assert.Equal(["url", "publish", "registry"], pipeline.Spec.Params.Select(p => p.Name));
        Assert.Equal(ParamType.Object, pipeline.Spec.Params[2].Type);
        Assert.Equal("$(params.url)", pipeline.Spec.Tasks[0].Params[0].Value.StringValue);
        var flags = pipeline.Spec.Tasks[1].Params.Single(p => p.Name == "flags").Value;
        Assert.Equal(["--nologo", "-c", "Release"], flags.ArrayValue);
        var image = pipeline.Spec.Tasks[3].Params.Single().Value.StringValue;
        Assert.Equal("$(params.registry.host)/$(params.registry.repository):$(tasks.clone.results.commit)", image);
    }

    [Fact]
    public void When_expressions_finally_and_pipeline_results_are_written()
    {
        var pipeline = ReleasePipeline.Definition();

        var when = Assert.Single(pipeline.Spec.Tasks[3].When);
        Assert.Equal(("$(params.publish)", "in", "true"), (when.Input, when.Operator, Assert.Single(when.Values)));
        var notify = Assert.Single(pipeline.Spec.Finally);
        Assert.Equal("$(tasks.build.status)", notify.Params[0].Value.StringValue);
        Assert.Equal(("$(tasks.build.status)", "notin"), (notify.When[0].Input, notify.When[0].Operator));
        Assert.Equal(["commit", "digest"], pipeline.Spec.Results.Select(r => r.Name));
        Assert.Equal("$(tasks.publish.results.digest)", pipeline.Spec.Results[1].Value.StringValue);
    }

    [Fact]
    public void Asking_for_a_result_the_task_does_not_declare_fails_at_once()
    {
        var pipeline = new PipelineBuilder("p");
        var clone = pipeline.Task("clone", ReleasePipeline.GitClone());

        var error = Assert.Throws<ArgumentException>(() => clone.Result("sha"));

        Assert.StartsWith("\"sha\" is not a named result returned by pipeline task \"clone\"; its Task declares commit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_written_by_hand_is_checked_at_build()
    {
        var pipeline = new PipelineBuilder("p");
        pipeline.Task("clone", ReleasePipeline.GitClone(), t => t.Param("url", "https://git.example/app.git"));
        pipeline.Task("build", ReleasePipeline.Build(), t => t.Param("commit", "$(tasks.clone.results.sha)"));
        pipeline.Result("sha", "$(tasks.clone.results.sha)");

        var error = Assert.Throws<ResourceValidationException>(() => pipeline.Build());

        Assert.Equal(
            [
                ("spec.tasks[1]", "invalid result reference in pipeline task \"build\": \"sha\" is not a named result returned by pipeline task \"clone\"; its Task declares commit"),
                ("spec.results[0].value", "invalid pipeline result \"sha\": \"sha\" is not a named result returned by pipeline task \"clone\"; its Task declares commit"),
            ],
            error.Diagnostics.Select(d => (d.FieldPath, d.Message)));
    }

    [Fact]
    public void Results_of_tasks_known_only_by_reference_are_not_checked()
    {
        var pipeline = new PipelineBuilder("p");
        var scan = pipeline.Task("scan", new TaskReference { Name = "trivy-scan" });
        pipeline.Task("report", new TaskReference { Name = "report" }, t => t.Param("findings", scan.Result("findings")));

        var built = pipeline.Build();

        Assert.Equal("$(tasks.scan.results.findings)", built.Spec.Tasks[1].Params[0].Value.StringValue);
    }

    [Fact]
    public void The_models_validation_reports_with_tektons_messages()
    {
        var pipeline = new PipelineBuilder("p");
        pipeline.Task("build", ReleasePipeline.Build(), t => t.Param("commit", "$(params.revision)"));

        var error = Assert.Throws<ResourceValidationException>(() => pipeline.Build());

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("Pipeline/p", diagnostic.Resource);
        Assert.Contains("non-existent variable `revision`", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_name_is_given_once_and_found_again_by_name()
    {
        var pipeline = new PipelineBuilder("p");
        var clone = pipeline.Task("clone", ReleasePipeline.GitClone());

        Assert.Throws<ArgumentException>(() => pipeline.Task("clone", new TaskReference { Name = "other" }));
        Assert.Same(clone, pipeline.GetTask("clone"));
        var missing = Assert.Throws<KeyNotFoundException>(() => pipeline.GetTask("build"));
        Assert.Contains("its tasks are clone", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_of_run_after_is_refused_by_the_graph_check()
    {
        var pipeline = new PipelineBuilder("p");
        var step = new TaskBuilder("t").Step("s", "alpine:3.20", s => s.Command("true")).BuildSpec();
        var a = pipeline.Task("a", step);
        var b = pipeline.Task("b", step, t => t.RunAfter(a));
        a.RunAfter(b);

        var error = Assert.Throws<ResourceValidationException>(() => pipeline.Build());

        Assert.Contains(error.Diagnostics, d => d.Message.Contains("cycle", StringComparison.Ordinal));
    }
}
