using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Sdk.Programs;

namespace Sluice.Sdk.Tests.Programs;

public sealed class PipelineRunTests
{
    [Fact]
    public async Task A_program_from_a_built_pipeline_gives_a_pipeline_run_its_params()
    {
        var pipeline = ReleasePipeline.Create().Build();
        var program = PipelineProgram.FromPipeline(pipeline);
        PipelineRun? run = null;
        program.Command("run", "Runs the release.", _ =>
        {
            run = new PipelineRunBuilder("release-1").Pipeline(pipeline).Params(program.BoundParams).Build();
            return Task.CompletedTask;
        });

        var outcome = await program.CaptureAsync(["--url", "https://git.example/app.git", "-p", "registry=host:registry.example,repository:app"]);

        Assert.Equal((0, string.Empty), (outcome.ExitCode, outcome.Error));
        Assert.NotNull(run);
        Assert.Equal("release", run.Spec.PipelineRef!.Name);
        Assert.Equal(
            ["url=https://git.example/app.git", "publish=true", "registry={\"host\":\"registry.example\",\"repository\":\"app\"}"],
            run.Spec.Params.Select(p => $"{p.Name}={p.Value}"));
    }

    [Fact]
    public async Task A_program_from_a_pipeline_lists_its_params_in_help_and_requires_those_without_defaults()
    {
        var pipeline = ReleasePipeline.Create().Build();
        var program = PipelineProgram.FromPipeline(pipeline);
        program.Command("run", "Runs the release.", _ => Task.CompletedTask);

        var help = await program.CaptureAsync(["--help"]);
        var missing = await program.CaptureAsync([]);

        Assert.Contains("Builds and publishes a service.", help.Output, StringComparison.Ordinal);
        var lines = help.Output.ReplaceLineEndings("\n").Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("--url <VALUE> [required]", lines);
        Assert.Contains("--publish <VALUE> [default: true]", lines);
        Assert.Contains("--registry <key:value> [default: host:localhost:5000,repository:app]", lines);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("param \"url\" is required", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_from_yaml_binds_an_array_param_given_as_tkn_gives_it()
    {
        var pipeline = PipelineBuilder.FromYaml("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: images
            spec:
              params:
                - name: platforms
                  type: array
                  description: Target platforms.
              tasks:
                - name: build
                  params:
                    - name: platforms
                      value: ["$(params.platforms[*])"]
                  taskSpec:
                    params:
                      - name: platforms
                        type: array
                    steps:
                      - name: build
                        image: busybox
                        args: ["$(params.platforms[*])"]
            """).Build();
        var program = PipelineProgram.FromPipeline(pipeline);
        program.Command("run", "Runs.", _ => Task.CompletedTask);

        var outcome = await program.CaptureAsync(["run", "-p", "platforms=linux/amd64,linux/arm64"]);
        var run = new PipelineRunBuilder("images-1").Pipeline(pipeline).Params(program.BoundParams).Build();

        Assert.Equal(0, outcome.ExitCode);
        Assert.IsType<ArrayParam>(program.GetParam("platforms"));
        var param = Assert.Single(run.Spec.Params);
        Assert.Equal(("platforms", ParamType.Array), (param.Name, param.Value.Type));
        Assert.Equal(["linux/amd64", "linux/arm64"], param.Value.ArrayValue);
    }

    [Fact]
    public void A_programs_params_declare_the_same_params_in_a_pipeline()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();
        var pipeline = new PipelineBuilder("service-pipeline");
        foreach (var spec in program.Params)
        {
            pipeline.Param(spec);
        }

        var echo = new TaskBuilder("echo");
        var service = echo.Param("service");
        echo.Step("echo", "busybox", s => s.Args(service));
        pipeline.Task("echo", echo.BuildSpec(), t => t.Param("service", new ParamReference("service")));
        var built = pipeline.Build();

        Assert.Equal(
            ["service:string:src/hello:The service's directory.", "registry:string::Where images go.", "platforms:array:[\"linux/amd64\",\"linux/arm64\"]:Target platforms."],
            built.Spec.Params.Select(p => $"{p.Name}:{p.TypeName}:{p.Default}:{p.Description}"));
    }

    [Fact]
    public void Getting_an_undeclared_param_names_the_declared_ones()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var error = Assert.Throws<KeyNotFoundException>(() => program.GetParam("url"));

        Assert.Equal("program service-pipeline has no param \"url\"; its params are service, registry and platforms", error.Message);
    }
}
