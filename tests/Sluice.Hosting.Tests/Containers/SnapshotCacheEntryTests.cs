using System.Collections.Immutable;
using Sluice.Engine.Caching;
using Sluice.Hosting.Containers;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Tests.Containers;

public sealed class SnapshotCacheEntryTests
{
    private static readonly ExecOp Exec = new(ScratchOp.Instance, ["sh", "-c", "echo hi"]);
    private static readonly WithDirectoryOp Copy = new(ScratchOp.Instance, "/src", new HostDirectoryOp("/tmp/src", [], []));
    private static readonly CacheSnapshot Snapshot = new("sha256:" + new string('a', 64), 4096);

    [Fact]
    public void An_exec_entry_reads_back_as_it_was_stored_and_counts_its_image_in_its_size()
    {
        var output = new ExecOutput { Args = Exec.Args, ExitCode = 0, Stdout = "hi\n", Stderr = "warning\n" };
        var result = new SnapshotCacheEntry(Snapshot, output).ToResult("run-1", Exec);

        var read = SnapshotCacheEntry.FromResult(result, Exec);

        Assert.NotNull(read);
        Assert.Equal(Snapshot, read.Snapshot);
        Assert.Equal((output.Args, output.ExitCode, output.Stdout, output.Stderr), (read.Exec!.Args, read.Exec.ExitCode, read.Exec.Stdout, read.Exec.Stderr));
        Assert.Equal(("run-1", "sdk exec"), (result.SourceRun, result.SourceTaskRun));
        Assert.True(CacheEntry.SizeOf(result) > 4096);
    }

    [Fact]
    public void A_copy_entry_holds_its_snapshot_alone()
    {
        var result = new SnapshotCacheEntry(Snapshot, null).ToResult("run-1", Copy);

        Assert.Equal(new SnapshotCacheEntry(Snapshot, null), SnapshotCacheEntry.FromResult(result, Copy));
        Assert.Equal([CacheSnapshot.IdResult, CacheSnapshot.SizeResult], result.Results.Keys);
    }

    [Theory]
    [InlineData("sluice.dev/snapshot")]
    [InlineData("sluice.dev/snapshot-size")]
    [InlineData("sluice.dev/exit-code")]
    [InlineData("sluice.dev/stdout")]
    [InlineData("sluice.dev/stderr")]
    public void An_exec_entry_without_one_of_its_results_is_not_a_hit(string missing)
    {
        var output = new ExecOutput { Args = Exec.Args, ExitCode = 0, Stdout = "hi\n", Stderr = string.Empty };
        var result = new SnapshotCacheEntry(Snapshot, output).ToResult("run-1", Exec);

        Assert.Null(SnapshotCacheEntry.FromResult(result with { Results = result.Results.Remove(missing) }, Exec));
    }

    [Theory]
    [InlineData("sluice.dev/exit-code", "1")]
    [InlineData("sluice.dev/exit-code", "zero")]
    [InlineData("sluice.dev/snapshot-size", "-1")]
    [InlineData("sluice.dev/snapshot", "")]
    public void An_exec_entry_with_a_value_it_cannot_have_is_not_a_hit(string name, string value)
    {
        var output = new ExecOutput { Args = Exec.Args, ExitCode = 0, Stdout = "hi\n", Stderr = string.Empty };
        var result = new SnapshotCacheEntry(Snapshot, output).ToResult("run-1", Exec);

        Assert.Null(SnapshotCacheEntry.FromResult(result with { Results = result.Results.SetItem(name, value) }, Exec));
    }

    [Fact]
    public void An_entry_of_an_op_that_keeps_no_snapshot_is_not_a_hit()
    {
        var result = new CacheResult { Results = Snapshot.AddTo(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)) };

        Assert.Null(SnapshotCacheEntry.FromResult(result, new EnvOp(ScratchOp.Instance, "A", "1")));
    }
}
