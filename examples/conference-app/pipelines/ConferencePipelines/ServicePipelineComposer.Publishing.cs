using Sluice.Sdk;

namespace Sluice.Examples.ConferenceApp.Pipelines;

/// <summary>The tasks after build-test: everything pushes by digest, and only release writes tags.</summary>
internal sealed partial class ServicePipelineComposer
{
    private const string Binaries = ".sluice/binaries";

    private void Publish(PipelineTaskBuilder clone, PipelineTaskBuilder version, PipelineTaskBuilder buildTest)
    {
        var versionNumber = version.Result("version");
        var commit = clone.Result("commit");
        var epoch = clone.Result("committer-date");
        var audit = _pipeline.Task("audit", CatalogTasks.Custom("DependencyAudit"), t => t
            .RunAfter(buildTest)
            // The restore's assets files as build-test keeps them, whether it ran or came from the cache.
            .Param("project", ".sluice/test-results/restore")
            .Param("name", _service)
            .Param("advisories", _advisories)
            .Param("sbom", $".sluice/{_service}.cdx.json")
            .Workspace("source", _source)
            .Workspace("advisories", _advisoriesDirectory));
        var (image, binaries) = BuildsDockerfile ? (DockerfileImage(buildTest, epoch), null) : DaemonlessImage(buildTest, versionNumber, commit, epoch);
        var chart = _pipeline.Task("chart", CatalogTasks.Custom("HelmChart"), t => t
            .Param("chart", _chart)
            .Param("registry", $"{Repository}/charts/{_service}")
            .Param("version", versionNumber)
            .Param("values", ImageValues(image, versionNumber))
            .Param("source-date-epoch", epoch)
            .Workspace("source", _source)
            .Workspace("dockerconfig", _dockerConfig));
        var release = Release(audit, versionNumber, commit, image, binaries, chart);
        _pipeline.Task("notify", CatalogTasks.Custom("Notify"), t => t
            // Once per release: a rerun of a released commit tells nobody again.
            .WhenIn(release.Result("outcome"), "released")
            .Param("subscribers", [_subscribers.All])
            .Param("subject", _service)
            .Param("data", [
                $"service={_service}",
                $"version={versionNumber}",
                $"commit={commit}",
                $"image={image.Result("IMAGE_REF")}",
                $"chart={chart.Result("chart-ref")}",
                $"release={release.Result("outcome")}",
            ]));
        if (Promotes)
        {
            _pipeline.Task("promote", CatalogTasks.Custom("Promote"), t => t
                // Only a release is promoted: nothing reaches an environment unless every tag is in place.
                .RunAfter(release)
                .WhenNotIn(_environmentRepository, string.Empty)
                .Param("repository", _environmentRepository)
                .Param("file", _environmentFile)
                .Param("service", _service)
                .Param("version", versionNumber)
                .Param("set", [.. ImageValues(image, versionNumber), $"charts.{_service}={chart.Result("chart-ref")}"])
                .Workspace("basic-auth", _gitCredentials));
        }
    }

    /// <summary>The binaries of each runtime, published first, then layered into the image and published on their own.</summary>
    private (PipelineTaskBuilder Image, PipelineTaskBuilder? Binaries) DaemonlessImage(PipelineTaskBuilder buildTest, string versionNumber, string commit, string epoch)
    {
        var publish = _pipeline.Task("publish", CatalogTasks.Named("dotnet-publish"), t => t
            .RunAfter(buildTest)
            .Param("project", _project)
            .Param("sources", _service)
            .Param("output", Binaries)
            .Param("version", versionNumber)
            .Param("source-date-epoch", epoch)
            .Workspace("source", _source)
            .Workspace("nuget-cache", _nugetCache));
        var image = _pipeline.Task("image", CatalogTasks.Custom("ImageBuild"), t => t
            .Param("image", $"{Repository}/{_service}")
            .Param("base", _baseImage)
            .Param("binaries", Binaries)
            .Param("entrypoint", [_entrypoint])
            .Param("labels", [
                $"org.opencontainers.image.version={versionNumber}",
                $"org.opencontainers.image.revision={commit}",
                $"org.opencontainers.image.title={_service}",
            ])
            .Param("source-date-epoch", epoch)
            .RunAfter(publish)
            .Workspace("source", _source)
            .Workspace("dockerconfig", _dockerConfig));
        var binaries = _pipeline.Task("binaries", CatalogTasks.Custom("PublishBinaries"), t => t
            .RunAfter(publish)
            .Param("repository", $"{Repository}/{_service}-binaries")
            .Param("name", _service)
            .Param("binaries", Binaries)
            .Param("source-date-epoch", epoch)
            .Workspace("source", _source)
            .Workspace("dockerconfig", _dockerConfig));
        return (image, binaries);
    }

    /// <summary>The image of <c>docker build</c> of the service's directory, once per platform.</summary>
    private PipelineTaskBuilder DockerfileImage(PipelineTaskBuilder buildTest, string epoch) =>
        _pipeline.Task("image", CatalogTasks.Custom("DockerfileBuild"), t => t
            .RunAfter(buildTest)
            .Param("image", $"{Repository}/{_service}")
            .Param("context", _service)
            .Param("build-args", [_buildArgs.All])
            .Param("source-date-epoch", epoch)
            .Workspace("source", _source)
            .Workspace("dockerconfig", _dockerConfig));

    /// <summary>
    /// Tags what was pushed by digest. Main's release also moves <c>latest</c> and tags the commit in Git; a
    /// feature branch's pre-release gets its version's tags only, so nothing that follows main moves to it and
    /// the repository's tags stay releases.
    /// </summary>
    private PipelineTaskBuilder Release(PipelineTaskBuilder audit, string version, string commit, PipelineTaskBuilder image, PipelineTaskBuilder? binaries, PipelineTaskBuilder chart) =>
        _pipeline.Task("release", CatalogTasks.Custom("Release"), t =>
        {
            t.RunAfter(audit)
                .Param("version", version)
                .Param("images", [image.Result("IMAGE_REF")]);
            if (binaries is not null)
            {
                t.Param("artifacts", [binaries.Result("artifact-ref")]);
            }

            t.Param("charts", [chart.Result("chart-ref")]);
            if (IsMain)
            {
                t.Param("moving-tags", ["latest"])
                    .Param("repository", _repositoryUrl)
                    .Param("commit", commit)
                    .Param("git-tag", $"{_service}/v{version}")
                    .Param("message", $"Release {_service} {version}")
                    .Workspace("source", _source)
                    .Workspace("basic-auth", _gitCredentials);
            }

            t.Workspace("dockerconfig", _dockerConfig);
        });

    /// <summary>The chart values that name the service's image: its repository, digest and tag.</summary>
    private string[] ImageValues(PipelineTaskBuilder image, string version) =>
    [
        $"{_valuesKey}.image.repository={image.Result("IMAGE_URL")}",
        $"{_valuesKey}.image.digest={image.Result("IMAGE_DIGEST")}",
        $"{_valuesKey}.image.tag={version}",
    ];
}
