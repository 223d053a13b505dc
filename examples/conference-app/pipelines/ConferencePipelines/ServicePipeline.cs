using Sluice.Sdk;

namespace Sluice.Examples.ConferenceApp.Pipelines;

/// <summary>
/// The service pipeline of the conference application, for one service of the monorepo, made of Sluice's
/// catalog: the same Pipelines as <c>.tekton/service-pipeline.yaml</c>, <c>pull-request-pipeline.yaml</c>,
/// <c>feature-branch-pipeline.yaml</c> and <c>dockerfile-service-pipeline.yaml</c>, all from one composition:
/// <code>
/// PipelineDefinition main = ServicePipeline.MainBranch().Build();
/// string yaml = ServicePipeline.FeatureBranch().ToYaml();
/// var staging = ServicePipeline.Create(ServicePipelineOptions.FeatureBranch with { Name = "staging-pipeline", RepositoryPath = "staging" });
/// </code>
/// </summary>
public static class ServicePipeline
{
    /// <summary>Every change to main: clone, version, build and test, audit, publish, image, binaries, chart, release, notify, promote.</summary>
    public static PipelineBuilder MainBranch() => Create(ServicePipelineOptions.Main);

    /// <summary>A change under review: clone, lint, build and test; publishes nothing.</summary>
    public static PipelineBuilder PullRequest() => Create(ServicePipelineOptions.PullRequest);

    /// <summary>
    /// A feature branch: the main pipeline with a pre-release version named after the branch, artifacts under
    /// <c>REGISTRY/feature</c> tagged with that version only, and no Git tag or promotion.
    /// </summary>
    public static PipelineBuilder FeatureBranch() => Create(ServicePipelineOptions.FeatureBranch);

    /// <summary>
    /// Every change to main of a service built from its Dockerfile: the main pipeline with the image from
    /// <c>docker build</c> of the service's directory, and no separate binaries.
    /// </summary>
    public static PipelineBuilder Dockerfile() => Create(ServicePipelineOptions.Dockerfile);

    /// <summary>The service pipeline that <paramref name="options"/> describe, to build, change or write as YAML.</summary>
    /// <param name="options">Its name, variant and repository path.</param>
    public static PipelineBuilder Create(ServicePipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServicePipelineComposer(options).Compose();
    }
}
