using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Sluice.Execution.Docker;

/// <summary>
/// Makes sockets inside another process's network namespace. A socket belongs to the namespace of the
/// thread that created it, whatever thread uses it later; so a short-lived dedicated thread enters the
/// namespace with <c>setns</c>, creates the socket and ends, and the socket is then used with ordinary
/// async I/O. The thread pool's threads never change namespace. Needs <c>CAP_SYS_ADMIN</c> (root).
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;
    private const int ReadOnlyCloseOnExec = 0x80000;
    private const int PermissionDenied = 1;

    /// <summary>Creates a TCP socket in the network namespace of the process <paramref name="pid"/>.</summary>
    /// <exception cref="UnauthorizedAccessException">This process may not enter the namespace.</exception>
    public static Task<Socket> CreateTcpSocketAsync(long pid)
    {
        var created = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                created.TrySetResult(CreateInside($"/proc/{pid}/ns/net"));
            }
            catch (Exception e)
            {
                created.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "sluice-netns",
        };
        thread.Start();
        return created.Task;
    }

    private static Socket CreateInside(string namespacePath)
    {
        var own = Open("/proc/thread-self/ns/net");
        try
        {
            var target = Open(namespacePath);
            try
            {
                if (SetNamespace(target, CloneNewNet) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    throw errno == PermissionDenied
                        ? new UnauthorizedAccessException(
                            "entering the sandbox's network namespace for a TCP or HTTP readiness check needs root (CAP_SYS_ADMIN); run sluice as root or give the sidecar an exec readiness check.")
                        : new Win32Exception(errno, $"setns({namespacePath}) failed");
                }
            }
            finally
            {
                _ = Close(target);
            }

            try
            {
                return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            }
            finally
            {
                // The thread ends right after; going back keeps it harmless if the runtime reuses it.
                _ = SetNamespace(own, CloneNewNet);
            }
        }
        finally
        {
            _ = Close(own);
        }
    }

    private static int Open(string path)
    {
        var fd = OpenFile(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"cannot open {path}");
        }

        return fd;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int namespaceType);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
