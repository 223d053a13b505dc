using System.Runtime.InteropServices;

namespace Sluice.Execution.Host;

/// <summary>The few libc calls .NET has no API for: sessions, process groups, namespaces.</summary>
internal static unsafe partial class Posix
{
    public const int SigKill = 9;
    public const int ECHILD = 10;
    public const int OCloexec = 0x80000;

    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Libc, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    public static partial uint GetEgid();

    [LibraryImport(Libc, EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, byte* argument);

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(void* fileActions, string path);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    public static partial int AttributesInit(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttributesDestroy(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttributesSetSignalMask(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttributesSetSignalDefault(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "sigemptyset")]
    public static partial int SignalSetEmpty(void* signals);

    [LibraryImport(Libc, EntryPoint = "sigfillset")]
    public static partial int SignalSetFill(void* signals);

    /// <summary>The exit code a shell reports for a wait status: the code, or 128 + the signal.</summary>
    public static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    /// <summary>Whether this process runs as root (and so can switch users and create namespaces).</summary>
    public static bool IsRoot => GetEuid() == 0;
}
