using Sluice.Engine.Execution;
using Sluice.Engine.Images;

namespace Sluice.Execution.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class ImageTests
{
    private readonly DockerFixture _fixture;

    public ImageTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_mirror_map_rewrites_the_reference_before_the_lookup()
    {
        const string Requested = "registry.example.com/tools/busybox:9.9";
        var mirrors = new ImageMirrorMap([new(Requested, DockerFixture.BusyboxImage)]);
        await using var run = new TestRun(_fixture, mirrors);

        var image = await run.Executor.ResolveImageAsync(Requested, ImagePullPolicy.Never, Cancel);

        Assert.Equal(Requested, image.Requested);
        Assert.Equal(DockerFixture.BusyboxImage, image.Reference);
        Assert.Equal(_fixture.BusyboxImageId, image.ImageId);
        Assert.Equal(["sh"], image.Cmd);
        Assert.Empty(image.Entrypoint);
        Assert.Equal("linux/amd64", image.Platform.Replace("arm64", "amd64", StringComparison.Ordinal));

        var again = await run.Executor.ResolveImageAsync(Requested, ImagePullPolicy.IfNotPresent, Cancel);
        Assert.Equal(image, again);
    }

    [Fact]
    public async Task Never_fails_for_a_missing_image_and_says_how_to_map_it()
    {
        var mirrors = new ImageMirrorMap([new("registry.example.com/app", "registry.example.com/missing-mirror/app")]);
        await using var run = new TestRun(_fixture, mirrors);

        var error = await Assert.ThrowsAsync<ImageUnavailableException>(async () =>
            await run.Executor.ResolveImageAsync("registry.example.com/app:2", ImagePullPolicy.Never, Cancel));

        Assert.Contains("\"registry.example.com/app:2\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("mapped to \"registry.example.com/missing-mirror/app:2\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("pull policy is Never", error.Message, StringComparison.Ordinal);
        Assert.Contains("imageMirrors", error.Message, StringComparison.Ordinal);
        Assert.Contains("--image-map registry.example.com/app:2=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_pull_names_the_image_and_the_daemon_s_reason()
    {
        await using var run = new TestRun(_fixture);

        // Port 1 on loopback refuses at once: the pull fails without leaving the machine.
        var error = await Assert.ThrowsAsync<ImageUnavailableException>(async () =>
            await run.Executor.ResolveImageAsync("localhost:1/nothing/here:1", ImagePullPolicy.IfNotPresent, Cancel));

        Assert.Contains("\"localhost:1/nothing/here:1\" (no mirror rule applies to it)", error.Message, StringComparison.Ordinal);
        Assert.Contains("pulling it failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("localhost:1", error.Message[(error.Message.IndexOf("failed", StringComparison.Ordinal) + 6)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pause_image_is_built_from_the_assembly_when_absent()
    {
        var repository = $"sluice-test/pause-{Guid.NewGuid():N}";
        await using var run = new TestRun(_fixture, pauseRepository: repository);
        try
        {
            Assert.Empty(await _fixture.Client.Images.ListImagesAsync(new() { All = true, Filters = Reference(repository) }, Cancel));

            var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(NetworkMode.None, steps: 2), Cancel);

            var images = await _fixture.Client.Images.ListImagesAsync(new() { Filters = Reference(repository) }, Cancel);
            var image = Assert.Single(images);
            var inspect = await _fixture.Client.Images.InspectImageAsync(image.ID, Cancel);
            Assert.Equal(["/pause"], inspect.Config.Entrypoint);
            Assert.True(inspect.Size < 4096, $"the holder image is {inspect.Size} bytes");

            var holder = Assert.Single(await run.ContainersAsync());
            Assert.Equal(Labels.HolderRole, holder.Labels[Labels.Role]);
            Assert.Equal(image.ID, holder.ImageID);
            Assert.Equal("running", holder.State);

            var result = await run.RunAsync(sandbox, run.Step("look", "cat", "/proc/net/dev"), Cancel);
            Assert.Contains("lo:", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("eth0", result.Stdout, StringComparison.Ordinal);
            await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
        }
        finally
        {
            foreach (var image in await _fixture.Client.Images.ListImagesAsync(new() { Filters = Reference(repository) }, CancellationToken.None))
            {
                await _fixture.Client.Images.DeleteImageAsync(image.ID, new() { Force = true }, CancellationToken.None);
            }
        }
    }

    private static Dictionary<string, IDictionary<string, bool>> Reference(string repository) =>
        new() { ["reference"] = new Dictionary<string, bool> { [repository] = true } };
}
