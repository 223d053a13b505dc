using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Sluice.Execution.Host;

/// <summary>
/// Emptying a tree for the next TaskRun. Everything is done through directory descriptors, opened
/// without following links, so nothing a step left can redirect the clean-up. What a TaskRun made is
/// kept (as a volume or a spare) only if it looks exactly as a fresh one here does: same owner and
/// group, no extended attributes (so no ACL), the same inode flags; a directory must be empty and of an
/// empty one's size (ext4 never shrinks one that held many entries), a file must have no other name
/// (it is truncated, and a hard link elsewhere must not lose its content). Permission bits are set on
/// reuse. Anything else is deleted. Only the processes of the TaskRun could change the tree, and they
/// have all ended before it is cleaned.
/// </summary>
internal sealed partial class SandboxTree
{
    private const int MaxSpares = 64;
    private const int EntryBufferSize = 8192;
    private const int OpenDirectory = Posix.ORdOnly | Posix.ODirectory | Posix.ONoFollow | Posix.OCloexec;
    private const int OpenFile = Posix.OWrOnly | Posix.ONoFollow | Posix.ONonBlock | Posix.OCloexec;

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int EntryLengthOffset = 16;
    private const int EntryTypeOffset = 18;
    private const int EntryNameOffset = 19;

    private unsafe delegate bool EntryVisitor(byte* name, byte type);

