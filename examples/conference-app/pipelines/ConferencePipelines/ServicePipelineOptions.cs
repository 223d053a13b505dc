namespace Sluice.Examples.ConferenceApp.Pipelines;

/// <summary>Which changes a service pipeline is for, and so what it does with them.</summary>
public enum ServicePipelineVariant
{
    /// <summary>Every change to main: a release version, the registry's <c>latest</c>, a Git tag, and promotion.</summary>
    Main,

    /// <summary>A change under review: clone, lint, build and test; nothing is versioned or published.</summary>
    PullRequest,

    /// <summary>
    /// A feature branch: a pre-release version named after the branch, artifacts under a repository path of
    /// their own, tagged with that version only; no <c>latest</c>, no Git tag, no promotion.
    /// </summary>
    FeatureBranch,
}

/// <summary>How a service pipeline makes the service's image.</summary>
public enum ServiceImageSource
{
    /// <summary>
    /// <c>dotnet publish</c> for each runtime, then the <c>ImageBuild</c> custom task layers the binaries onto a base
    /// image without a daemon; the binaries are also published as an artifact of their own.
    /// </summary>
    Daemonless,

    /// <summary>
    /// The <c>DockerfileBuild</c> custom task: <c>docker build --platform</c> of the service's directory per platform,
    /// assembled into one index; there are no separate binaries.
    /// </summary>
    Dockerfile,
}

/// <summary>
/// What distinguishes one service pipeline from another: its name, its <see cref="ServicePipelineVariant"/>
/// where under the registry its artifacts go, and how its image is made. <see cref="Main"/>,
/// <see cref="PullRequest"/>, <see cref="FeatureBranch"/> and <see cref="Dockerfile"/> are the conference application's.
/// </summary>
public sealed record ServicePipelineOptions
{
    /// <summary>The Pipeline's name, by which runs refer to it.</summary>
    public required string Name { get; init; }

    /// <summary>What the pipeline does with a change.</summary>
    public required ServicePipelineVariant Variant { get; init; }

    /// <summary>
    /// A path under the <c>registry</c> param that images, binaries and charts go to, such as <c>feature</c>
    /// for <c>REGISTRY/feature/SERVICE</c>; empty for <c>REGISTRY/SERVICE</c>. A pull request publishes nothing.
    /// </summary>
    public string RepositoryPath { get; init; } = string.Empty;

    /// <summary>How the image is made; a pull request makes none.</summary>
    public ServiceImageSource ImageSource { get; init; } = ServiceImageSource.Daemonless;

    /// <summary>The pipeline of every change to main, <c>service-pipeline</c>, as <c>.tekton/service-pipeline.yaml</c> has it.</summary>
    public static ServicePipelineOptions Main { get; } = new() { Name = "service-pipeline", Variant = ServicePipelineVariant.Main };

    /// <summary>The pipeline of a change under review, <c>pull-request-pipeline</c>, as <c>.tekton/pull-request-pipeline.yaml</c> has it.</summary>
    public static ServicePipelineOptions PullRequest { get; } = new() { Name = "pull-request-pipeline", Variant = ServicePipelineVariant.PullRequest };

    /// <summary>The pipeline of a feature branch, <c>feature-branch-pipeline</c>, whose artifacts go to <c>REGISTRY/feature</c>.</summary>
    public static ServicePipelineOptions FeatureBranch { get; } = new() { Name = "feature-branch-pipeline", Variant = ServicePipelineVariant.FeatureBranch, RepositoryPath = "feature" };

    /// <summary>
    /// The pipeline of every change to main for a service built from its Dockerfile, <c>dockerfile-service-pipeline</c>,
    /// as <c>.tekton/dockerfile-service-pipeline.yaml</c> has it.
    /// </summary>
    public static ServicePipelineOptions Dockerfile { get; } = new() { Name = "dockerfile-service-pipeline", Variant = ServicePipelineVariant.Main, ImageSource = ServiceImageSource.Dockerfile };
}
