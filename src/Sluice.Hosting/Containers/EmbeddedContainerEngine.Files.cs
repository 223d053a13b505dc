using System.Formats.Tar;
using Sluice.Sdk.Containers;
using Sluice.Store.Trees;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Trees in and out of snapshots as tar archives: a host directory's files as its filter keeps them,
/// a container's directory as the daemon archives it, an export written under a host directory.
/// </summary>
internal sealed partial class EmbeddedContainerEngine
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED;

    public async Task ExportAsync(DirectoryOp directory, string hostPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var target = Path.GetFullPath(hostPath);
        using var archive = await ArchiveAsync(directory, "/", cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(target);
        await using var reader = new TarReader(archive);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var relative = entry.Name.TrimEnd('/');
            if (relative.Length == 0)
            {
                continue;
            }

            var path = Below(target, relative, directory);

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.SymbolicLink:
                    File.Delete(path);
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    await entry.ExtractToFileAsync(path, overwrite: true, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.HardLink:
                    File.Copy(Below(target, entry.LinkName, directory), path, overwrite: true);
                    break;
            }
        }
    }

    public async Task<byte[]> ReadFileAsync(ContainerFileOp file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var container = await StateAsync(file.Container, cancellationToken).ConfigureAwait(false);
        using var archive = await _docker.ReadFromSnapshotAsync(RunUid, RootFilesystem(container, file.Container), file.Path, cancellationToken).ConfigureAwait(false);
        await using var reader = new TarReader(archive);
        if (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is not { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile, DataStream: var data })
        {
            throw new FileNotFoundException($"{file.Path} is not a regular file in the container", file.Path);
        }

        using var contents = new MemoryStream();
        if (data is not null)
        {
            await data.CopyToAsync(contents, cancellationToken).ConfigureAwait(false);
        }

        return contents.ToArray();
    }

    /// <summary>A tree as a tar archive whose entries are under <paramref name="destination"/> (relative to <c>/</c>), parents first.</summary>
    private async Task<MemoryStream> ArchiveAsync(DirectoryOp directory, string destination, CancellationToken cancellationToken)
    {
        var prefix = destination.Trim('/');
        var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            var parents = new HashSet<string>(StringComparer.Ordinal);
            var written = directory switch
            {
                HostDirectoryOp host => ArchiveHostAsync(writer, host, prefix, parents, cancellationToken),
                ContainerDirectoryOp inside => ArchiveContainerAsync(writer, inside, prefix, parents, cancellationToken),
                _ => throw new NotSupportedException($"the embedded engine cannot archive {directory.Name} ops"),
            };
            await written.ConfigureAwait(false);
        }

        archive.Position = 0;
        return archive;
    }

    private static async Task ArchiveHostAsync(TarWriter writer, HostDirectoryOp host, string prefix, HashSet<string> parents, CancellationToken cancellationToken)
    {
        foreach (var file in TreeWalk.Enumerate(host.Path, Filter(host), cancellationToken))
        {
            var name = Join(prefix, file.RelativePath);
            await WriteParentsAsync(writer, parents, name, cancellationToken).ConfigureAwait(false);
            await WriteHostFileAsync(writer, file, name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ArchiveContainerAsync(TarWriter writer, ContainerDirectoryOp inside, string prefix, HashSet<string> parents, CancellationToken cancellationToken)
    {
        var container = await StateAsync(inside.Container, cancellationToken).ConfigureAwait(false);
        using var source = await _docker.ReadFromSnapshotAsync(RunUid, RootFilesystem(container, inside.Container), inside.Path, cancellationToken).ConfigureAwait(false);
        await using var reader = new TarReader(source);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            // The daemon puts a directory's entries under its own name: the tree's root is that first component.
            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var below = slash < 0 ? string.Empty : entry.Name[(slash + 1)..].TrimEnd('/');
            if (below.Length == 0)
            {
                continue;
            }

            var name = Join(prefix, below);
            await WriteParentsAsync(writer, parents, name, cancellationToken).ConfigureAwait(false);
            var directory = entry.EntryType == TarEntryType.Directory;
            entry.Name = directory ? name + "/" : name;
            if (entry.EntryType == TarEntryType.HardLink)
            {
                var linkSlash = entry.LinkName.IndexOf('/', StringComparison.Ordinal);
                entry.LinkName = Join(prefix, linkSlash < 0 ? entry.LinkName : entry.LinkName[(linkSlash + 1)..]);
            }

            if (directory)
            {
                parents.Add(name);
            }

            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteHostFileAsync(TarWriter writer, TreeEntry file, string name, CancellationToken cancellationToken)
    {
        if (file.IsSymbolicLink)
        {
            var link = new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = new FileInfo(file.FullPath).LinkTarget ?? string.Empty };
            await writer.WriteEntryAsync(link, cancellationToken).ConfigureAwait(false);
            return;
        }

        var content = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (content.ConfigureAwait(false))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = file.Mode, DataStream = content };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Directory entries for the parents of <paramref name="name"/> not written yet, so the daemon need not imply them.</summary>
    private static async Task WriteParentsAsync(TarWriter writer, HashSet<string> written, string name, CancellationToken cancellationToken)
    {
        var slash = name.LastIndexOf('/');
        if (slash <= 0 || !written.Add(name[..slash]))
        {
            return;
        }

        await WriteParentsAsync(writer, written, name[..slash], cancellationToken).ConfigureAwait(false);
        var entry = new PaxTarEntry(TarEntryType.Directory, name[..slash] + "/") { Mode = DirectoryMode };
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An archive's path under the export directory; an archive may not reach outside it.</summary>
    private static string Below(string target, string relative, DirectoryOp directory)
    {
        var path = Path.GetFullPath(Path.Combine(target, relative));
        return path.StartsWith(target.TrimEnd('/') + "/", StringComparison.Ordinal)
            ? path
            : throw new IOException($"the archive of {Describe(directory)} names {relative}, which is outside the export directory");
    }

    private static string Join(string prefix, string relative) => prefix.Length == 0 ? relative : $"{prefix}/{relative}";

    private static string Describe(DirectoryOp directory) => directory switch
    {
        HostDirectoryOp host => host.Path,
        ContainerDirectoryOp inside => $"{inside.Path} of a container",
        _ => directory.Name,
    };
}
