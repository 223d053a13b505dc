using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Sluice.Engine.Caching;
using Sluice.Store.Trees;

namespace Sluice.Store.Tests.Trees;

/// <summary>Tree digests over real directories: what counts, what is left out, and what the stat cache saves.</summary>
public sealed class TreeDigesterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-trees-").FullName;

    // Far enough ahead that files written by the test are older than the racy window.
    private readonly FakeTimeProvider _later = new(DateTimeOffset.UtcNow.AddMinutes(5));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Tree => Path.Combine(_directory, "tree");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_same_files_at_two_places_digest_alike_and_any_change_of_content_name_or_mode_shows()
    {
        Write("a.txt", "alpha");
        Write("src/b.go", "package b");
        var copy = Path.Combine(_directory, "copy");
        Write(Path.Combine(copy, "src", "b.go"), "package b");
        Write(Path.Combine(copy, "a.txt"), "alpha");

        var original = await DigestAsync(Tree);
        Assert.Equal(original.Digest, (await DigestAsync(copy)).Digest);
        Assert.Equal(2, original.Files);

        Write("a.txt", "alphA");
        var edited = await DigestAsync(Tree);
        File.Move(Path.Combine(Tree, "a.txt"), Path.Combine(Tree, "c.txt"));
        var renamed = await DigestAsync(Tree);
        File.SetUnixFileMode(Path.Combine(Tree, "c.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var executable = await DigestAsync(Tree);
        File.CreateSymbolicLink(Path.Combine(Tree, "link"), "c.txt");
        var linked = await DigestAsync(Tree);

        var digests = new[] { original.Digest, edited.Digest, renamed.Digest, executable.Digest, linked.Digest };
        Assert.Equal(digests.Length, digests.Distinct().Count());
    }

    [Fact]
    public async Task Git_internals_and_empty_directories_do_not_count()
    {
        Write("main.go", "package main");
        var before = await DigestAsync(Tree);

        Write(".git/HEAD", "ref: refs/heads/main");
        Write(".git/objects/ab/cdef", "blob");
        Directory.CreateDirectory(Path.Combine(Tree, "empty"));
        Write("vendor/.git", "gitdir: ../.git/modules/vendor");

        Assert.Equal(before.Digest, (await DigestAsync(Tree)).Digest);
    }

    [Fact]
    public async Task Gitignore_files_leave_out_what_they_ignore_with_negation_anchoring_directories_and_nesting()
    {
        Write(".gitignore", "# build output\n*.log\n/bin/\nbuild/\n!keep.log\n");
        Write("src/.gitignore", "generated-*.go\n");
        Write("main.go", "package main");
        Write("keep.log", "kept");
        Write("src/a.go", "package src");
        var before = await DigestAsync(Tree);

        Write("debug.log", "noise");
        Write("src/deep/trace.log", "noise");
        Write("bin/app", "binary");
        Write("src/build/out.o", "object");
        Write("src/generated-api.go", "package src");
        var after = await DigestAsync(Tree);

        Assert.Equal(before.Digest, after.Digest);
        Assert.Equal(5, after.Files);

        Write("src/bin/tool.go", "package bin");
        Write("keep.log", "changed");
        Assert.Equal(6, (await DigestAsync(Tree)).Files);
    }

    [Fact]
    public async Task A_subdirectory_takes_the_gitignore_files_above_it_up_to_the_given_root_as_git_does()
    {
        Write(".gitignore", "bin/\n/services/agenda/local.txt\n/top.txt\n");
        Write("services/.gitignore", "*.tmp\n");
        Write("services/agenda/src/Program.cs", "class P {}");
        Write("services/agenda/local.txt", "kept out by the root's anchored pattern");
        var service = Path.Combine(Tree, "services", "agenda");
        var fromRoot = new TreeFilter { GitignoreFrom = Tree };
        var before = await DigestAsync(service, fromRoot);

        Write("services/agenda/src/bin/Release/app.dll", "build output");
        Write("services/agenda/scratch.tmp", "scratch");
        Write("services/agenda/top.txt", "not the root's /top.txt");

        var after = await DigestAsync(service, fromRoot);
        Assert.Equal(2, after.Files);
        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Equal(5, (await DigestAsync(service)).Files);
        File.Delete(Path.Combine(service, "top.txt"));
        Assert.Equal(before.Digest, (await DigestAsync(service, fromRoot)).Digest);
    }

    [Fact]
    public async Task Include_and_exclude_globs_choose_the_files_and_ignored_files_count_when_gitignore_is_off()
    {
        Write(".gitignore", "*.tmp\n");
        Write("go.mod", "module x");
        Write("cmd/app/main.go", "package main");
        Write("cmd/app/main_test.go", "package main");
        Write("docs/readme.md", "docs");
        Write("scratch.tmp", "temporary");

        var goOnly = new TreeFilter { Include = ["**/*.go", "go.mod"], Exclude = ["*_test.go"] };
        var chosen = await DigestAsync(Tree, goOnly);
        Write("docs/readme.md", "changed docs");
        Write("cmd/app/main_test.go", "package main // changed");

        Assert.Equal(2, chosen.Files);
        Assert.Equal(chosen.Digest, (await DigestAsync(Tree, goOnly)).Digest);
        Assert.Equal(6, (await DigestAsync(Tree, new TreeFilter { UseGitignore = false })).Files);
        Assert.Equal(0, (await DigestAsync(Tree, new TreeFilter { Exclude = ["cmd/", "docs", "*.mod", ".gitignore"] })).Files);
    }

    [Fact]
    public async Task An_unchanged_tree_is_digested_again_from_its_stat_alone()
    {
        for (var i = 0; i < 50; i++)
        {
            Write($"d{i % 5}/f{i}.txt", $"content {i}");
        }

        var cold = await DigestAsync(Tree);
        var warm = await DigestAsync(Tree);

        Assert.Equal((50, 50), (cold.Files, cold.FilesHashed));
        Assert.Equal((cold.Digest, 0, 0L), (warm.Digest, warm.FilesHashed, warm.BytesHashed));
    }

    [Fact]
    public async Task Two_asking_for_one_tree_at_once_share_one_walk_and_a_later_ask_walks_again()
    {
        for (var i = 0; i < 2_000; i++)
        {
            Write($"d{i % 20}/f{i}.txt", $"content {i}");
        }

        // Files this new are inside the racy window of a digester at the present time: every walk hashes them all.
        var digester = new TreeDigester(StateDirectory, TimeProvider.System);
        var (first, second) = (digester.DigestAsync(Tree, TreeFilter.Default, Cancel), digester.DigestAsync(Tree, TreeFilter.Default, Cancel));
        var together = await Task.WhenAll(first, second);
        var later = await digester.DigestAsync(Tree, TreeFilter.Default, Cancel);

        Assert.Same(together[0], together[1]);
        Assert.NotSame(together[0], later);
        Assert.Equal((together[0].Digest, 2_000), (later.Digest, later.FilesHashed));
    }

    [Fact]
    public async Task A_file_changed_since_is_hashed_again_even_with_its_size_and_time_put_back()
    {
        Write("a.txt", "one");
        Write("b.txt", "two");
        var first = await DigestAsync(Tree);
        var path = Path.Combine(Tree, "a.txt");
        var time = File.GetLastWriteTimeUtc(path);

        // Same size, same modification time: the new inode (and change time) give it away.
        File.Delete(path);
        Write("a.txt", "uno");
        File.SetLastWriteTimeUtc(path, time);
        var second = await DigestAsync(Tree);

        Assert.Equal(1, second.FilesHashed);
        Assert.NotEqual(first.Digest, second.Digest);
    }

    [Fact]
    public async Task Files_changed_within_the_racy_window_are_not_trusted_next_time()
    {
        Write("fresh.txt", "just written");
        var now = new FakeTimeProvider(DateTimeOffset.UtcNow);

        await DigestAsync(Tree, TreeFilter.Default, now);
        var again = await DigestAsync(Tree, TreeFilter.Default, now);

        Assert.Equal(1, again.FilesHashed);
    }

    [Fact]
    public async Task A_corrupt_stat_cache_costs_a_rehash_not_a_wrong_digest()
    {
        Write("a.txt", "one");
        var first = await DigestAsync(Tree);
        foreach (var file in Directory.GetFiles(StateDirectory))
        {
            File.WriteAllBytes(file, [0x13, 0x73, 0x6c, 0x75]);
        }

        var second = await DigestAsync(Tree);

        Assert.Equal((first.Digest, 1), (second.Digest, second.FilesHashed));
    }

    [Fact]
    public async Task Ten_thousand_unchanged_files_re_digest_without_reading_one()
    {
        for (var i = 0; i < 10_000; i++)
        {
            Write($"pkg{i % 100}/file{i}.txt", $"file {i}\n");
        }

        var clock = Stopwatch.StartNew();
        var cold = await DigestAsync(Tree);
        var coldTime = clock.Elapsed;
        clock.Restart();
        var warm = await DigestAsync(Tree);
        var warmTime = clock.Elapsed;

        Assert.Equal((10_000, 10_000), (cold.Files, cold.FilesHashed));
        Assert.Equal((cold.Digest, 10_000, 0), (warm.Digest, warm.Files, warm.FilesHashed));
        TestContext.Current.SendDiagnosticMessage($"10,000 files: cold {coldTime.TotalMilliseconds:F0} ms, warm {warmTime.TotalMilliseconds:F0} ms");
    }

    private string StateDirectory => Path.Combine(_directory, "stat");

    private Task<TreeDigest> DigestAsync(string root, TreeFilter? filter = null, TimeProvider? time = null) =>
        new TreeDigester(StateDirectory, time ?? _later).DigestAsync(root, filter ?? TreeFilter.Default, Cancel);

    private void Write(string path, string content)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(Tree, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
