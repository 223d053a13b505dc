using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Sluice.Execution.Host;

/// <summary>
/// A network namespace with only loopback, held by a thread rather than by a process (the host
/// backend's pause container). Namespaces belong to threads: the thread unshares once, and work that
/// must happen inside (spawning steps and sidecars, opening probe sockets) runs on it, so the
/// processes and sockets it creates are inside. The namespace ends with the thread and its processes.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private const int AddressFamilyInet = 2;
    private const int SocketDatagram = 2;
    private const nuint GetInterfaceFlags = 0x8913;
    private const nuint SetInterfaceFlags = 0x8914;
    private const short InterfaceUp = 0x1;
    private const int InterfaceRequestSize = 40;
    private const int InterfaceFlagsOffset = 16;

    private NetworkNamespace(DedicatedThread thread) => Thread = thread;

    /// <summary>The thread inside the namespace.</summary>
    public DedicatedThread Thread { get; }

    /// <summary>Creates a namespace and brings its loopback up; needs root.</summary>
    public static async Task<NetworkNamespace> CreateAsync()
    {
        var thread = new DedicatedThread("sluice-netns");
        try
        {
            await thread.RunAsync(() =>
            {
                Check(Posix.Unshare(CloneNewNet), "unshare(CLONE_NEWNET)");
                BringLoopbackUp();
                return true;
            }).ConfigureAwait(false);
            return new NetworkNamespace(thread);
        }
        catch
        {
            thread.Dispose();
            throw;
        }
    }

    /// <summary>Ends the thread once its queued work is done; call after the processes inside were killed.</summary>
    public void Dispose() => Thread.Dispose();

    private static unsafe void BringLoopbackUp()
    {
        var socket = Posix.Socket(AddressFamilyInet, SocketDatagram, 0);
        Check(socket, "socket");
        try
        {
            var request = stackalloc byte[InterfaceRequestSize];
            new Span<byte>(request, InterfaceRequestSize).Clear();
            "lo"u8.CopyTo(new Span<byte>(request, 16));
            Check(Posix.Ioctl(socket, GetInterfaceFlags, request), "SIOCGIFFLAGS lo");
            *(short*)(request + InterfaceFlagsOffset) |= InterfaceUp;
            Check(Posix.Ioctl(socket, SetInterfaceFlags, request), "SIOCSIFFLAGS lo");
        }
        finally
        {
            Posix.Close(socket);
        }
    }

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new Win32Exception(error, $"{call}: {new Win32Exception(error).Message}");
        }
    }
}
