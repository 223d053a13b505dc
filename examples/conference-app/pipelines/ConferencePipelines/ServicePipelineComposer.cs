using Sluice.Sdk;

namespace Sluice.Examples.ConferenceApp.Pipelines;

/// <summary>
/// Writes one variant of the service pipeline: the params, workspaces and tasks every variant shares, and
/// where the variants differ, one decision each, so that the three never drift apart.
/// </summary>
internal sealed partial class ServicePipelineComposer
{
    private readonly ServicePipelineOptions _options;
    private readonly PipelineBuilder _pipeline;
    private readonly ParamReference _repositoryUrl;
    private readonly ParamReference _revision;
    private readonly ParamReference _mainBranch;
    private readonly ParamReference _service;
    private readonly ParamReference _project;
    private readonly ParamReference _entrypoint;
    private readonly ParamReference _valuesKey;
    private readonly ParamReference _registry;
    private readonly ParamReference _baseImage;
    private readonly ParamReference _buildArgs;
    private readonly ParamReference _chart;
    private readonly ParamReference _coverageThreshold;
    private readonly ParamReference _advisories;
    private readonly ParamReference _subscribers;
    private readonly ParamReference _environmentRepository;
    private readonly ParamReference _environmentFile;
    private readonly PipelineWorkspace _source;
    private readonly PipelineWorkspace _nugetCache;
    private readonly PipelineWorkspace _gitCredentials;
    private readonly PipelineWorkspace _dockerConfig;
    private readonly PipelineWorkspace _advisoriesDirectory;

    public ServicePipelineComposer(ServicePipelineOptions options)
    {
        _options = options;
        _pipeline = new PipelineBuilder(options.Name).Description(Description);
        _repositoryUrl = _pipeline.Param("repository-url", description: "The application's Git repository.");
        _revision = options.Variant switch
        {
            ServicePipelineVariant.PullRequest => _pipeline.Param("revision", description: "The change's branch or ref, such as refs/pull/7/head."),
            ServicePipelineVariant.FeatureBranch => _pipeline.Param("revision", description: "The feature branch to build, such as feature/login; its name goes into the version."),
            _ => _pipeline.Param("revision", "main", "The branch, tag or commit to build."),
        };
        _mainBranch = Declare(IsFeatureBranch, "main-branch", "main", "The trunk the branch comes from: the version counts the branch's commits since it.");
        _service = IsPullRequest
            ? _pipeline.Param("service", description: "The service's directory in the repository.")
            : _pipeline.Param("service", description: "The service's directory in the repository, which is also its name.");
        _project = Declare(PublishesBinaries, "project", null, "The service's project file.");
        _entrypoint = Declare(PublishesBinaries, "entrypoint", null, "The service's program in the image (its apphost under /app).");
        _valuesKey = Declare(Publishes, "values-key", null, "The service's block in the chart's values.yaml.");
        _registry = Declare(
            Publishes,
            "registry",
            null,
            _options.RepositoryPath.Length == 0
                ? $"Where {Published} go, as REGISTRY/PATH."
                : $"Where {Published} go, as REGISTRY/PATH; this pipeline's go under REGISTRY/PATH/{_options.RepositoryPath}.");
        _baseImage = Declare(PublishesBinaries, "base-image", "mcr.microsoft.com/dotnet/runtime-deps:10.0", "The runtime image the binaries go onto, an index of both platforms in a registry.");
        _buildArgs = Publishes && BuildsDockerfile
            ? _pipeline.ArrayParam("build-args", [], "NAME=VALUE build args of the Dockerfile, such as its base images.")
            : new ParamReference("build-args");
        _chart = Declare(Publishes, "chart", "chart/conference-app", "The application's chart in the repository.");
        _coverageThreshold = _pipeline.Param("coverage-threshold", "0", "The least line coverage, in percent, the service's tests must reach.");
        _advisories = Declare(Publishes, "advisories", string.Empty, "An OSV advisory database (a zip or JSON URL); empty checks nothing.");
        _subscribers = Publishes
            ? _pipeline.ArrayParam("subscribers", [], "URLs that receive a CloudEvent for each release.")
            : new ParamReference("subscribers");
        _environmentRepository = Declare(Promotes, "environment-repository", string.Empty, "The environment repository the release is promoted to; empty promotes nothing.");
        _environmentFile = Declare(Promotes, "environment-file", "values/production.yaml", "The values file of the environment repository that names the service's image and chart.");

        _source = _pipeline.Workspace("source", Publishes ? "The clone, shared by every task." : "The clone.");
        _nugetCache = _pipeline.Workspace("nuget-cache", "NuGet's packages, kept between runs.", optional: true);
        _gitCredentials = _pipeline.Workspace(
            "git-credentials",
            IsMain ? "A Secret with .git-credentials for cloning, tagging and promoting." : "A Secret with .git-credentials for cloning.",
            optional: true);
        _dockerConfig = Publishes
            ? _pipeline.Workspace("dockerconfig", "A Docker configuration with the registry's credentials.", optional: true)
            : new PipelineWorkspace("dockerconfig");
        _advisoriesDirectory = Publishes
            ? _pipeline.Workspace("advisories", "An OSV advisory database as a directory, when not given by URL.", optional: true)
            : new PipelineWorkspace("advisories");
    }

