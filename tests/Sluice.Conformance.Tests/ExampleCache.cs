using Sluice.Engine.Caching;
using Sluice.Hosting;
using Sluice.Hosting.Caching;
using Sluice.Oci.Layout;
using Sluice.Store;
using Sluice.Store.Caching;
using Sluice.Store.Trees;

namespace Sluice.Conformance.Tests;

/// <summary>
/// A TaskRun cache of one example, as a fresh <c>$SLUICE_HOME</c> gives <c>sluice run --cache</c>: its
/// own run store, blob store, leases and stat caches, so what one example stores never serves another
/// and every rerun hits exactly what its first run stored. Workspaces are the executor's, under
/// <c>workspaceRoot</c>, as <see cref="TaskRunCaches.Open"/> lays them out for a session.
/// </summary>
public sealed class ExampleCache : IAsyncDisposable
{
    private readonly RunStore _store;

    private ExampleCache(RunStore store, TaskRunCaching caching)
    {
        _store = store;
        Caching = caching;
    }

    /// <summary>What the engine caches TaskRuns with.</summary>
    public TaskRunCaching Caching { get; }

    /// <summary>Opens (creating) the cache kept in <paramref name="directory"/>.</summary>
    public static async Task<ExampleCache> OpenAsync(string directory, string workspaceRoot, CancellationToken cancellationToken)
    {
        var home = new SluiceHome(directory);
        home.EnsureCreated();
        var store = await RunStore.OpenAsync(StoreLocation.Sqlite(home.Database), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        var blobs = OciLayout.Open(home.Blobs);
        var index = new CacheIndex(store, blobs, new CacheLeases(home.CacheLeases), TimeProvider.System);
        var digester = new TreeDigester(home.StatCaches, TimeProvider.System);
        return new ExampleCache(store, new TaskRunCaching(index, new WorkspaceSnapshots(workspaceRoot, digester, blobs)));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
