using Sluice.Examples.ConferenceApp.Pipelines;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;
using Sluice.Sdk;

namespace Sluice.Cli.Tests.Examples;

/// <summary>
/// The conference app's service pipelines in C# (examples/conference-app/pipelines) against their Tekton YAML in
/// <c>.tekton/</c>: the same model as the files (main, pull request, feature branch and Dockerfile), and valid for
/// <c>sluice validate</c> against the catalog's Tasks and custom tasks, with a run of agenda-service.
/// </summary>
public sealed class ConferencePipelineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-conference-pipelines-").FullName;

    public static TheoryData<string> Variants => ["main", "pull-request", "feature-branch", "dockerfile"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_main_pipeline_in_csharp_is_the_model_of_service_pipeline_yaml()
    {
        var expected = ConferencePipelineFiles.Read("service-pipeline.yaml");

        var built = ServicePipeline.MainBranch().Build();

        Assert.Equal(ConferencePipelineFiles.Canonical(expected), ConferencePipelineFiles.Canonical(built));
    }

    [Fact]
    public void The_pull_request_pipeline_in_csharp_is_the_model_of_pull_request_pipeline_yaml()
    {
        var expected = ConferencePipelineFiles.Read("pull-request-pipeline.yaml");

        var built = ServicePipeline.PullRequest().Build();

        Assert.Equal(ConferencePipelineFiles.Canonical(expected), ConferencePipelineFiles.Canonical(built));
        Assert.Equal(["clone", "lint", "build-test"], built.Spec.Tasks.Select(t => t.Name));
    }

    [Fact]
    public void The_feature_branch_pipeline_in_csharp_is_the_model_of_feature_branch_pipeline_yaml()
    {
        var expected = ConferencePipelineFiles.Read("feature-branch-pipeline.yaml");

        var built = ServicePipeline.FeatureBranch().Build();

        Assert.Equal(ConferencePipelineFiles.Canonical(expected), ConferencePipelineFiles.Canonical(built));
    }

    [Fact]
    public void The_dockerfile_pipeline_in_csharp_is_the_model_of_dockerfile_service_pipeline_yaml()
    {
        var expected = ConferencePipelineFiles.Read("dockerfile-service-pipeline.yaml");

        var built = ServicePipeline.Dockerfile().Build();

        Assert.Equal(ConferencePipelineFiles.Canonical(expected), ConferencePipelineFiles.Canonical(built));
        Assert.Equal(["clone", "version", "build-test", "audit", "image", "chart", "release", "notify", "promote"], built.Spec.Tasks.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_variant_written_as_yaml_reads_back_as_the_same_model(string variant)
    {
        var builder = Builder(variant);

        var read = ConferencePipelineFiles.ReadText(builder.ToYaml(), $"{variant}.yaml");

        Assert.Equal(ConferencePipelineFiles.Canonical(builder.Build()), ConferencePipelineFiles.Canonical(read));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Sluice_validate_accepts_each_variant_and_a_run_of_it_against_the_catalog(string variant)
    {
        var builder = Builder(variant);
        Write("pipeline.yaml", builder.ToYaml());
        Write("run.yaml", Run(builder.Build(), variant).ToYaml());

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", _directory);

        Assert.True(outcome.ExitCode == ExitCodes.Success, $"sluice validate refused the {variant} pipeline (exit {outcome.ExitCode}):\n{outcome.Stderr}");
        Assert.Equal("2 resources in 1 path: valid", outcome.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Sluice_validate_refuses_a_variant_whose_custom_task_gets_a_param_of_the_wrong_type()
    {
        // ImageBuild declares entrypoint as an array; the catalog's declaration is what finds the mistake.
        var builder = ServicePipeline.FeatureBranch();
        builder.GetTask("image").Param("entrypoint", "/app/AgendaService");
        Write("pipeline.yaml", builder.ToYaml());
        Write("run.yaml", Run(builder.Build(), "feature-branch").ToYaml());

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", _directory);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("invalid input params for task ImageBuild: param types don't match the user-specified type: [entrypoint]", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sluice_validate_refuses_a_run_of_the_feature_branch_pipeline_without_its_branch()
    {
        var builder = ServicePipeline.FeatureBranch();
        Write("pipeline.yaml", builder.ToYaml());
        Write("run.yaml", Run(builder.Build(), "main").ToYaml());

        var outcome = await SluiceCommandLine.InvokeAsync("validate", "--no-color", _directory);

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("missing parameters: [revision]", outcome.Stderr, StringComparison.Ordinal);
    }

    private static PipelineBuilder Builder(string variant) => variant switch
    {
        "main" => ServicePipeline.MainBranch(),
        "pull-request" => ServicePipeline.PullRequest(),
        "feature-branch" => ServicePipeline.FeatureBranch(),
        "dockerfile" => ServicePipeline.Dockerfile(),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "no such variant"),
    };

    /// <summary>A run of agenda-service with what its variant requires, its workspaces bound as the README binds them.</summary>
    private static PipelineRunBuilder Run(PipelineDefinition pipeline, string variant)
    {
        var run = new PipelineRunBuilder("agenda-service")
            .Pipeline(pipeline)
            .Param("repository-url", "https://git.example/conference-app.git")
            .Param("service", "agenda-service")
            .Workspace(new WorkspaceBinding { Name = "source", VolumeClaimTemplate = new PersistentVolumeClaim() })
            .ClaimWorkspace("nuget-cache", "nuget");
        if (variant is "main" or "feature-branch")
        {
            run.Param("project", "agenda-service/src/AgendaService.csproj")
                .Param("entrypoint", "/app/AgendaService");
        }

        if (variant != "pull-request")
        {
            run.Param("values-key", "agendaService")
                .Param("registry", "registry.example/conference-app");
        }

        return variant switch
        {
            "pull-request" => run.Param("revision", "refs/pull/7/head"),
            "feature-branch" => run.Param("revision", "feature/login"),
            _ => run,
        };
    }

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_directory, file), text);
}
