using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>
/// Waits for a sidecar's readiness check as the kubelet does: an exec check runs as a process with the
/// sidecar's mounts, user and network; TCP and HTTP checks connect to 127.0.0.1 from inside the
/// sandbox's network (the host's for bridge and host, the shared namespace for none).
/// </summary>
internal static class SidecarReadiness
{
    public static async Task WaitAsync(SidecarSpec sidecar, HostStepProcess process, HostSandbox sandbox, StepCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        if (sidecar.Readiness is not { } check)
        {
            return;
        }

        if (check.InitialDelay > TimeSpan.Zero)
        {
            await Task.Delay(check.InitialDelay, time, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            if (process.Exited.IsCompleted)
            {
                var exit = await process.Exited.ConfigureAwait(false);
                throw new SandboxConfigurationException($"{process.Name} exited with code {exit.ExitCode} before its readiness check passed");
            }

            using (var timeout = new CancellationTokenSource(check.Timeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken))
            {
                try
                {
                    if (await PassesAsync(check, sidecar.Container, sandbox, commands, time, linked.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            await Task.WhenAny(Task.Delay(check.Period, time, cancellationToken), process.Exited).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task<bool> PassesAsync(ReadinessCheck check, ContainerSpec container, HostSandbox sandbox, StepCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!check.Exec.IsDefaultOrEmpty)
        {
            var probe = container with { Name = container.Name + "-readiness", Argv = check.Exec };
            var process = sandbox.CreateProcess(commands.Build(sandbox, probe), time, isSidecar: true);
            await using (process.ConfigureAwait(false))
            {
                await process.StartAsync(cancellationToken).ConfigureAwait(false);
                return (await process.WaitAsync(cancellationToken).ConfigureAwait(false)).ExitCode == 0;
            }
        }

        if (check.TcpPort is not { } port)
        {
            return true;
        }

        // A socket belongs to the network namespace of the thread that creates it.
        static Socket NewSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var socket = sandbox.Namespace is { } network ? await network.Thread.RunAsync(NewSocket).ConfigureAwait(false) : NewSocket();
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            return check.HttpPath is not { } path || await HttpSucceedsAsync(socket, port, path, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // Only the status line matters: 2xx and 3xx mean ready, as for a kubelet httpGet probe.
    private static async Task<bool> HttpSucceedsAsync(Socket socket, int port, string path, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var target = path.StartsWith('/') ? path : "/" + path;
        var request = string.Create(CultureInfo.InvariantCulture, $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: sluice-probe\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
        var buffer = new byte[256];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).Contains((byte)'\n'))
            {
                break;
            }
        }

        // "HTTP/1.1 200 OK"
        var line = Encoding.ASCII.GetString(buffer, 0, length).Split('\n')[0].Split(' ');
        return line.Length >= 2 && int.TryParse(line[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 200 and < 400;
    }
}
