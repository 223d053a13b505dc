namespace Sluice.Hosting.Tests.Containers;

[Collection(ContainerCollection.Name)]
public sealed class HostDirectoryTests : IDisposable
{
    private readonly ContainerFixture _fixture;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-host-directory-tests", Guid.NewGuid().ToString("N"));

    public HostDirectoryTests(ContainerFixture fixture)
    {
        _fixture = fixture;
        Write("src/a.txt", "alpha\n");
        Write("src/b.log", "log\n");
        Write("src/sub/c.txt", "gamma\n");
        Write("src/d.tmp", "temporary\n");
        Write("src/ignored/x.txt", "ignored\n");
        Write("src/.gitignore", "ignored/\n*.tmp\n");
        Write("src/.git/config", "[core]\n");
        File.SetUnixFileMode(Path.Combine(_root, "src/sub/c.txt"), (UnixFileMode)0x1ED);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_copied_host_directory_leaves_out_git_what_gitignore_ignores_and_the_excludes_and_exports_back()
    {
        await using var test = await _fixture.ConnectAsync();
        var source = test.Client.Host.Directory(Path.Combine(_root, "src"), exclude: ["*.log"]);
        var built = test.Client.Container().From("busybox")
            .WithWorkdir("/src")
            .WithDirectory("/src", source)
            .WithExec(["sh", "-c", "mkdir -p /out && find . -type f | sort > /out/list && stat -c %a sub/c.txt > /out/mode && cp -r /src /out/copy"]);

        Assert.Equal("./.gitignore\n./a.txt\n./sub/c.txt\n", await built.File("/out/list").ContentsAsync(Cancel));
        Assert.Equal("755\n", await built.File("/out/mode").ContentsAsync(Cancel));

        var export = Path.Combine(_root, "export");
        await built.Directory("/out").ExportAsync(export, Cancel);
        Assert.Equal(
            ["copy/.gitignore", "copy/a.txt", "copy/sub/c.txt", "list", "mode"],
            Directory.EnumerateFiles(export, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(export, f)).Order(StringComparer.Ordinal));
        Assert.Equal("gamma\n", await File.ReadAllTextAsync(Path.Combine(export, "copy/sub/c.txt"), Cancel));
    }

    [Fact]
    public async Task Include_globs_pick_files_and_a_directory_of_one_container_copies_into_another()
    {
        await using var test = await _fixture.ConnectAsync();
        var texts = test.Client.Host.Directory(Path.Combine(_root, "src"), include: ["*.txt"]);
        var first = test.Client.Container().From("busybox").WithDirectory("/in", texts);
        var second = test.Client.Container().From("busybox")
            .WithDirectory("/deep/copy", first.Directory("/in"))
            .WithExec(["sh", "-c", "cd /deep/copy && find . -type f | sort && cat sub/c.txt"]);

        Assert.Equal("./a.txt\n./sub/c.txt\ngamma\n", await second.StdoutAsync(Cancel));
    }

    [Fact]
    public async Task A_host_directory_is_identified_by_its_content()
    {
        await using var test = await _fixture.ConnectAsync();
        var build = test.Client.Container().From("busybox");
        Task<string> DigestAsync() => build.WithDirectory("/src", test.Client.Host.Directory(Path.Combine(_root, "src"))).DigestAsync(Cancel);

        var before = await DigestAsync();
        Assert.Equal(before, await DigestAsync());
        Write("src/d.tmp", "ignored, so no change\n");
        Assert.Equal(before, await DigestAsync());
        Write("src/a.txt", "changed\n");
        Assert.NotEqual(before, await DigestAsync());
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
