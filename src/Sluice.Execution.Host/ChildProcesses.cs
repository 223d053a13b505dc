using System.ComponentModel;
using System.IO.Pipes;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Sluice.Execution.Host;

/// <summary>A started child: its pid (also its process group and session id) and the read ends of its output.</summary>
/// <param name="Pid">The pid.</param>
/// <param name="Stdout">The read end of its standard output.</param>
/// <param name="Stderr">The read end of its standard error.</param>
internal sealed record Child(int Pid, Stream Stdout, Stream Stderr);

/// <summary>
/// Children started with <c>posix_spawn</c> in a session of their own (no <c>setsid</c> exec), and
/// reaped here: from a SIGCHLD handler, or at once when their output ends. Reaping here, not in
/// <see cref="System.Diagnostics.Process"/>, is what makes killing a group safe: a pid is only
/// signalled while it is still unreaped, so never a reused one.
/// </summary>
internal static unsafe class ChildProcesses
{
    private const short SpawnSetSignalDefault = 0x04;
    private const short SpawnSetSignalMask = 0x08;
    private const short SpawnSetSession = 0x80;
    private const int IdTypePid = 1;
    private const int WaitNoHang = 1;
    private const int WaitExited = 4;
    private const int WaitNoWait = 0x01000000;
    private const int SignalInfoSize = 128;
    private const int SignalInfoPidOffset = 16;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, Action<int>> Running = [];
    private static PosixSignalRegistration? _childSignal;

