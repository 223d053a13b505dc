using Sluice.Catalog.Custom;

namespace Sluice.Catalog.Tests.Custom;

/// <summary>
/// The images a Dockerfile build reads, as <c>DockerfileBuild</c> names them in the digest of its inputs:
/// variables from build args over global <c>ARG</c> defaults, stages and <c>scratch</c> left out. No Docker.
/// </summary>
public sealed class DockerfileBaseImagesTests
{
    [Fact]
    public void Build_args_override_the_global_defaults_and_an_earlier_stage_is_not_an_image()
    {
        const string dockerfile = """
            # The SDK builds; runtime-deps runs.
            ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
            ARG RUNTIME_DEPS_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0

            FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS build
            ARG TARGETARCH
            RUN echo \
                FROM not-an-image
            FROM build AS test
            FROM ${RUNTIME_DEPS_IMAGE}
            COPY --from=build /app ./
            """;

        var images = DockerfileBuildTask.BaseImages(dockerfile, ["SDK_IMAGE=sluice-standin/dotnet-sdk:bookworm"]);

        Assert.Equal(["sluice-standin/dotnet-sdk:bookworm", "mcr.microsoft.com/dotnet/runtime-deps:10.0"], images);
    }

    [Fact]
    public void Scratch_is_not_an_image_and_a_bare_variable_is_expanded()
    {
        const string dockerfile = """
            ARG BASE=busybox:stable
            FROM $BASE AS build
            from scratch
            """;

        Assert.Equal(["busybox:stable"], DockerfileBuildTask.BaseImages(dockerfile, []));
    }

    [Fact]
    public void A_name_with_a_variable_nothing_sets_cannot_be_identified()
    {
        Assert.Null(DockerfileBuildTask.BaseImages("FROM ${UNSET}/app:1\n", []));
        Assert.Null(DockerfileBuildTask.BaseImages("FROM registry.example/${TEAM}/app:1\n", ["OTHER=x"]));
    }

    [Fact]
    public void An_ARG_after_the_first_FROM_does_not_name_a_later_stage_image()
    {
        const string dockerfile = """
            FROM busybox:stable AS build
            ARG LATER=alpine:3
            FROM ${LATER}
            """;

        Assert.Null(DockerfileBuildTask.BaseImages(dockerfile, []));
    }
}

/// <summary>A <c>.dockerignore</c> as the globs <c>DockerfileBuild</c>'s context digest leaves out. No Docker.</summary>
public sealed class DockerIgnoreExcludesTests
{
    [Fact]
    public void Patterns_are_anchored_at_the_context_and_comments_and_blank_lines_left_out()
    {
        var excludes = DockerfileBuildTask.DockerIgnoreExcludes("# build output\n**/bin/\n**/obj/\n\ntests/\n/README.md\r\n");

        Assert.Equal(["/**/bin", "/**/obj", "/tests", "/README.md"], excludes);
    }

    [Fact]
    public void A_file_with_an_exception_leaves_nothing_out()
    {
        Assert.Empty(DockerfileBuildTask.DockerIgnoreExcludes("**/*.md\n!README.md\n"));
    }
}
