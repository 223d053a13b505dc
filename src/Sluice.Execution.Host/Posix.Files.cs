using System.Runtime.InteropServices;

namespace Sluice.Execution.Host;

/// <summary>
/// File calls relative to directory descriptors, which .NET has no API for: sandbox trees are emptied,
/// checked and recycled through descriptors so that no path is resolved twice and no link is followed.
/// </summary>
internal static unsafe partial class Posix
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;
    public const int ENODATA = 61;
    public const int ENOTTY = 25;
    public const int EOPNOTSUPP = 95;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OTrunc = 0x200;
    public const int ONonBlock = 0x800;
    public const int ODirectory = 0x10000;
    public const int ONoFollow = 0x20000;

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtEmptyPath = 0x1000;
    public const uint RenameNoReplace = 1;

    public const byte DirectoryEntryUnknown = 0;
    public const byte DirectoryEntryDirectory = 4;
    public const byte DirectoryEntryRegular = 8;
    public const byte DirectoryEntryLink = 10;

    public const int FileTypeMask = 0xF000;
    public const int FileTypeDirectory = 0x4000;
    public const int FileTypeRegular = 0x8000;
    public const int FileTypeLink = 0xA000;

    // FS_IOC_GETFLAGS, _IOR('f', 1, long) on 64-bit Linux.
    public const nuint GetInodeFlags = 0x80086601;

    private const uint StatxBasicStats = 0x7FF;
    private const int StatxSize = 256;

    [LibraryImport(Libc, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int OpenAt(int directory, string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MakeDirectoryAt(int directory, string path, int mode);

    [LibraryImport(Libc, EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UnlinkAt(int directory, string path, int flags);

    [LibraryImport(Libc, EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int RenameAt(int fromDirectory, string from, int toDirectory, string to, uint flags);

    [LibraryImport(Libc, EntryPoint = "symlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Symlink(string target, string link);

    [LibraryImport(Libc, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int ChangeMode(string path, int mode);

    [LibraryImport(Libc, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int ChangeMode(int fd, int mode);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint WriteAt(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Libc, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Truncate(int fd, long length);

    [LibraryImport(Libc, EntryPoint = "flistxattr", SetLastError = true)]
    public static partial nint ListAttributes(int fd, byte* list, nuint size);

    [LibraryImport(Libc, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint ReadDirectoryEntries(int fd, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int directory, byte* path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int directory, byte* path, int flags);

    [LibraryImport(Libc, EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int RenameAt(int fromDirectory, byte* from, int toDirectory, string to, uint flags);

    [LibraryImport(Libc, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int directory, byte* path, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rename(string from, string to);

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int directory, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>The errno of the last failed call.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>What <c>statx</c> says about a path relative to <paramref name="directory"/> (or the descriptor itself with an empty path), without following a final link.</summary>
    public static int Stat(int directory, string path, out FileStatus status)
    {
        var length = System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        var bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        bytes[System.Text.Encoding.UTF8.GetBytes(path, bytes)] = 0;
        fixed (byte* name = bytes)
        {
            return StatAt(directory, name, out status);
        }
    }

    /// <summary><see cref="Stat(int, string, out FileStatus)"/> for a NUL-terminated name.</summary>
    public static int StatAt(int directory, byte* path, out FileStatus status)
    {
        var buffer = stackalloc byte[StatxSize];
        var flags = AtSymlinkNoFollow | (path[0] == 0 ? AtEmptyPath : 0);
        var result = Statx(directory, path, flags, StatxBasicStats, buffer);
        status = result == 0
            ? new FileStatus(*(ushort*)(buffer + 28), *(uint*)(buffer + 20), *(uint*)(buffer + 24), *(long*)(buffer + 40), *(uint*)(buffer + 16))
            : default;
        return result;
    }

    /// <summary>The inode flags (<c>chattr</c>) of an open file, or -1 where the file system has none.</summary>
    public static long InodeFlags(int fd)
    {
        long flags = 0;
        return Ioctl(fd, GetInodeFlags, (byte*)&flags) == 0 ? (uint)flags : -1;
    }

    /// <summary>Closes a descriptor, ignoring errors: used in finally blocks where the work is done.</summary>
    public static void CloseQuietly(int fd)
    {
        if (fd >= 0)
        {
            Close(fd);
        }
    }
}

/// <summary>The parts of a <c>statx</c> result the sandbox trees need.</summary>
/// <param name="Mode">Type and permission bits.</param>
/// <param name="Uid">The owner.</param>
/// <param name="Gid">The group.</param>
/// <param name="Size">The size in bytes (for a directory, what its entries take on disk).</param>
/// <param name="Links">How many names it has.</param>
internal readonly record struct FileStatus(int Mode, uint Uid, uint Gid, long Size, uint Links)
{
    /// <summary>The file type bits.</summary>
    public int Type => Mode & Posix.FileTypeMask;

    /// <summary>The permission bits, special bits included.</summary>
    public int Permissions => Mode & 0xFFF;
}
