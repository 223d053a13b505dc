using Sluice.Hosting.Containers;

namespace Sluice.Hosting.Tests.Containers;

public sealed class PlatformMatchTests
{
    [Theory]
    [InlineData("sluice-standin/dotnet-runtime-deps:bookworm", "linux/arm64", "sluice-standin/dotnet-runtime-deps:bookworm-arm64")]
    [InlineData("localhost:5000/app", "linux/arm64", "localhost:5000/app:latest-arm64")]
    [InlineData("localhost:5000/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000", "linux/amd64", "localhost:5000/app:1.0-amd64")]
    public void An_image_of_another_platform_is_looked_for_under_its_tag_suffixed_with_the_architecture(string reference, string platform, string expected) =>
        Assert.Equal(expected, EmbeddedContainerEngine.PlatformTag(reference, platform));

    [Theory]
    [InlineData("linux/arm64", "linux/arm64", true)]
    [InlineData("linux/arm64/v8", "linux/arm64", true)]
    [InlineData("linux/arm/v6", "linux/arm/v7", false)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    [InlineData("windows/amd64", "linux/amd64", false)]
    public void Platforms_match_on_os_and_architecture_and_on_the_variant_when_both_name_one(string image, string container, bool same) =>
        Assert.Equal(same, EmbeddedContainerEngine.SamePlatform(image, container));
}
