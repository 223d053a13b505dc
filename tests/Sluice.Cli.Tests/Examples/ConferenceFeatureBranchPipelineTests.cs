using Sluice.Examples.ConferenceApp.Pipelines;
using Sluice.Model.Pipelines;
using Sluice.Model.Writing;

namespace Sluice.Cli.Tests.Examples;

/// <summary>
/// What the conference app's feature-branch pipeline changes in the main one, and that nothing else differs: a
/// pre-release version named after the branch, artifacts under <c>REGISTRY/feature</c>, the version's tags only
/// (no <c>latest</c>, no Git tag) and no promotion.
/// </summary>
public sealed class ConferenceFeatureBranchPipelineTests
{
    private static readonly PipelineDefinition Main = ServicePipeline.MainBranch().Build();

    private static readonly PipelineDefinition Feature = ServicePipeline.FeatureBranch().Build();

    [Fact]
    public void The_version_is_a_pre_release_named_after_the_branch_counted_from_main()
    {
        Assert.Equal(
            ["tag-prefix=$(params.service)/v", "branch=$(params.revision)", "main-branch=$(params.main-branch)"],
            Params(Feature, "version"));
        Assert.Equal(["tag-prefix=$(params.service)/v"], Params(Main, "version"));
        Assert.Equal(
            ["url=$(params.repository-url)", "revision=$(params.revision)", "depth=0", "refspec=+refs/heads/$(params.main-branch):refs/remotes/origin/$(params.main-branch)"],
            Params(Feature, "clone"));
        Assert.Null(Param(Feature, "revision").Default);
        Assert.Equal("main", Param(Feature, "main-branch").Default?.ToString());
        Assert.Equal("main", Param(Main, "revision").Default?.ToString());
    }

    [Fact]
    public void Images_binaries_and_charts_go_under_the_feature_path_of_the_registry()
    {
        Assert.Equal(
            ["image=$(params.registry)/feature/$(params.service)", "repository=$(params.registry)/feature/$(params.service)-binaries", "registry=$(params.registry)/feature/charts/$(params.service)"],
            Repositories(Feature));
        Assert.Equal(
            ["image=$(params.registry)/$(params.service)", "repository=$(params.registry)/$(params.service)-binaries", "registry=$(params.registry)/charts/$(params.service)"],
            Repositories(Main));
    }

    [Fact]
    public void Another_repository_path_moves_every_artifact_there()
    {
        var staging = ServicePipeline.Create(ServicePipelineOptions.FeatureBranch with { Name = "staging-pipeline", RepositoryPath = "staging" }).Build();

        Assert.Equal("staging-pipeline", staging.Metadata.Name);
        Assert.Equal(
            ["image=$(params.registry)/staging/$(params.service)", "repository=$(params.registry)/staging/$(params.service)-binaries", "registry=$(params.registry)/staging/charts/$(params.service)"],
            Repositories(staging));
    }

    [Fact]
    public void The_release_tags_the_version_only_and_nothing_is_promoted()
    {
        Assert.Equal(
            ["version=$(tasks.version.results.version)", "images=[\"$(tasks.image.results.IMAGE_REF)\"]", "artifacts=[\"$(tasks.binaries.results.artifact-ref)\"]", "charts=[\"$(tasks.chart.results.chart-ref)\"]"],
            Params(Feature, "release"));
        Assert.Equal(["dockerconfig"], Task(Feature, "release").Workspaces.Select(w => w.Name));
        Assert.Contains("moving-tags=[\"latest\"]", Params(Main, "release"));
        Assert.Contains("git-tag=$(params.service)/v$(tasks.version.results.version)", Params(Main, "release"));

        Assert.DoesNotContain(Feature.Spec.Tasks, t => t.Name == "promote");
        Assert.DoesNotContain(Feature.Spec.Params, p => p.Name.StartsWith("environment-", StringComparison.Ordinal));
        Assert.Equal(["environment-repository", "environment-file"], Main.Spec.Params.Select(p => p.Name).Where(n => n.StartsWith("environment-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Everything_else_is_the_main_pipeline()
    {
        Assert.Equal(Main.Spec.Tasks.Select(t => t.Name).Where(n => n != "promote"), Feature.Spec.Tasks.Select(t => t.Name));
        foreach (var name in new[] { "build-test", "audit", "publish", "notify" })
        {
            Assert.Equal(Json(Task(Main, name)), Json(Task(Feature, name)));
        }

        foreach (var name in new[] { "image", "binaries", "chart" })
        {
            Assert.Equal(Json(Task(Main, name)), Json(Task(Feature, name)).Replace("$(params.registry)/feature/", "$(params.registry)/", StringComparison.Ordinal));
        }

        Assert.Equal(
            Main.Spec.Params.Where(p => !p.Name.StartsWith("environment-", StringComparison.Ordinal)).Select(p => $"{p.Name}:{p.TypeName}:{p.Default}").Where(p => !p.StartsWith("revision:", StringComparison.Ordinal)),
            Feature.Spec.Params.Where(p => p.Name != "main-branch").Select(p => $"{p.Name}:{p.TypeName}:{p.Default}").Where(p => !p.StartsWith("revision:", StringComparison.Ordinal)));
        Assert.Equal(Main.Spec.Workspaces.Select(w => (w.Name, w.Optional)), Feature.Spec.Workspaces.Select(w => (w.Name, w.Optional)));
    }

    private static PipelineTask Task(PipelineDefinition pipeline, string name) => Assert.Single(pipeline.Spec.Tasks, t => t.Name == name);

    private static ParamSpec Param(PipelineDefinition pipeline, string name) => Assert.Single(pipeline.Spec.Params, p => p.Name == name);

    private static IEnumerable<string> Params(PipelineDefinition pipeline, string task) => Task(pipeline, task).Params.Select(p => $"{p.Name}={p.Value}");

    /// <summary>Where the image, the binaries and the chart are pushed.</summary>
    private static IEnumerable<string> Repositories(PipelineDefinition pipeline) =>
        new[] { ("image", "image"), ("binaries", "repository"), ("chart", "registry") }
            .Select(r => Params(pipeline, r.Item1).Single(p => p.StartsWith(r.Item2 + "=", StringComparison.Ordinal)));

    private static string Json(PipelineTask task) => JsonText.Write(ResourceWriter.ToNode(task), indented: true);
}
