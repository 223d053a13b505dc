using Sluice.Engine.Caching;
using Sluice.Oci.Layout;
using Sluice.Store.Caching;
using Sluice.Store.Trees;

namespace Sluice.Hosting.Caching;

/// <summary>The TaskRun cache of a session: entries in its run store, blobs in <c>$SLUICE_HOME/blobs</c>, workspaces as the local backends lay them out.</summary>
public static class TaskRunCaches
{
    /// <summary>Opens the cache, or returns null with a message naming the directory when its blob store is not usable.</summary>
    public static TaskRunCaching? Open(LocalSession session, out string? error)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (OciLayout.Open(session.Home.Blobs, out error) is not { } blobs)
        {
            return null;
        }

        var index = new CacheIndex(session.Store, blobs, new CacheLeases(session.Home.CacheLeases), TimeProvider.System) { VerifiedBlobs = session.Home.VerifiedBlobs };
        var digester = new TreeDigester(session.Home.StatCaches, TimeProvider.System);
        return new TaskRunCaching(index, new WorkspaceSnapshots(session.Home.Root, digester, blobs), digester);
    }
}
