using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sluice.Store.Trees;

/// <summary>
/// What <c>statx(2)</c> says about a path without following a final symbolic link: type and mode,
/// size, inode, and modification and change times in nanoseconds. .NET exposes no inode number, and
/// the stat cache needs one to tell a replaced file from an edited one.
/// </summary>
internal readonly partial record struct FileStatus(int Mode, long Size, ulong Inode, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    private const int AtFileDescriptorCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const int TypeMask = 0xF000;

    /// <summary>A regular file.</summary>
    public bool IsFile => (Mode & TypeMask) == 0x8000;

    /// <summary>A directory.</summary>
    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>A symbolic link.</summary>
    public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;

    /// <summary>Whether anyone may execute it.</summary>
    public bool IsExecutable => (Mode & 0x49) != 0;

    /// <summary>The status of a path, or null when it is gone (removed between listing and stat).</summary>
    /// <exception cref="IOException">statx failed otherwise.</exception>
    public static FileStatus? Of(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFileDescriptorCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : throw new IOException($"{path}: statx failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new FileStatus(
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]),
            BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]),
            Nanoseconds(buffer[112..]),
            Nanoseconds(buffer[96..]));
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
