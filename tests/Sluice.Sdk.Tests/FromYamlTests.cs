using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Tests;

public sealed class FromYamlTests
{
    private const string Pipeline = """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: version
        spec:
          params:
            - name: base
          results:
            - name: semver
          steps:
            - name: compute
              image: alpine:3.20
              script: printf "$(params.base).1" > $(results.semver.path)
        ---
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata:
          name: ship
        spec:
          params:
            - name: base
              default: "1.0"
          tasks:
            - name: version
              taskRef:
                name: version
              params:
                - name: base
                  value: $(params.base)
        """;

    [Fact]
    public void A_pipeline_read_from_yaml_is_extended_in_code()
    {
        var pipeline = PipelineBuilder.FromYaml(Pipeline, "ship.yaml");
        pipeline.Param("base", "2.0");
        var version = pipeline.GetTask("version");
        var tag = new TaskBuilder("tag");
        var semver = tag.Param("semver");
        tag.Step("tag", "alpine/git:2.45.2", s => s.Script($"git tag v{semver}"));
        pipeline.Task("tag", tag.BuildSpec(), t => t.Param("semver", version.Result("semver")));

        var built = pipeline.Build();

        Assert.Equal("ship", built.Metadata.Name);
        Assert.Equal("2.0", Assert.Single(built.Spec.Params).Default!.StringValue);
        Assert.Equal(["version", "tag"], built.Spec.Tasks.Select(t => t.Name));
        Assert.Equal(["version"], built.Spec.Tasks[1].Dependencies());
        Assert.Contains("value: $(tasks.version.results.semver)", pipeline.ToYaml(), StringComparison.Ordinal);
    }

    [Fact]
    public void Results_of_tasks_defined_beside_the_pipeline_are_checked()
    {
        var pipeline = PipelineBuilder.FromYaml(Pipeline, "ship.yaml");

        var error = Assert.Throws<ArgumentException>(() => pipeline.GetTask("version").Result("version"));

        Assert.Contains("its Task declares semver", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exported_pipeline_with_its_tasks_loads_back_into_a_builder()
    {
        var pipeline = PipelineBuilder.FromYaml(ReleasePipeline.YamlWithTasks());

        Assert.Equal(ReleasePipeline.Create().ToYaml(), pipeline.ToYaml());
        Assert.Throws<ArgumentException>(() => pipeline.GetTask("clone").Result("sha"));
    }

    [Fact]
    public void Invalid_yaml_is_reported_with_its_line_and_column()
    {
        var yaml = Pipeline.Replace("value: $(params.base)", "value: $(params.bse)", StringComparison.Ordinal);

        var error = Assert.Throws<ResourceValidationException>(() => PipelineBuilder.FromYaml(yaml, "ship.yaml"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("ship.yaml", diagnostic.Location.File);
        Assert.True(diagnostic.Location.Line > 20);
        Assert.Contains("non-existent variable `bse`", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_without_a_single_pipeline_is_refused()
    {
        var onlyTask = Pipeline[..Pipeline.IndexOf("---", StringComparison.Ordinal)];

        var error = Assert.Throws<ResourceValidationException>(() => PipelineBuilder.FromYaml(onlyTask, "task.yaml"));

        Assert.Equal("task.yaml: expected exactly one Pipeline, found 0", error.Message);
    }

    [Fact]
    public void A_task_read_from_yaml_gains_a_step()
    {
        var task = TaskBuilder.FromYaml(Pipeline[..Pipeline.IndexOf("---", StringComparison.Ordinal)]);
        task.Step("show", "alpine:3.20", s => s.Script("cat $(results.semver.path)"));

        var built = task.Build();

        Assert.Equal(["compute", "show"], built.Spec.Steps.Select(s => s.Name));
        Assert.Equal(ParamType.String, built.Spec.Params[0].Type);
    }
}
