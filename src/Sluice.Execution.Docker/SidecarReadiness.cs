using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker;

/// <summary>
/// Waits until sidecars are ready. An exec check runs through Docker exec in the sidecar. A TCP or HTTP
/// check must reach the sandbox's own localhost, which no address outside the namespace reaches (and the
/// bridge address is off limits): it runs through Docker exec in the namespace holder, whose program
/// doubles as the check (<see cref="Pause.PauseProgram"/>), so it needs no tool in the sidecar's image
/// and no privilege beyond access to Docker. With host networking the sandbox's localhost is this
/// machine's, and the check connects from here.
/// </summary>
internal sealed class SidecarReadiness
{
    private const int MaxDetailLength = 300;

    private readonly IDockerClient _client;
    private readonly DockerSandbox _sandbox;
    private readonly TimeSpan _budget;
    private readonly TimeProvider _time;

    public SidecarReadiness(IDockerClient client, DockerSandbox sandbox, TimeSpan budget, TimeProvider time)
    {
        _client = client;
        _sandbox = sandbox;
        _budget = budget;
        _time = time;
    }

    /// <summary>Returns once the check passes; throws when the sidecar ends first or the budget runs out.</summary>
    public async Task WaitAsync(DockerContainerProcess sidecar, ReadinessCheck? check, CancellationToken cancellationToken)
    {
        var exited = sidecar.WaitAsync(cancellationToken).AsTask();
        if (check is null)
        {
            // Ready once started, unless the daemon already saw it end.
            await ThrowIfEndedAsync(sidecar, exited).ConfigureAwait(false);
            return;
        }

        if (check.Exec.IsEmpty && check.TcpPort is null)
        {
            throw new SandboxConfigurationException($"the readiness check of {sidecar.Name} names neither a command nor a port.");
        }

        await Task.WhenAny(exited, Task.Delay(check.InitialDelay, _time, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var checking = _time.GetTimestamp();
        var last = "no check ran";
        while (true)
        {
            await ThrowIfEndedAsync(sidecar, exited).ConfigureAwait(false);
            using (var timeout = new CancellationTokenSource(check.Timeout, _time))
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    var failure = await CheckOnceAsync(sidecar, check, attempt.Token).ConfigureAwait(false);
                    if (failure is null)
                    {
                        return;
                    }

                    last = failure;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    last = $"the check took longer than its timeout of {check.Timeout.TotalSeconds:0.###}s";
                }
            }

            if (_time.GetElapsedTime(checking) >= _budget)
            {
                throw new SandboxConfigurationException(
                    $"sidecar {sidecar.Name} did not become ready within {_budget.TotalSeconds:0.###}s; last check: {last}");
            }

            await Task.WhenAny(exited, Task.Delay(check.Period, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task ThrowIfEndedAsync(DockerContainerProcess sidecar, Task<ProcessExit> exited)
    {
        if (!exited.IsCompleted)
        {
            return;
        }

        var exit = await exited.ConfigureAwait(false);
        throw new SandboxConfigurationException(
            $"sidecar {sidecar.Name} exited with code {exit.ExitCode}{(exit.OomKilled ? " (out of memory)" : string.Empty)} before it became ready.");
    }

    /// <summary>Null when ready, else why not.</summary>
    private async Task<string?> CheckOnceAsync(DockerContainerProcess sidecar, ReadinessCheck check, CancellationToken cancellationToken)
    {
        if (!check.Exec.IsEmpty)
        {
            return await ExecAsync(sidecar.Id, [.. check.Exec], string.Join(' ', check.Exec), cancellationToken).ConfigureAwait(false);
        }

        var port = check.TcpPort!.Value;
        var what = check.HttpPath is null ? $"connecting to localhost:{port}" : $"GET localhost:{port}{HttpTarget(check.HttpPath)}";
        if (_sandbox.HolderId is { } holder)
        {
            List<string> probe = check.HttpPath is null
                ? ["/pause", port.ToString(CultureInfo.InvariantCulture)]
                : ["/pause", port.ToString(CultureInfo.InvariantCulture), HttpTarget(check.HttpPath)];
            return await ExecAsync(holder, probe, what, cancellationToken).ConfigureAwait(false) is null ? null : $"{what} failed";
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return $"{what}: {e.SocketErrorCode}";
        }

        return check.HttpPath is null ? null : await HttpGetAsync(socket, port, HttpTarget(check.HttpPath), cancellationToken).ConfigureAwait(false);
    }

    private static string HttpTarget(string path) => path.StartsWith('/') ? path : "/" + path;

    private async Task<string?> ExecAsync(string containerId, List<string> command, string what, CancellationToken cancellationToken)
    {
        var exec = await _client.Exec.ExecCreateContainerAsync(
            containerId,
            new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true },
            cancellationToken).ConfigureAwait(false);
        string output;
        using (var stream = await _client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false))
        {
            output = await ReadBoundedAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var result = await _client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? null : $"{what} exited with code {result.ExitCode}{(output.Length > 0 ? ": " + output : string.Empty)}";
    }

    /// <summary>Reads an exec's output to its end, keeping only the first bytes for the message.</summary>
    private static async Task<string> ReadBoundedAsync(MultiplexedStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var kept = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }

            if (kept.Length < MaxDetailLength)
            {
                kept.Write(buffer, 0, Math.Min(read.Count, MaxDetailLength - (int)kept.Length));
            }
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length).Trim();
    }

    /// <summary>A minimal HTTP/1.0 GET, as the holder's check sends it; 2xx and 3xx mean ready, as for a Kubernetes probe.</summary>
    private static async Task<string?> HttpGetAsync(Socket socket, int port, string target, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET {target} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: sluice-probe\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[256];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n"u8) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n")[0];
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
        {
            return $"GET localhost:{port}{target}: not an HTTP response";
        }

        return status is >= 200 and < 400 ? null : $"GET localhost:{port}{target} answered {status}";
    }
}
