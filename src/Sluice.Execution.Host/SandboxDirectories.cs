using System.Collections.Immutable;

namespace Sluice.Execution.Host;

/// <summary>
/// The host directories of one sandbox's volumes, and the file API over them. Paths are walked from
/// the volume's root without following links (<see cref="VolumePaths"/>) and files are opened with
/// <c>O_NOFOLLOW</c>: what a step left in a volume cannot lead the engine outside it.
/// </summary>
public sealed class SandboxDirectories
{
    private const int WorldWritable = 0x1FF;
    // No O_TRUNC: ext4 flushes a file truncated to nothing when it is closed (its guard for rewrites
    // without fsync), which made every exit code the engine wrote start a disk write. What is longer than
    // the new content is cut after it instead.
    private const int OpenToWrite = Posix.OWrOnly | Posix.OCreat | Posix.ONoFollow | Posix.ONonBlock | Posix.OCloexec;
    private const int OpenToRead = Posix.ORdOnly | Posix.ONoFollow | Posix.ONonBlock | Posix.OCloexec;

    internal SandboxDirectories(string root, ImmutableDictionary<string, string> volumes, ImmutableHashSet<string> readOnlyVolumes, SandboxTree? tree = null)
    {
        Root = root;
        Volumes = volumes;
        ReadOnlyVolumes = readOnlyVolumes;
        Tree = tree;
    }

    /// <summary>The sandbox's own directory.</summary>
    public string Root { get; }

    /// <summary>Host directory of each volume.</summary>
    public ImmutableDictionary<string, string> Volumes { get; }

    /// <summary>Volumes that are read-only whatever the mount says (files, read-only claims).</summary>
    public ImmutableHashSet<string> ReadOnlyVolumes { get; }

    /// <summary>The recyclable tree the directories are in, on the host backend.</summary>
    internal SandboxTree? Tree { get; }

    /// <summary>The host path of a path in a volume.</summary>
    public string HostPath(string volume, string path) =>
        Volumes.TryGetValue(volume, out var root)
            ? LocalVolumes.Resolve(root, path)
            : throw new ArgumentException($"no volume \"{volume}\" in this sandbox", nameof(volume));

    /// <summary>Writes a file, creating parent directories world-writable.</summary>
    public ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = HostPath(volume, path);
        VolumePaths.EnsureParents(Volumes[volume], target, WorldWritable, Tree, $"write in volume \"{volume}\"");

        // The file itself too: a step may have left a link where the engine writes an exit code.
        Tree?.TryTakeSpareFile(target);
        var fd = Posix.OpenAt(Posix.AtFdCwd, target, OpenToWrite, mode);
        if (fd < 0)
        {
            throw Posix.LastError == Posix.ELOOP
                ? new IOException($"refusing to write through a symbolic link in volume \"{volume}\": {path}")
                : VolumePaths.Error("cannot write", target);
        }

        try
        {
            if (!IsRegularFile(fd, out var size))
            {
                throw new IOException($"refusing to write to something other than a file in volume \"{volume}\": {path}");
            }

            Write(fd, content.Span, target);
            if (size > content.Length && Posix.Truncate(fd, content.Length) != 0)
            {
                throw VolumePaths.Error("cannot write", target);
            }

            // The mode exactly, whatever the umask and whatever mode an existing file had.
            if (Posix.ChangeMode(fd, mode) != 0)
            {
                throw VolumePaths.Error("cannot set the mode of", target);
            }
        }
        finally
        {
            Posix.Close(fd);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Reads a file, or null when missing, not a plain file or reached through a link; at most <paramref name="maxBytes"/>.</summary>
    public ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = HostPath(volume, path);
        if (VolumePaths.Probe(Volumes[volume], target) is not VolumePaths.Found.Other)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        var fd = Posix.OpenAt(Posix.AtFdCwd, target, OpenToRead, 0);
        if (fd < 0)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        try
        {
            return ValueTask.FromResult(IsRegularFile(fd, out var size) ? Read(fd, (int)Math.Min(size, maxBytes)) : null);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>Creates a directory with a mode.</summary>
    public ValueTask CreateDirectoryAsync(string volume, string path, int mode)
    {
        var target = HostPath(volume, path);
        var what = $"create a directory in volume \"{volume}\"";
        if (!VolumePaths.EnsureParents(Volumes[volume], target, mode, Tree, what))
        {
            VolumePaths.MakeDirectory(target, mode, Tree);
            return ValueTask.CompletedTask;
        }

        switch (VolumePaths.Kind(target))
        {
            case VolumePaths.Found.Missing:
                VolumePaths.MakeDirectory(target, mode, Tree);
                break;
            case VolumePaths.Found.Directory:
                if (Posix.ChangeMode(target, mode) != 0)
                {
                    throw VolumePaths.Error("cannot set the mode of", target);
                }

                break;
            case VolumePaths.Found.Link:
                throw new IOException($"refusing to {what} through a symbolic link: {path}");
            default:
                throw new IOException($"cannot {what}: {path} exists and is not a directory");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a symbolic link, replacing a link or file there.</summary>
    public ValueTask CreateSymlinkAsync(string volume, string path, string target)
    {
        var link = HostPath(volume, path);
        VolumePaths.EnsureParents(Volumes[volume], link, WorldWritable, Tree, $"create a link in volume \"{volume}\"");
        if (Tree?.TryTakeSpareLink(link, target) == true || Posix.Symlink(target, link) == 0)
        {
            return ValueTask.CompletedTask;
        }

        // Replace an existing link (dangling ones included) or file; a directory stays and fails.
        if (Posix.LastError != Posix.EEXIST || Posix.UnlinkAt(Posix.AtFdCwd, link, 0) != 0 || Posix.Symlink(target, link) != 0)
        {
            throw VolumePaths.Error("cannot create the link", link);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Lists file names in a directory.</summary>
    public IReadOnlyList<string> ListFiles(string volume, string path)
    {
        var target = HostPath(volume, path);
        if (VolumePaths.Probe(Volumes[volume], target) is not VolumePaths.Found.Directory)
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(target).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    private static bool IsRegularFile(int fd, out long size)
    {
        var regular = Posix.Stat(fd, string.Empty, out var status) == 0 && status.Type == Posix.FileTypeRegular;
        size = status.Size;
        return regular;
    }

    private static unsafe void Write(int fd, ReadOnlySpan<byte> content, string path)
    {
        fixed (byte* start = content)
        {
            for (var written = 0; written < content.Length;)
            {
                var n = Posix.WriteAt(fd, start + written, (nuint)(content.Length - written), written);
                if (n < 0)
                {
                    throw VolumePaths.Error("cannot write", path);
                }

                written += (int)n;
            }
        }
    }

    private static unsafe byte[] Read(int fd, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        fixed (byte* start = buffer)
        {
            while (read < length)
            {
                var n = Posix.Read(fd, start + read, (nuint)(length - read));
                if (n <= 0)
                {
                    break;
                }

                read += (int)n;
            }
        }

        return read == length ? buffer : buffer[..read];
    }
}
