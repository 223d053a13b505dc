using System.Security.Cryptography;
using System.Text;
using Sluice.Sdk.Containers;

namespace Sluice.Sdk.Tests.Containers;

public sealed class ContainerValueTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Building_values_runs_nothing_until_an_awaited_call_needs_it()
    {
        var engine = new RecordingEngine();
        engine.HostDigests["/src/app"] = "sha256:" + new string('0', 64);
        await using var client = new SluiceClient(engine);
        var source = client.Host.Directory("/src/app", include: ["**/*.cs"], exclude: ["bin/"]);

        var built = client.Container().From("busybox")
            .WithEnvVariable("A", "1")
            .WithWorkdir("/src")
            .WithDirectory("/src", source)
            .WithMountedCache("/root/.nuget", client.CacheVolume("nuget"))
            .WithExec(["sh", "-c", "echo hi"]);
        var output = built.Directory("/out");
        var file = built.File("/out/x");

        Assert.Empty(engine.Calls);

        Assert.Equal("sh -c echo hi", await built.StdoutAsync(Cancel));
        Assert.Equal("contents", await file.ContentsAsync(Cancel));
        await output.ExportAsync("/tmp/out", Cancel);
        Assert.Equal(["evaluate exec", "digest /src/app", "read /out/x", "export directory to /tmp/out"], engine.Calls);
    }

    [Fact]
    public async Task With_calls_return_new_values_and_leave_the_receiver_as_it_was()
    {
        var engine = new RecordingEngine();
        await using var client = new SluiceClient(engine);
        var parent = client.Container().From("busybox").WithEnvVariable("A", "1");
        var before = await parent.DigestAsync(Cancel);

        var left = parent.WithExec(["touch", "/left"]);
        var right = parent.WithEnvVariable("A", "2").WithExec(["touch", "/right"]);

        var env = Assert.IsType<EnvOp>(parent.Op);
        Assert.Equal(("A", "1"), (env.Variable, env.Value));
        Assert.Same(parent.Op, Assert.IsType<ExecOp>(left.Op).Parent);
        Assert.Same(parent.Op, Assert.IsType<EnvOp>(Assert.IsType<ExecOp>(right.Op).Parent).Parent);
        Assert.Equal(before, await parent.DigestAsync(Cancel));
        Assert.NotEqual(await left.DigestAsync(Cancel), await right.DigestAsync(Cancel));
    }

    [Fact]
    public async Task Equal_recipes_built_apart_have_one_identity_and_every_argument_changes_it()
    {
        await using var one = new SluiceClient(new RecordingEngine());
        await using var two = new SluiceClient(new RecordingEngine());
        Container Recipe(SluiceClient client, string image = "busybox", string env = "1", string workdir = "/src", string cache = "nuget", params string[] args) =>
            client.Container().From(image).WithEnvVariable("A", env).WithWorkdir(workdir)
                .WithMountedCache("/cache", client.CacheVolume(cache)).WithExec(args.Length == 0 ? ["make", "all"] : args);

        var digest = await Recipe(one).DigestAsync(Cancel);
        Assert.Equal(digest, await Recipe(two).DigestAsync(Cancel));
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);

        string[] variants =
        [
            await Recipe(two, image: "alpine").DigestAsync(Cancel),
            await Recipe(two, env: "2").DigestAsync(Cancel),
            await Recipe(two, workdir: "/work").DigestAsync(Cancel),
            await Recipe(two, cache: "npm").DigestAsync(Cancel),
            await Recipe(two, args: ["all", "make"]).DigestAsync(Cancel),
            await Recipe(two, args: ["make all"]).DigestAsync(Cancel),
            await Recipe(two).WithExec(["true"]).DigestAsync(Cancel),
        ];
        Assert.DoesNotContain(digest, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public async Task A_host_directory_enters_the_identity_by_its_content_digest_not_its_path()
    {
        var engine = new RecordingEngine();
        engine.HostDigests["/checkout/a"] = "sha256:" + new string('a', 64);
        engine.HostDigests["/checkout/b"] = "sha256:" + new string('a', 64);
        engine.HostDigests["/checkout/c"] = "sha256:" + new string('c', 64);
        await using var client = new SluiceClient(engine);
        var build = client.Container().From("busybox");
        Task<string> With(string path) => build.WithDirectory("/src", client.Host.Directory(path)).WithExec(["make"]).DigestAsync(Cancel);

        var a = await With("/checkout/a");
        Assert.Equal(a, await With("/checkout/b"));
        Assert.NotEqual(a, await With("/checkout/c"));
        Assert.All(engine.Calls, c => Assert.StartsWith("digest /checkout/", c, StringComparison.Ordinal));
    }

    [Fact]
    public void The_key_is_the_SHA256_of_the_sorted_compact_description_of_op_inputs_and_arguments()
    {
        var exec = new ExecOp(ScratchOp.Instance, ["sh", "-c", "echo \"é\" > /x"]);

        var description = OpKeys.Describe(exec, ["sha256:parent"], null);
        var canonical = Encoding.UTF8.GetString(OpKeys.CanonicalForm(description));

        Assert.Equal("""{"args":{"args":["sh","-c","echo \"é\" > /x"]},"inputs":["sha256:parent"],"op":"exec"}""", canonical);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), OpKeys.Digest(description));
        Assert.Throws<ArgumentException>(() => OpKeys.Describe(exec, [], null));
    }

    [Fact]
    public async Task A_container_without_an_exec_has_no_output_and_bad_arguments_are_refused_when_building()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var image = client.Container().From("busybox");

        await Assert.ThrowsAsync<InvalidOperationException>(() => image.StdoutAsync(Cancel));
        Assert.Throws<ArgumentException>(() => image.WithWorkdir("src"));
        Assert.Throws<ArgumentException>(() => image.WithExec([]));
        Assert.Throws<ArgumentException>(() => image.Directory("out"));
    }
}