    /// <summary>
    /// Starts <paramref name="path"/> with exactly <paramref name="env"/>, stdin on /dev/null, stdout and
    /// stderr on fresh pipes, all signals at their defaults, in a new session. <paramref name="exited"/>
    /// gets the raw wait status once the child has ended and its process group was killed; it runs
    /// outside any lock, possibly before this method returns.
    /// </summary>
    /// <exception cref="Win32Exception">The program could not be executed.</exception>
    public static Child Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, string? workingDirectory, Action<int> exited)
    {
        EnsureSignalHandler();
        var stdout = stackalloc int[2];
        var stderr = stackalloc int[2];
        if (Posix.Pipe2(stdout, Posix.OCloexec) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }

        if (Posix.Pipe2(stderr, Posix.OCloexec) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            Posix.Close(stdout[0]);
            Posix.Close(stdout[1]);
            throw new Win32Exception(error);
        }

        int pid;
        int result;
        try
        {
            result = SpawnWith(path, argv, env, workingDirectory, stdout[1], stderr[1], out pid);
        }
        finally
        {
            Posix.Close(stdout[1]);
            Posix.Close(stderr[1]);
        }

        if (result != 0)
        {
            Posix.Close(stdout[0]);
            Posix.Close(stderr[0]);
            throw new Win32Exception(result, $"cannot execute {path}: {new Win32Exception(result).Message}");
        }

        lock (Gate)
        {
            Running.Add(pid, exited);
        }

        // It may have ended before it was in the table, when no SIGCHLD would find it any more.
        TryReap(pid);
        return new Child(pid, ReadEnd(stdout[0]), ReadEnd(stderr[0]));
    }

    /// <summary>Reaps a child now if it has ended; its output reaching its end is the usual hint.</summary>
    public static void TryReap(int pid)
    {
        Action<int>? exited;
        int status;
        lock (Gate)
        {
            if (!Running.TryGetValue(pid, out exited) || !TryReapLocked(pid, out status))
            {
                return;
            }

            Running.Remove(pid);
        }

        exited(status);
    }

    /// <summary>SIGKILLs a child's process group unless the child was reaped already; true when it was signalled.</summary>
    public static bool KillGroup(int pid)
    {
        lock (Gate)
        {
            return Running.ContainsKey(pid) && Posix.Kill(-pid, Posix.SigKill) == 0;
        }
    }

    private static int SpawnWith(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, string? workingDirectory, int stdout, int stderr, out int pid)
    {
        // Opaque glibc structures (80, 336 and 128 bytes); allocated generously.
        var fileActions = NativeMemory.AllocZeroed(256);
        var attributes = NativeMemory.AllocZeroed(512);
        var signals = NativeMemory.AllocZeroed(256);
        var strings = NativeStrings.Create(path, argv, env);
        try
        {
            Posix.FileActionsInit(fileActions);
            Posix.AttributesInit(attributes);
            Posix.FileActionsAddOpen(fileActions, 0, "/dev/null", 0, 0);
            Posix.FileActionsAddDup2(fileActions, stdout, 1);
            Posix.FileActionsAddDup2(fileActions, stderr, 2);
            if (workingDirectory is not null)
            {
                Posix.FileActionsAddChdir(fileActions, workingDirectory);
            }

            // .NET ignores SIGPIPE and may block signals on the calling thread; a step must see neither.
            Posix.SignalSetEmpty(signals);
            Posix.AttributesSetSignalMask(attributes, signals);
            Posix.SignalSetFill(signals);
            Posix.AttributesSetSignalDefault(attributes, signals);
            Posix.AttributesSetFlags(attributes, SpawnSetSession | SpawnSetSignalMask | SpawnSetSignalDefault);
            int spawned;
            var result = Posix.PosixSpawn(&spawned, strings.Path, fileActions, attributes, strings.Argv, strings.Envp);
            pid = spawned;
            return result;
        }
        finally
        {
            Posix.FileActionsDestroy(fileActions);
            Posix.AttributesDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(strings.Block);
        }
    }

    private static AnonymousPipeClientStream ReadEnd(int fd) =>
        new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static void EnsureSignalHandler()
    {
        if (_childSignal is not null)
        {
            return;
        }

        lock (Gate)
        {
            _childSignal ??= PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => ReapExited());
        }
    }

    private static void ReapExited()
    {
        List<(int Pid, Action<int> Exited, int Status)>? ended = null;
        lock (Gate)
        {
            foreach (var (pid, exited) in Running)
            {
                if (TryReapLocked(pid, out var status))
                {
                    (ended ??= []).Add((pid, exited, status));
                }
            }

            foreach (var (pid, _, _) in ended ?? [])
            {
                Running.Remove(pid);
            }
        }

        foreach (var (_, exited, status) in ended ?? [])
        {
            exited(status);
        }
    }

    // Called under Gate. Peeks first (WNOWAIT) so that the group can be killed while the zombie still
    // holds the pid: whatever the step left behind dies with it, as in a container.
    private static bool TryReapLocked(int pid, out int status)
    {
        status = 0;
        var info = stackalloc byte[SignalInfoSize];
        new Span<byte>(info, SignalInfoSize).Clear();
        if (Posix.WaitId(IdTypePid, pid, info, WaitExited | WaitNoHang | WaitNoWait) != 0)
        {
            if (Marshal.GetLastPInvokeError() != Posix.ECHILD)
            {
                return false;
            }

            // Someone else reaped it (SIGCHLD set to SIG_IGN by a library): the status is lost.
            status = 255 << 8;
        }
        else if (*(int*)(info + SignalInfoPidOffset) == 0)
        {
            return false;
        }
        else
        {
            Posix.Kill(-pid, Posix.SigKill);
            int raw;
            Posix.WaitPid(pid, &raw, 0);
            status = raw;
        }

        return true;
    }

    /// <summary>NUL-terminated UTF-8 path, argv and envp in one native block.</summary>
    private readonly struct NativeStrings
    {
        public void* Block { get; init; }

        public byte* Path { get; init; }

        public byte** Argv { get; init; }

        public byte** Envp { get; init; }

        public static NativeStrings Create(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
        {
            var pointers = (argv.Count + 1 + env.Count + 1) * sizeof(nint);
            var bytes = Encoding.UTF8.GetByteCount(path) + 1;
            foreach (var value in argv)
            {
                bytes += Encoding.UTF8.GetByteCount(value) + 1;
            }

            foreach (var value in env)
            {
                bytes += Encoding.UTF8.GetByteCount(value) + 1;
            }

            var block = (byte*)NativeMemory.Alloc((nuint)(pointers + bytes));
            var table = (byte**)block;
            var text = new Span<byte>(block + pointers, bytes);
            var pathStart = Write(path, ref text);
            var argvStart = table;
            foreach (var value in argv)
            {
                *table++ = Write(value, ref text);
            }

            *table++ = null;
            var envStart = table;
            foreach (var value in env)
            {
                *table++ = Write(value, ref text);
            }

            *table = null;
            return new NativeStrings { Block = block, Path = pathStart, Argv = argvStart, Envp = envStart };
        }

        private static byte* Write(string value, ref Span<byte> text)
        {
            var start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(text));
            var length = Encoding.UTF8.GetBytes(value, text);
            text[length] = 0;
            text = text[(length + 1)..];
            return start;
        }
    }
}
