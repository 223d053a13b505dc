namespace Sluice.Oci.Tests;

public sealed class ReferenceTests
{
    private const string Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "latest", null)]
    [InlineData("team/app:1.0", "docker.io", "team/app", "1.0", null)]
    [InlineData("index.docker.io/library/alpine:3", "docker.io", "library/alpine", "3", null)]
    [InlineData("localhost:5000/app", "localhost:5000", "app", "latest", null)]
    [InlineData("localhost/app:v1", "localhost", "app", "v1", null)]
    [InlineData("127.0.0.1:5000/team/app:1.0@sha256:" + Hex, "127.0.0.1:5000", "team/app", "1.0", "sha256:" + Hex)]
    [InlineData("ghcr.io/o/r@sha256:" + Hex, "ghcr.io", "o/r", null, "sha256:" + Hex)]
    [InlineData("[::1]:5000/a/b-c__d.e:tag_1.2-x", "[::1]:5000", "a/b-c__d.e", "tag_1.2-x", null)]
    public void A_reference_splits_into_registry_repository_tag_and_digest(string text, string registry, string name, string? tag, string? digest)
    {
        var reference = OciReference.Parse(text, out var error);

        Assert.Null(error);
        Assert.Equal((registry, name, tag, digest), (reference!.Registry, reference.Repository.Name, reference.Tag, reference.Digest?.ToString()));
        Assert.Equal(reference, OciReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("", "not an image reference")]
    [InlineData("Team/App", "repository 'Team/App' is not valid")]
    [InlineData("localhost:5000/app:-bad", "tag '-bad' is not valid")]
    [InlineData("app@sha256:abc", "64 lowercase hex digits")]
    [InlineData("a//b", "is not valid")]
    [InlineData("has space", "not an image reference")]
    public void An_invalid_reference_is_an_error_value_naming_the_part(string text, string expected)
    {
        Assert.Null(OciReference.Parse(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_by_digest_asks_for_the_digest_and_one_by_tag_for_the_tag()
    {
        var tagged = OciReference.Parse("localhost:5000/app:1.0");
        var pinned = tagged.WithDigest(Digest.Parse("sha256:" + Hex));

        Assert.Equal("1.0", tagged.Identifier);
        Assert.Equal("sha256:" + Hex, pinned.Identifier);
        Assert.Equal("localhost:5000/app:1.0@sha256:" + Hex, pinned.ToString());
        Assert.Equal("localhost:5000/app:2.0", pinned.WithTag("2.0").ToString());
    }

    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm/v7", "linux", "arm", "v7")]
    public void A_platform_reads_os_architecture_and_variant(string text, string os, string architecture, string? variant)
    {
        var platform = Platform.Parse(text, out _);

        Assert.Equal((os, architecture, variant), (platform!.Os, platform.Architecture, platform.Variant));
        Assert.Equal(text, platform.ToString());
        Assert.Null(Platform.Parse("amd64", out var error));
        Assert.Contains("os/architecture", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:5000/app", false)]
    [InlineData("localhost:5000/app:1.0", true)]
    [InlineData("registry.test/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("app:latest", true)]
    public void Whether_a_reference_names_its_tag_is_read_from_its_text(string text, bool namesTag) =>
        Assert.Equal(namesTag, OciReference.NamesTag(text));
}
