using System.Diagnostics;
using Sluice.Execution.Docker;
using Sluice.Hosting;
using Sluice.Hosting.Containers;
using Sluice.Model.Diagnostics;
using Sluice.Oci.Layout;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;

namespace Sluice.Benchmarks;

/// <summary>
/// SDK caching on Docker: a program of five execs and two copies over a host directory of 550 files,
/// run cold, run again unchanged, and run again after one file of one branch changed. Each run is a new
/// client on the same state directory, from connecting to disposing, as a new process would be.
/// </summary>
internal static class SdkCacheBenchmark
{
    private const string Image = "sluice-standin/busybox:bookworm";
    private const int Rounds = 5;

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var cold = new List<TimeSpan>();
        var affected = new List<TimeSpan>();
        var identical = new List<TimeSpan>();
        var changed = new List<TimeSpan>();
        var outside = new List<TimeSpan>();
        for (var round = 0; round < Rounds; round++)
        {
            var root = Directory.CreateTempSubdirectory("sluice-bench-sdk-").FullName;
            try
            {
                var source = Source(Path.Combine(root, "source"));
                var home = Path.Combine(root, "home");
                var (coldTotal, coldSource) = await RunAsync(home, source).ConfigureAwait(false);
                cold.Add(coldTotal);
                affected.Add(coldSource);
                identical.Add((await RunAsync(home, source).ConfigureAwait(false)).Total);
                await File.AppendAllTextAsync(Path.Combine(source, "src", "d3", "f7.txt"), "changed\n").ConfigureAwait(false);
                var (changedTotal, changedSource) = await RunAsync(home, source).ConfigureAwait(false);
                changed.Add(changedTotal);
                outside.Add(changedTotal - changedSource);
                await PruneAsync(home).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        var (coldMedian, affectedMedian) = (Raw.Median(cold), Raw.Median(affected));
        var (identicalMedian, changedMedian) = (Raw.Median(identical), Raw.Median(changed));
        return
        [
            new Figure("sdk cache: identical rerun in a new client (wall)", identicalMedian.TotalSeconds, "s", 1.0, $"cold run {coldMedian.TotalSeconds:0.00} s (median of {Rounds}; 5 execs, 2 copies, 550 files, {Image})"),
            new Figure("sdk cache: rerun after one src/ file changed, over its ops' cold time", (changedMedian - affectedMedian).TotalSeconds, "s", 0.5, $"{changedMedian.TotalSeconds:0.00} s vs {affectedMedian.TotalSeconds:0.00} s for the src/ copy and its 3 execs in the cold run; {Raw.Median(outside).TotalMilliseconds:0} ms of the rerun outside them (medians of {Rounds})"),
        ];
    }

    /// <summary>One run in a new client: its whole wall time, and the part the src/ branch took once the trunk was there.</summary>
    private static async Task<(TimeSpan Total, TimeSpan Source)> RunAsync(string home, string source)
    {
        var clock = Stopwatch.StartNew();
        var client = await SluiceClient.ConnectAsync(new SessionOptions { Home = home, Network = "none" }).ConfigureAwait(false);
        TimeSpan sourceBranch;
        await using (client.ConfigureAwait(false))
        {
            var trunk = client.Container().From(Image).WithEnvVariable("LANG", "C").WithExec(["sh", "-c", "mkdir -p /work && echo toolchain > /work/tool"]);
            await trunk.SyncAsync().ConfigureAwait(false);

            var build = trunk.WithDirectory("/work/src", client.Host.Directory(source, include: ["src/**"]))
                .WithWorkdir("/work")
                .WithExec(["sh", "-c", "find src -type f | sort | xargs cat | md5sum > build.out"])
                .WithExec(["sh", "-c", "test -s build.out && wc -c < build.out > test.out"])
                .WithExec(["cat", "build.out", "test.out"]);
            var docs = trunk.WithDirectory("/work/docs", client.Host.Directory(source, include: ["docs/**"]))
                .WithExec(["sh", "-c", "find /work/docs -type f | wc -l"]);
            var branch = Stopwatch.StartNew();
            await build.StdoutAsync().ConfigureAwait(false);
            sourceBranch = branch.Elapsed;
            await docs.StdoutAsync().ConfigureAwait(false);
        }

        return (clock.Elapsed, sourceBranch);
    }

    /// <summary>500 files under <c>src/</c> in 10 directories and 50 under <c>docs/</c>.</summary>
    private static string Source(string root)
    {
        for (var d = 0; d < 10; d++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(root, "src", $"d{d}")).FullName;
            for (var f = 0; f < 50; f++)
            {
                File.WriteAllText(Path.Combine(directory, $"f{f}.txt"), $"source {d}/{f}\n" + new string('x', 512));
            }
        }

        var docs = Directory.CreateDirectory(Path.Combine(root, "docs")).FullName;
        for (var f = 0; f < 50; f++)
        {
            File.WriteAllText(Path.Combine(docs, $"page{f}.md"), $"# page {f}\n");
        }

        return root;
    }

    /// <summary>Empties the cache as <c>sluice cache prune --max-size 0</c> would, so no image outlives the benchmark.</summary>
    private static async Task PruneAsync(string home)
    {
        var diagnostics = new DiagnosticBag();
        var session = await LocalSession.OpenAsync(new SessionOptions { Home = home }, diagnostics, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException(string.Join('\n', diagnostics.ToImmutable()));
        await using (session.ConfigureAwait(false))
        {
            var index = new CacheIndex(session.Store, OciLayout.Open(session.Home.Blobs), new CacheLeases(session.Home.CacheLeases), TimeProvider.System, (DockerExecutor)session.Executor);
            await index.PruneAsync(new CachePrunePolicy { MaxSize = 0 }, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
