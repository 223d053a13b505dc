using System.Diagnostics;
using Sluice.Engine.Caching;
using Sluice.Store.Trees;

namespace Sluice.Benchmarks;

/// <summary>
/// Digesting a 10,000-file tree for a cache key when nothing changed since the last digest (a warm stat
/// cache), against the raw work it cannot avoid: listing every directory and calling <c>stat</c> on every
/// file, measured in the same run over the same tree.
/// </summary>
internal static class TreeBenchmark
{
    private const int Files = 10_000;
    private const int Rounds = 9;

    public static async Task<Figure> RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sluice-bench-tree-").FullName;
        try
        {
            var tree = Path.Combine(directory, "tree");
            for (var i = 0; i < Files; i++)
            {
                var file = Path.Combine(tree, $"pkg{i % 100}", $"sub{i % 7}", $"file{i}.cs");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, $"namespace Pkg{i % 100};\n// file {i}\n").ConfigureAwait(false);
            }

            // Files written just now are inside the racy window and would be hashed again: digest as if later.
            var later = new LaterClock(TreeDigester.RacyWindow * 2);
            var digester = new TreeDigester(Path.Combine(directory, "stat"), later);
            var cold = Stopwatch.StartNew();
            var first = await digester.DigestAsync(tree, TreeFilter.Default, CancellationToken.None).ConfigureAwait(false);
            cold.Stop();

            var warm = new List<TimeSpan>();
            var raw = new List<TimeSpan>();
            for (var round = 0; round < Rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var again = await digester.DigestAsync(tree, TreeFilter.Default, CancellationToken.None).ConfigureAwait(false);
                warm.Add(clock.Elapsed);
                if (again.Digest != first.Digest || again.FilesHashed != 0)
                {
                    throw new InvalidOperationException($"the warm digest read {again.FilesHashed} files or changed");
                }

                clock.Restart();
                var stats = StatEveryFile(tree);
                raw.Add(clock.Elapsed);
                if (stats != Files)
                {
                    throw new InvalidOperationException($"the raw walk found {stats} files, not {Files}");
                }
            }

            var warmMedian = Raw.Median(warm);
            var rawMedian = Raw.Median(raw);
            return new Figure(
                $"tree digest: {Files:N0} unchanged files, warm stat cache",
                warmMedian.TotalMilliseconds,
                "ms",
                50,
                $"{warmMedian.TotalMilliseconds / rawMedian.TotalMilliseconds:0.00}x a bare walk with a stat of each file ({rawMedian.TotalMilliseconds:0.0} ms); cold {cold.Elapsed.TotalMilliseconds:0} ms hashing {first.FilesHashed:N0} files (medians of {Rounds})");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int StatEveryFile(string root)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            count += new FileInfo(file).Length >= 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>The system clock moved ahead, so that files written by the benchmark count as settled.</summary>
    private sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
