using Sluice.Sdk.Containers;

namespace Sluice.Sdk.Tests.Containers;

public sealed class PlatformTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_platform_enters_every_identity_and_the_default_is_this_machines()
    {
        var engine = new RecordingEngine();
        await using var client = new SluiceClient(engine);
        Container Build(Container empty) => empty.From("busybox").WithExec(["make"]);

        var host = await Build(client.Container()).DigestAsync(Cancel);
        var amd64 = await Build(client.Container(Platforms.LinuxAmd64)).DigestAsync(Cancel);
        var arm64 = await Build(client.Container(Platforms.LinuxArm64)).DigestAsync(Cancel);

        Assert.NotEqual(amd64, arm64);
        Assert.Equal(Platforms.Host == Platforms.LinuxAmd64 ? amd64 : arm64, host);
        Assert.Equal(Platforms.LinuxArm64, Build(client.Container(Platforms.LinuxArm64)).WithEnvVariable("A", "1").Platform);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("Linux/AMD64")]
    [InlineData("linux//amd64")]
    [InlineData("linux/arm64/v8/extra")]
    public async Task A_platform_not_written_os_slash_architecture_is_refused_with_the_form_to_use(string platform)
    {
        await using var client = new SluiceClient(new RecordingEngine());

        var error = Assert.Throws<ArgumentException>(() => client.Container(platform));

        Assert.Contains("os/architecture[/variant]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_hands_every_platform_to_the_engine_in_one_call()
    {
        var engine = new RecordingEngine();
        await using var client = new SluiceClient(engine);
        var amd64 = client.Container(Platforms.LinuxAmd64).From("busybox").WithEntrypoint(["/app/hello"]);
        var arm64 = client.Container(Platforms.LinuxArm64).From("busybox").WithEntrypoint(["/app/hello"]);

        var published = await amd64.PublishAsync("registry.test/hello:1.0", [arm64], Cancel);

        Assert.Equal("registry.test/hello:1.0@sha256:published", published);
        var call = Assert.Single(engine.Calls);
        Assert.Equal($"publish registry.test/hello:1.0 {await amd64.DigestAsync(Cancel)} {await arm64.DigestAsync(Cancel)}", call);
    }

    [Fact]
    public async Task Two_containers_of_one_platform_cannot_be_published_together()
    {
        var engine = new RecordingEngine();
        await using var client = new SluiceClient(engine);
        var one = client.Container(Platforms.LinuxArm64).From("busybox");
        var other = client.Container(Platforms.LinuxArm64).From("alpine");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => one.PublishAsync("registry.test/hello:1.0", [other], Cancel));

        Assert.Contains("2 of the containers to publish are for linux/arm64", error.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Calls);
    }

    [Fact]
    public async Task Image_settings_are_ops_of_their_own_and_an_entrypoint_needs_a_program()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var image = client.Container().From("busybox");

        var configured = image.WithEntrypoint(["/app/hello"]).WithDefaultArgs(["--port", "8080"]).WithLabel("org.opencontainers.image.version", "1.2.3");

        Assert.Equal(["label", "default-args", "entrypoint", "from"], Chain(configured.Op).Take(4).Select(o => o.Name));
        Assert.NotEqual(await image.DigestAsync(Cancel), await image.WithEntrypoint(["/app/hello"]).DigestAsync(Cancel));
        Assert.Throws<ArgumentException>(() => image.WithEntrypoint([]));
        Assert.Equal(Platforms.Host, ((ScratchOp)Chain(configured.Op).Last()).Platform);
    }

    [Theory]
    [InlineData(Platforms.LinuxAmd64, "linux-x64")]
    [InlineData(Platforms.LinuxArm64, "linux-arm64")]
    public void A_platform_names_the_dotnet_runtime_identifier_that_targets_it(string platform, string runtime) =>
        Assert.Equal(runtime, Platforms.RuntimeIdentifier(platform));

    private static IEnumerable<Op> Chain(Op op)
    {
        while (true)
        {
            yield return op;
            if (op.Inputs.IsEmpty)
            {
                yield break;
            }

            op = op.Inputs[0];
        }
    }
}