    /// <summary>
    /// Removes what the last TaskRun left: true when the tree is ready for the next one, false when
    /// something could not be removed (the tree must then be deleted instead).
    /// </summary>
    public unsafe bool TryClean()
    {
        if (!_freshDirectory.Comparable || !_freshFile.Comparable)
        {
            return false;
        }

        var root = Posix.OpenAt(Posix.AtFdCwd, Root, OpenDirectory, 0);
        var spares = root < 0 ? -1 : Posix.OpenAt(root, SpareDirectoryName, OpenDirectory, 0);
        try
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            var clean = spares >= 0 && ForEachEntry(root, (name, type) =>
            {
                if (Is(name, SpareDirectoryName) || Is(name, ProcessRecords.FileName))
                {
                    return true;
                }

                var text = Marshal.PtrToStringUTF8((nint)name)!;
                if (_placed.Contains(text) && TryKeepVolume(root, name, spares))
                {
                    kept.Add(text);
                    return true;
                }

                return Remove(root, name, type, spares);
            });
            if (!clean)
            {
                return false;
            }

            Processes.Clear();
            _placed.Clear();
            _kept = kept;
            return true;
        }
        finally
        {
            Posix.CloseQuietly(spares);
            Posix.CloseQuietly(root);
        }
    }

    // An emptyDir volume stays where it is, under its name, if it can be emptied and is as fresh.
    private unsafe bool TryKeepVolume(int parent, byte* name, int spares)
    {
        var fd = Posix.OpenAt(parent, name, OpenDirectory, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return ForEachEntry(fd, (child, type) => Remove(fd, child, type, spares)) &&
                _freshDirectory.Matches(fd, Posix.FileTypeDirectory, out var mode) &&
                (mode == WorldWritable || Posix.ChangeMode(fd, WorldWritable) == 0);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    // Removes one entry of an open directory, keeping it as a spare when it is as fresh as a new one.
    private unsafe bool Remove(int parent, byte* name, byte type, int spares)
    {
        if (type == Posix.DirectoryEntryUnknown)
        {
            type = Posix.StatAt(parent, name, out var status) != 0 ? Posix.DirectoryEntryUnknown : status.Type switch
            {
                Posix.FileTypeDirectory => Posix.DirectoryEntryDirectory,
                Posix.FileTypeRegular => Posix.DirectoryEntryRegular,
                Posix.FileTypeLink => Posix.DirectoryEntryLink,
                _ => Posix.DirectoryEntryUnknown,
            };
        }

        return type switch
        {
            Posix.DirectoryEntryDirectory => RemoveDirectory(parent, name, spares),
            Posix.DirectoryEntryRegular when _spareFiles.Count < MaxSpares && TryKeepFile(parent, name, spares) => true,
            Posix.DirectoryEntryLink when _spareLinkCount < MaxSpares && TryKeepLink(parent, name, spares) => true,
            _ => Posix.UnlinkAt(parent, name, 0) == 0,
        };
    }

    private unsafe bool RemoveDirectory(int parent, byte* name, int spares)
    {
        var fd = Posix.OpenAt(parent, name, OpenDirectory, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            if (!ForEachEntry(fd, (child, childType) => Remove(fd, child, childType, spares)))
            {
                return false;
            }

            if (_spareDirectories.Count < MaxSpares && _freshDirectory.Matches(fd, Posix.FileTypeDirectory, out var mode))
            {
                var spare = NextSpareName();
                if (Posix.RenameAt(parent, name, spares, spare, Posix.RenameNoReplace) == 0)
                {
                    lock (_gate)
                    {
                        _spareDirectories.Push(new Spare(spare, mode));
                    }

                    return true;
                }
            }

            return Posix.UnlinkAt(parent, name, Posix.AtRemoveDir) == 0;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    // A file with one name, as fresh as a new one, is emptied and kept; false leaves it to be unlinked.
    private unsafe bool TryKeepFile(int parent, byte* name, int spares)
    {
        var fd = Posix.OpenAt(parent, name, OpenFile, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            if (!_freshFile.Matches(fd, Posix.FileTypeRegular, out _) || Posix.Truncate(fd, 0) != 0)
            {
                return false;
            }
        }
        finally
        {
            Posix.Close(fd);
        }

        var spare = NextSpareName();
        if (Posix.RenameAt(parent, name, spares, spare, Posix.RenameNoReplace) != 0)
        {
            return false;
        }

        lock (_gate)
        {
            _spareFiles.Push(spare);
        }

        return true;
    }

    // A link owned as a fresh one is kept with its target, for a later link to the same target.
    private unsafe bool TryKeepLink(int parent, byte* name, int spares)
    {
        const int MaxTarget = 4096;
        var buffer = stackalloc byte[MaxTarget];
        if (Posix.StatAt(parent, name, out var status) != 0 || status.Uid != _freshFile.Uid || status.Gid != _freshFile.Gid)
        {
            return false;
        }

        var length = Posix.ReadLinkAt(parent, name, buffer, MaxTarget);
        if (length <= 0 || length >= MaxTarget)
        {
            return false;
        }

        var spare = NextSpareName();
        if (Posix.RenameAt(parent, name, spares, spare, Posix.RenameNoReplace) != 0)
        {
            return false;
        }

        KeepSpareLink(spare, Encoding.UTF8.GetString(buffer, (int)length));
        return true;
    }

    // Calls visit for each entry but . and .. of the directory open as fd, until it returns false.
    // Entries are read in batches with getdents64; removing those already read does not make the
    // directory skip others (POSIX readdir), and nothing else writes to the tree meanwhile.
    private static unsafe bool ForEachEntry(int fd, EntryVisitor visit)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(EntryBufferSize);
        try
        {
            fixed (byte* start = buffer)
            {
                while (true)
                {
                    var read = Posix.ReadDirectoryEntries(fd, start, EntryBufferSize);
                    if (read <= 0)
                    {
                        return read == 0;
                    }

                    for (var offset = 0; offset < read; offset += *(ushort*)(start + offset + EntryLengthOffset))
                    {
                        var name = start + offset + EntryNameOffset;
                        if (!IsDotOrDotDot(name) && !visit(name, start[offset + EntryTypeOffset]))
                        {
                            return false;
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static unsafe bool IsDotOrDotDot(byte* name) =>
        name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));

    private static unsafe bool Is(byte* name, string expected)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (name[i] != expected[i])
            {
                return false;
            }
        }

        return name[expected.Length] == 0;
    }
}

/// <summary>What a directory or file just made in a tree looks like; a used one is kept only if it looks the same.</summary>
/// <param name="Uid">Its owner.</param>
/// <param name="Gid">Its group.</param>
/// <param name="Size">Its size (for a directory, the size of an empty one on this file system).</param>
/// <param name="Flags">Its inode flags, or -1 where the file system has none.</param>
/// <param name="Comparable">False where a fresh one has extended attributes (SELinux labels, say), which the checks cannot tell from a step's.</param>
internal readonly record struct FreshInode(uint Uid, uint Gid, long Size, long Flags, bool Comparable)
{
    /// <summary>Looks at a directory or file that was just made.</summary>
    public static FreshInode Of(string path)
    {
        var fd = Posix.OpenAt(Posix.AtFdCwd, path, Posix.ORdOnly | Posix.ONoFollow | Posix.OCloexec, 0);
        if (fd < 0)
        {
            return default;
        }

        try
        {
            return Posix.Stat(fd, string.Empty, out var status) == 0
                ? new FreshInode(status.Uid, status.Gid, status.Size, Posix.InodeFlags(fd), AttributeBytes(fd) == 0)
                : default;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// Whether what is open as <paramref name="fd"/> (an emptied directory, or a file about to be
    /// emptied) looks fresh; gives its permission bits.
    /// </summary>
    public bool Matches(int fd, int type, out int permissions)
    {
        permissions = 0;
        if (Posix.Stat(fd, string.Empty, out var status) != 0 || status.Type != type || status.Uid != Uid || status.Gid != Gid ||
            (type == Posix.FileTypeDirectory ? status.Size != Size : status.Links != 1))
        {
            return false;
        }

        permissions = status.Permissions;
        return Posix.InodeFlags(fd) == Flags && AttributeBytes(fd) == 0;
    }

    private static unsafe long AttributeBytes(int fd)
    {
        var size = Posix.ListAttributes(fd, null, 0);
        return size >= 0 ? size : Posix.LastError == Posix.EOPNOTSUPP ? 0 : -1;
    }
}
