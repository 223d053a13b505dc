using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host.Tests;

public sealed class LocalVolumesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-volumes-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Volumes_are_laid_out_per_run_and_TaskRun_with_claims_where_they_outlive_it()
    {
        var volumes = new LocalVolumes(_root, "host-a/1234/5678");
        var spec = new SandboxSpec
        {
            RunUid = "run-1",
            TaskRunUid = "0123456789abcdef",
            TaskRunName = "build",
            Namespace = "team",
            Volumes =
            [
                new SandboxVolume("ws", new EmptyDirSource()),
                new SandboxVolume("scoped", new ClaimSource("cache", RunScoped: true)),
                new SandboxVolume("named", new ClaimSource("shared", RunScoped: false, ReadOnly: true)),
                new SandboxVolume("cfg", new FilesSource([new SandboxFile("dir/settings.json", "{}"u8.ToArray(), 0x180)])),
            ],
        };

        var directories = volumes.Create(spec);

        var run = Path.Combine(_root, "runs", "run-1");
        Assert.Equal(Path.Combine(run, "build-01234567"), directories.Root);
        Assert.Equal(Path.Combine(run, "build-01234567", "ws"), directories.Volumes["ws"]);
        Assert.Equal(Path.Combine(run, "claims", "cache"), directories.Volumes["scoped"]);
        Assert.Equal(Path.Combine(_root, "claims", "team", "shared"), directories.Volumes["named"]);
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(directories.Volumes["ws"]));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(directories.Volumes["cfg"], "dir", "settings.json")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(directories.Volumes["cfg"], "dir", "settings.json")));
        Assert.Equal(["cfg", "named"], directories.ReadOnlyVolumes.Order());
        Assert.Equal("host-a/1234/5678\n", File.ReadAllText(Path.Combine(run, LocalVolumes.OwnerFileName)));
        Assert.Equal([new OwnedRun("run-1", "host-a/1234/5678")], volumes.ListRuns());

        LocalVolumes.Delete(directories);
        Assert.False(Directory.Exists(directories.Root));
        Assert.True(Directory.Exists(Path.Combine(run, "claims", "cache")));
        Assert.Equal(1, volumes.Reap("run-1"));
        Assert.False(Directory.Exists(run));
        Assert.True(Directory.Exists(Path.Combine(_root, "claims", "team", "shared")));
        Assert.Empty(volumes.ListRuns());
    }

    [Fact]
    public void The_first_owner_of_a_run_stays_its_owner()
    {
        var spec = new SandboxSpec { RunUid = "run-2", TaskRunUid = "a", TaskRunName = "one" };
        new LocalVolumes(_root, "first").Create(spec);
        new LocalVolumes(_root, "second").Create(spec with { TaskRunUid = "b", TaskRunName = "two" });

        Assert.Equal([new OwnedRun("run-2", "first")], new LocalVolumes(_root, "second").ListRuns());
    }

    [Fact]
    public void A_run_directory_whose_owner_file_is_not_written_yet_is_not_taken_for_abandoned_until_it_is_old()
    {
        var young = Path.Combine(_root, "runs", "run-being-created");
        var old = Path.Combine(_root, "runs", "run-left-by-a-crash");
        Directory.CreateDirectory(young);
        Directory.CreateDirectory(old);
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow - LocalVolumes.OwnerlessGrace - TimeSpan.FromSeconds(5));

        Assert.Equal([new OwnedRun("run-left-by-a-crash", string.Empty)], new LocalVolumes(_root, "reaper").ListRuns());
    }

    [Fact]
    public void The_owner_file_appears_whole_and_leaves_nothing_beside_it()
    {
        var spec = new SandboxSpec { RunUid = "run-3", TaskRunUid = "a", TaskRunName = "one" };

        new LocalVolumes(_root, "host-a/1234/5678").Create(spec);

        var run = Path.Combine(_root, "runs", "run-3");
        Assert.Equal("host-a/1234/5678\n", File.ReadAllText(Path.Combine(run, LocalVolumes.OwnerFileName)));
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("./a")]
    public async Task Paths_with_dot_segments_are_refused(string path)
    {
        var directories = Create();

        Assert.Throws<ArgumentException>(() => directories.HostPath("ws", path));
        await Assert.ThrowsAsync<ArgumentException>(async () => await directories.WriteFileAsync("ws", path, "x"u8.ToArray(), 0x1A4, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(async () => await directories.ReadFileAsync("ws", path, 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reads_lists_and_writes_do_not_follow_symbolic_links_a_step_planted()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var directories = Create();
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret"), "do not read", cancellationToken);
        var ws = directories.Volumes["ws"];
        File.CreateSymbolicLink(Path.Combine(ws, "file-link"), Path.Combine(outside, "secret"));
        Directory.CreateSymbolicLink(Path.Combine(ws, "dir-link"), outside);

        Assert.Null(await directories.ReadFileAsync("ws", "file-link", 100, cancellationToken));
        Assert.Null(await directories.ReadFileAsync("ws", "dir-link/secret", 100, cancellationToken));
        Assert.Empty(directories.ListFiles("ws", "dir-link"));
        await Assert.ThrowsAsync<IOException>(async () => await directories.WriteFileAsync("ws", "file-link", "over"u8.ToArray(), 0x1A4, cancellationToken));
        await Assert.ThrowsAsync<IOException>(async () => await directories.WriteFileAsync("ws", "dir-link/new", "x"u8.ToArray(), 0x1A4, cancellationToken));
        await Assert.ThrowsAsync<IOException>(async () => await directories.CreateDirectoryAsync("ws", "dir-link/sub", 0x1FF));
        Assert.Equal("do not read", await File.ReadAllTextAsync(Path.Combine(outside, "secret"), cancellationToken));
        Assert.Equal(["secret"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Writing_a_file_again_leaves_only_the_new_content_whether_longer_or_shorter()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var directories = Create();
        var path = directories.HostPath("ws", "steps/exitCode");

        await directories.WriteFileAsync("ws", "steps/exitCode", "0"u8.ToArray(), 0x1A4, cancellationToken);
        await directories.WriteFileAsync("ws", "steps/exitCode", "137"u8.ToArray(), 0x1A4, cancellationToken);
        Assert.Equal("137", await File.ReadAllTextAsync(path, cancellationToken));

        await directories.WriteFileAsync("ws", "steps/exitCode", "1"u8.ToArray(), 0x1A4, cancellationToken);
        Assert.Equal("1", await File.ReadAllTextAsync(path, cancellationToken));

        await directories.WriteFileAsync("ws", "steps/exitCode", ReadOnlyMemory<byte>.Empty, 0x1A4, cancellationToken);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task The_file_API_writes_reads_lists_and_relinks()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var directories = Create();

        await directories.WriteFileAsync("ws", "a/b/c.txt", "hello"u8.ToArray(), 0x1ED, cancellationToken);
        await directories.CreateDirectoryAsync("ws", "steps/step-x", 0x1FF);
        await directories.CreateSymlinkAsync("ws", "steps/0", "gone");
        await directories.CreateSymlinkAsync("ws", "steps/0", "step-x");

        Assert.Equal("hel", Encoding.UTF8.GetString((await directories.ReadFileAsync("ws", "a/b/c.txt", 3, cancellationToken))!));
        Assert.Null(await directories.ReadFileAsync("ws", "a/b/missing", 3, cancellationToken));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(directories.HostPath("ws", "a/b/c.txt")));
        Assert.Equal(["c.txt"], directories.ListFiles("ws", "a/b"));
        Assert.Empty(directories.ListFiles("ws", "nope"));
        Assert.Equal("step-x", new FileInfo(directories.HostPath("ws", "steps/0")).LinkTarget);
        Assert.Throws<ArgumentException>(() => directories.HostPath("nope", "x"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private SandboxDirectories Create() =>
        new LocalVolumes(_root, "owner").Create(new SandboxSpec
        {
            RunUid = "run",
            TaskRunUid = "uid",
            TaskRunName = "task",
            Volumes = [new SandboxVolume("ws", new EmptyDirSource())],
        });
}
