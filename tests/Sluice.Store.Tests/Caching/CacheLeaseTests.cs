using System.Collections.Immutable;
using System.Diagnostics;
using Sluice.Engine.Caching;
using Sluice.Oci;
using Sluice.Oci.Layout;
using Sluice.Store.Caching;

namespace Sluice.Store.Tests.Caching;

/// <summary>
/// Leases on cache keys: work two claimants ask for at once is done once, and a holder that is killed
/// loses its lease. The killed holder is a real child process, util-linux's <c>flock</c>, holding the
/// same exclusive flock(2) lock on the key's lock file that <see cref="CacheLeases"/> takes.
/// </summary>
public sealed class CacheLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _scratch = Directory.CreateTempSubdirectory("sluice-leases-").FullName;
    private RunStore? _store;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Digest Key { get; } = Digest.Sha256("the key"u8);

    private CacheLeases Leases => new(Path.Combine(_scratch, "leases"));

    public async ValueTask InitializeAsync() =>
        _store = await RunStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_scratch, "sluice.db")), null, Cancel);

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task A_lease_is_exclusive_until_disposed()
    {
        var leases = Leases;
        var first = leases.TryAcquire(Key);

        Assert.NotNull(first);
        Assert.Null(leases.TryAcquire(Key));
        Assert.NotNull(leases.TryAcquire(Digest.Sha256("another key"u8)));
        await first.DisposeAsync();
        await using var second = leases.TryAcquire(Key);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task A_second_claimant_waits_for_the_first_and_gets_its_entry_instead_of_a_lease()
    {
        var first = Index();
        var second = Index();
        var claim = await first.ClaimAsync(Key, Cancel);
        Assert.Null(claim.Hit);
        Assert.NotNull(claim.Lease);

        var waiting = second.ClaimAsync(Key, Cancel);
        await Task.Delay(TimeSpan.FromMilliseconds(400), Cancel);
        Assert.False(waiting.IsCompleted);

        await first.PutAsync(Key, new CacheResult { Results = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("digest", "sha256:done")]) }, Cancel);
        await claim.Lease.DisposeAsync();
        var answer = await waiting.WaitAsync(Patience, Cancel);

        Assert.Null(answer.Lease);
        Assert.Equal("sha256:done", answer.Hit!.Result.Results["digest"]);
    }

    [Fact]
    public async Task A_holder_that_is_killed_loses_the_lease_and_the_waiter_gets_it()
    {
        var leases = Leases;
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", leases.PathFor(Key), "sleep", "300"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("flock (util-linux) did not start");
        try
        {
            await WaitUntilHeldAsync(leases);
            var waiting = Index().ClaimAsync(Key, Cancel);
            await Task.Delay(TimeSpan.FromMilliseconds(400), Cancel);
            Assert.False(waiting.IsCompleted);

            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync(Cancel);
            var answer = await waiting.WaitAsync(Patience, Cancel);

            Assert.Null(answer.Hit);
            Assert.NotNull(answer.Lease);
            Assert.Equal(Key, answer.Lease.Key);
            await answer.Lease.DisposeAsync();
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilHeldAsync(CacheLeases leases)
    {
        var deadline = Stopwatch.StartNew();
        while (leases.TryAcquire(Key) is { } early)
        {
            // The child has not locked yet: let go and look again.
            await early.DisposeAsync();
            Assert.True(deadline.Elapsed < Patience, "the flock child never took the lock");
            await Task.Delay(TimeSpan.FromMilliseconds(20), Cancel);
        }
    }

    private CacheIndex Index() =>
        new(_store!, OciLayout.Open(Path.Combine(_scratch, "blobs")), Leases, TimeProvider.System) { LeasePollInterval = TimeSpan.FromMilliseconds(25) };
}