    private bool IsMain => _options.Variant == ServicePipelineVariant.Main;

    private bool IsPullRequest => _options.Variant == ServicePipelineVariant.PullRequest;

    private bool IsFeatureBranch => _options.Variant == ServicePipelineVariant.FeatureBranch;

    private bool Publishes => !IsPullRequest;

    private bool BuildsDockerfile => _options.ImageSource == ServiceImageSource.Dockerfile;

    /// <summary>Only a daemonless image comes from binaries published first, which are released as an artifact too.</summary>
    private bool PublishesBinaries => Publishes && !BuildsDockerfile;

    private string Published => PublishesBinaries ? "images, binaries and charts" : "images and charts";

    /// <summary>Only main's releases reach an environment, get a Git tag and move <c>latest</c>.</summary>
    private bool Promotes => IsMain;

    private string Description => _options.Variant switch
    {
        ServicePipelineVariant.PullRequest => "Lint, build and test one service of a change under review; publishes nothing.",
        ServicePipelineVariant.FeatureBranch => $"""
            Pre-release artifacts of one .NET service of a monorepo from a feature branch: clone, version (a pre-release
            named after the branch), build and test, audit, publish, then image, binaries and chart under
            REGISTRY/PATH/{_options.RepositoryPath}, release (the version's tags only) and notify; no latest tag, Git tag or promotion.
            """,
        _ when BuildsDockerfile => """
            Source in, released artifacts out, for one service of a monorepo built from its Dockerfile: clone,
            version, build and test, audit, image, chart, then release, notify and promote.
            """,
        _ => """
            Source in, released artifacts out, for one .NET service of a monorepo: clone, version, build and test,
            audit, publish, image, binaries, chart, then release, notify and promote.
            """,
    };

    /// <summary>Where images, binaries and charts go: the registry param, and the options' path under it.</summary>
    private string Repository => _options.RepositoryPath.Length == 0 ? _registry : $"{_registry}/{_options.RepositoryPath}";

    public PipelineBuilder Compose()
    {
        var clone = Clone();
        if (IsPullRequest)
        {
            // Listed before build-test, as the YAML lists it, and run after it: both restore into the nuget-cache
            // workspace, and NuGet's locks live in each container's /tmp, so two restores at once can trip over
            // each other's half-extracted packages.
            var lint = _pipeline.Task("lint", CatalogTasks.Named("lint"), t => t
                .Param("project", _service)
                .Param("sources", _service)
                .Workspace("source", _source)
                .Workspace("nuget-cache", _nugetCache));
            lint.RunAfter(BuildTest(clone));
            return _pipeline;
        }

        var version = Version(clone);
        var buildTest = BuildTest(clone);
        Publish(clone, version, buildTest);
        return _pipeline;
    }

    private PipelineTaskBuilder Clone() => _pipeline.Task("clone", CatalogTasks.Named("git-clone"), t =>
    {
        t.Param("url", _repositoryUrl).Param("revision", _revision);
        if (Publishes)
        {
            // The whole history and every tag, which the version task counts from.
            t.Param("depth", "0");
        }

        if (IsFeatureBranch)
        {
            // The trunk too, so that the version counts the commits of the branch alone.
            t.Param("refspec", $"+refs/heads/{_mainBranch}:refs/remotes/origin/{_mainBranch}");
        }

        t.Workspace("output", _source).Workspace("basic-auth", _gitCredentials);
    });

    private PipelineTaskBuilder Version(PipelineTaskBuilder clone) => _pipeline.Task("version", CatalogTasks.Named("version"), t =>
    {
        t.RunAfter(clone).Param("tag-prefix", $"{_service}/v");
        if (IsFeatureBranch)
        {
            // Named, not read from the checkout: a pre-release carries the branch even if HEAD were detached.
            t.Param("branch", _revision).Param("main-branch", _mainBranch);
        }

        t.Workspace("source", _source);
    });

    private PipelineTaskBuilder BuildTest(PipelineTaskBuilder clone) => _pipeline.Task("build-test", CatalogTasks.Named("dotnet-build-test"), t => t
        .RunAfter(clone)
        .Param("project", _service)
        .Param("sources", _service)
        .Param("coverage-threshold", _coverageThreshold)
        .Workspace("source", _source)
        .Workspace("nuget-cache", _nugetCache));

    /// <summary>Declares a string param when <paramref name="declared"/>; the reference is only used when it is.</summary>
    private ParamReference Declare(bool declared, string name, string? defaultValue, string description) =>
        declared ? _pipeline.Param(name, defaultValue, description) : new ParamReference(name);
}
