using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sluice.Execution.Host.Tests;

/// <summary>Cleaning a sandbox tree for the next TaskRun: nothing of the last one may stay, and only what looks fresh is kept.</summary>
public sealed class SandboxTreeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-tree-tests", Guid.NewGuid().ToString("N"));

    public SandboxTreeTests() => Directory.CreateDirectory(_root);

    [Fact]
    public void Cleaning_empties_the_volumes_and_keeps_what_was_made_in_them_as_fresh_spares()
    {
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var workspace = tree.PlaceVolume("workspace");
        var home = tree.PlaceVolume("home");
        tree.RetireUnplacedVolumes();
        Directory.CreateDirectory(Path.Combine(workspace, "a", "b"));
        File.WriteAllText(Path.Combine(workspace, "a", "b", "file"), "content");
        File.WriteAllText(Path.Combine(workspace, ".hidden"), "content");
        File.CreateSymbolicLink(Path.Combine(workspace, "link"), "/etc");
        File.SetUnixFileMode(Path.Combine(workspace, "a"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("mkfifo", Path.Combine(home, "fifo"));

        Assert.True(tree.TryClean());

        Assert.Empty(Directory.EnumerateFileSystemEntries(workspace));
        Assert.Empty(Directory.EnumerateFileSystemEntries(home));
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(home));
        var spares = Directory.EnumerateFileSystemEntries(Path.Combine(tree.Root, SandboxTree.SpareDirectoryName)).ToList();
        Assert.Equal(5, spares.Count);
        Assert.All(spares.Where(s => Directory.Exists(s) && new DirectoryInfo(s).LinkTarget is null), s => Assert.Empty(Directory.EnumerateFileSystemEntries(s)));
        Assert.All(spares.Where(s => File.Exists(s) && new FileInfo(s).LinkTarget is null), s => Assert.Equal(0, new FileInfo(s).Length));
        Assert.Empty(File.ReadAllBytes(Path.Combine(tree.Root, ProcessRecords.FileName)));
    }

    [Fact]
    public async Task The_next_TaskRun_gets_the_kept_volumes_and_spares_with_exactly_the_modes_it_asks_for()
    {
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var workspace = tree.PlaceVolume("workspace");
        var scripts = Inode(tree.PlaceVolume("scripts"));
        Directory.CreateDirectory(Path.Combine(workspace, "made"));
        var made = Inode(Path.Combine(workspace, "made"));
        Assert.True(tree.TryClean());

        var again = tree.PlaceVolume("workspace");
        tree.RetireUnplacedVolumes();
        var directories = new SandboxDirectories(tree.Root, new Dictionary<string, string> { ["ws"] = again }.ToImmutableDictionary(), [], tree);
        await directories.CreateDirectoryAsync("ws", "x/y", 0x1C0);
        await directories.CreateDirectoryAsync("ws", "z", 0x1FF);

        Assert.Equal(workspace, again);
        Assert.False(Directory.Exists(Path.Combine(tree.Root, "scripts")));
        Assert.Equal((scripts, made), (Inode(Path.Combine(again, "x")), Inode(Path.Combine(again, "x", "y"))));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(Path.Combine(again, "x")));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(Path.Combine(again, "x", "y")));
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(Path.Combine(again, "z")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(tree.Root, SandboxTree.SpareDirectoryName)));
    }

    [Fact]
    public void A_kept_directory_asked_for_as_a_files_volume_stays_with_that_volume_s_mode()
    {
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var config = tree.PlaceVolume("config");
        Assert.True(tree.TryClean());

        tree.PlaceDirectory("config", 0x1ED);
        tree.RetireUnplacedVolumes();

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(config));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(tree.Root, SandboxTree.SpareDirectoryName)));
    }

    [Fact]
    public async Task A_link_to_the_same_target_and_an_emptied_file_are_reused_in_place_of_new_ones()
    {
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var steps = tree.PlaceVolume("steps");
        var directories = new SandboxDirectories(tree.Root, new Dictionary<string, string> { ["steps"] = steps }.ToImmutableDictionary(), [], tree);
        await directories.CreateSymlinkAsync("steps", "0", "step-a");
        await directories.WriteFileAsync("steps", "step-a/exitCode", "1"u8.ToArray(), 0x1A4, TestContext.Current.CancellationToken);
        var link = Inode(Path.Combine(steps, "0"));
        var file = Inode(Path.Combine(steps, "step-a", "exitCode"));
        Assert.True(tree.TryClean());

        tree.PlaceVolume("steps");
        await directories.CreateSymlinkAsync("steps", "0", "step-a");
        await directories.WriteFileAsync("steps", "step-a/exitCode", "0"u8.ToArray(), 0x180, TestContext.Current.CancellationToken);

        Assert.Equal(link, Inode(Path.Combine(steps, "0")));
        Assert.Equal(file, Inode(Path.Combine(steps, "step-a", "exitCode")));
        Assert.Equal("0", await File.ReadAllTextAsync(Path.Combine(steps, "step-a", "exitCode"), TestContext.Current.CancellationToken));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(steps, "step-a", "exitCode")));
    }

    [Fact]
    public void What_a_step_changed_beyond_its_content_is_deleted_rather_than_kept()
    {
        HostTestContext.RequireRoot();
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var workspace = tree.PlaceVolume("workspace");
        var chowned = tree.PlaceVolume("chowned");
        Run("chown", "65534:65534", chowned);
        foreach (var name in new[] { "owner", "attribute", "flag", "big", "clean" })
        {
            Directory.CreateDirectory(Path.Combine(workspace, name));
        }

        Run("chown", "65534", Path.Combine(workspace, "owner"));
        Assert.Equal(0, SetAttribute(Path.Combine(workspace, "attribute"), "user.left", "by a step"u8.ToArray(), 3, 0));
        Run("chattr", "+S", Path.Combine(workspace, "flag"));
        // ext4 never shrinks a directory: emptied, it still shows how much it held.
        for (var i = 0; i < 300; i++)
        {
            File.WriteAllText(Path.Combine(workspace, "big", $"a-rather-long-file-name-{i}"), string.Empty);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(workspace, "big")))
        {
            File.Delete(file);
        }

        var outside = Path.Combine(_root, "outside");
        File.WriteAllText(outside, "not the tree's");
        Run("ln", outside, Path.Combine(workspace, "hard-link"));

        Assert.True(tree.TryClean());

        Assert.Equal("not the tree's", File.ReadAllText(outside));
        Assert.False(Directory.Exists(chowned));
        Assert.True(Directory.Exists(workspace));
        var spares = Directory.EnumerateFileSystemEntries(Path.Combine(tree.Root, SandboxTree.SpareDirectoryName)).ToList();
        Assert.Single(spares);
        Assert.Equal(string.Empty, Output("lsattr", "-d", spares[0]).Split(' ')[0].Trim('-', 'e'));
    }

    [Fact]
    public void A_tree_with_something_that_cannot_be_removed_is_not_clean()
    {
        HostTestContext.RequireRoot();
        using var tree = SandboxTree.Create(Path.Combine(_root, "tree"));
        var stuck = Path.Combine(tree.PlaceVolume("workspace"), "stuck");
        File.WriteAllText(stuck, "immutable");
        Run("chattr", "+i", stuck);
        try
        {
            Assert.False(tree.TryClean());
        }
        finally
        {
            Run("chattr", "-i", stuck);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // What setfattr(1) does, which the test machines do not have; runtime marshalling keeps the tests free of unsafe code.
    [DllImport("libc", EntryPoint = "setxattr")]
    private static extern int SetAttribute([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    private static string Inode(string path) => Output("stat", "-c", "%i", path).Trim();

    private static void Run(string program, params string[] arguments) => Output(program, arguments);

    private static string Output(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error}");
        return output;
    }
}
