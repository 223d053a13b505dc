using System.Formats.Tar;
using System.IO.Compression;
using Sluice.Engine.Caching;
using Sluice.Engine.Execution;
using Sluice.Execution.Host;
using Sluice.Oci;
using Sluice.Oci.Layers;

namespace Sluice.Hosting.Caching;

/// <summary>
/// The workspace paths of cached TaskRuns on this machine. Claims are the directories both local
/// backends give them under <c>$SLUICE_HOME</c> (<see cref="LocalVolumes"/>: <c>runs/RUN/claims/CLAIM</c>
/// for a volumeClaimTemplate, <c>claims/NAMESPACE/CLAIM</c> for a named claim); inputs are digested by
/// a <see cref="ITreeDigester"/>; outputs are reproducible uncompressed layers (<see cref="LayerBuilder"/>) in the
/// blob store, whose entries are relative to the workspace, so a layer restores where it was taken.
/// </summary>
public sealed class WorkspaceSnapshots : IWorkspaceSnapshots
{
    private static readonly Digest EmptyTree = Digest.Sha256([]);

    private readonly string _stateRoot;
    private readonly ITreeDigester _digester;
    private readonly IBlobStore _blobs;

    /// <summary>Snapshots over the volumes under <paramref name="stateRoot"/> (<c>$SLUICE_HOME</c>), storing layers in <paramref name="blobs"/>.</summary>
    public WorkspaceSnapshots(string stateRoot, ITreeDigester digester, IBlobStore blobs)
    {
        _stateRoot = Path.GetFullPath(stateRoot);
        _digester = digester;
        _blobs = blobs;
    }

    /// <summary>The host directory of a location's workspace (its subPath included).</summary>
    /// <exception cref="IOException">The workspace is neither a claim nor a host path, or its subPath leaves it.</exception>
    public string WorkspaceDirectory(WorkspaceLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var root = location.Volume switch
        {
            ClaimSource { RunScoped: true } claim => Path.Combine(_stateRoot, "runs", LocalVolumes.SafeName(location.RunUid), "claims", LocalVolumes.SafeName(claim.ClaimName)),
            ClaimSource claim => Path.Combine(_stateRoot, "claims", LocalVolumes.SafeName(location.Namespace), LocalVolumes.SafeName(claim.ClaimName)),
            HostPathSource host => host.Path,
            var other => throw new IOException($"a {other.GetType().Name} workspace does not outlive its TaskRun, so it cannot hold cached paths"),
        };
        return string.IsNullOrEmpty(location.SubPath) ? root : Resolve(root, location.SubPath);
    }

    /// <inheritdoc />
    public async Task<Digest> DigestAsync(WorkspaceLocation location, CancellationToken cancellationToken)
    {
        var (root, target) = Locate(location);
        if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
        {
            return (await _digester.DigestAsync(target, TreeFilter.Default with { GitignoreFrom = root }, cancellationToken).ConfigureAwait(false)).Digest;
        }

        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            // One file: its directory's digest of it alone, so a file and a tree holding it digest alike.
            var name = Path.GetFileName(target);
            var filter = new TreeFilter { Include = ["/" + name], UseGitignore = false };
            return (await _digester.DigestAsync(Path.GetDirectoryName(target) ?? root, filter, cancellationToken).ConfigureAwait(false)).Digest;
        }

        return EmptyTree;
    }

    /// <inheritdoc />
    public async Task<Descriptor> SaveAsync(WorkspaceLocation location, CancellationToken cancellationToken)
    {
        var (_, target) = Locate(location);
        // Uncompressed: a hit restores by writing files, not by inflating them first, which for the
        // binaries of a self-contained service is most of the time a hit takes (as Docker's own layer
        // store keeps layers). Blobs stored compressed before restore all the same.
        var layer = new LayerBuilder(new LayerOptions { Compress = false });
        var inLayer = location.Path.Length == 0 ? "/" : location.Path;
        if (new FileInfo(target).LinkTarget is { } link)
        {
            layer.AddSymlink(inLayer, link);
        }
        else if (Directory.Exists(target))
        {
            layer.AddDirectory(target, inLayer);
        }
        else if (File.Exists(target))
        {
            layer.AddFile(target, inLayer);
        }

        // Layers can be large: they go through a file, never whole into memory.
        var temporary = Path.Combine(_stateRoot, "cache", "tmp");
        Directory.CreateDirectory(temporary);
        var file = Path.Combine(temporary, Path.GetRandomFileName());
        await using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var written = await layer.WriteAsync(stream, cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        await _blobs.PutAsync(written.Descriptor, stream, cancellationToken).ConfigureAwait(false);
        return written.Descriptor;
    }

    /// <inheritdoc />
    public async Task RestoreAsync(WorkspaceLocation location, Descriptor snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (root, target) = Locate(location);
        Directory.CreateDirectory(root);
        Remove(root, target);
        var blob = await _blobs.OpenReadAsync(snapshot, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"cache blob {snapshot.Digest} is missing from the blob store");
        await using (blob.ConfigureAwait(false))
        {
            var tar = snapshot.MediaType == MediaTypes.LayerGzip ? new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true) : blob;
            await using (tar.ConfigureAwait(false))
            {
                await TarFile.ExtractToDirectoryAsync(tar, root, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private (string Root, string Target) Locate(WorkspaceLocation location)
    {
        var root = WorkspaceDirectory(location);
        return (root, location.Path.Length == 0 ? root : Resolve(root, location.Path));
    }

    /// <summary>A path inside a workspace; refused when it would pass through a link a step left, which could lead outside.</summary>
    private static string Resolve(string root, string relative)
    {
        var target = LocalVolumes.Resolve(root, relative);
        if (LocalVolumes.PassesThroughLink(root, target))
        {
            throw new IOException($"{relative}: the path passes through a symbolic link in the workspace; cached paths must be real directories and files");
        }

        return target;
    }

    /// <summary>Empties the path before a restore, so that the restored content is exactly what was stored.</summary>
    private static void Remove(string root, string target)
    {
        if (target == root)
        {
            foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
            {
                Delete(entry);
            }

            return;
        }

        var info = new FileInfo(target);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
    }

    private static void Delete(FileSystemInfo entry)
    {
        if (entry is DirectoryInfo directory && entry.LinkTarget is null)
        {
            directory.Delete(recursive: true);
        }
        else
        {
            entry.Delete();
        }
    }
}
