using System.Diagnostics;
using System.Net.Sockets;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Git;

/// <summary>
/// Debian's OpenSSH server from the git stand-in image, in a container on the host's network listening on
/// 127.0.0.1 at a spare port, serving a directory of bare repositories as <c>/srv/git</c> to root with one
/// client key. Its host key, the client key and the <c>known_hosts</c> line for it are made here with the
/// host's ssh-keygen, so a test can hand them to a step as an ssh-directory Secret.
/// </summary>
internal sealed class SshGitServer : IAsyncDisposable
{
    private const string Docker = "/usr/bin/docker";
    private const string Image = "sluice-standin/alpine/git:bookworm";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;
    private readonly string _container;

    private SshGitServer(string directory, string container, int port, string clientKey, string knownHosts)
    {
        _directory = directory;
        _container = container;
        Port = port;
        ClientKey = clientKey;
        KnownHosts = knownHosts;
    }

    public int Port { get; }

    /// <summary>The private key sshd accepts for root, in OpenSSH's format.</summary>
    public string ClientKey { get; }

    /// <summary>The <c>known_hosts</c> line of the server's host key at its address.</summary>
    public string KnownHosts { get; }

    /// <summary>The URL of a bare repository <c>NAME.git</c> of the served directory.</summary>
    public string Url(string repository) => $"ssh://root@127.0.0.1:{Port}/srv/git/{repository}.git";

    /// <summary>Starts sshd on a spare loopback port, serving <paramref name="repositories"/>.</summary>
    public static async Task<SshGitServer> StartAsync(string repositories, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-sshd-").FullName;
        var keys = Path.Combine(directory, "keys");
        Directory.CreateDirectory(keys);
        await KeygenAsync(Path.Combine(keys, "host_ed25519"), cancellationToken);
        await KeygenAsync(Path.Combine(directory, "client_ed25519"), cancellationToken);
        File.Copy(Path.Combine(directory, "client_ed25519.pub"), Path.Combine(keys, "authorized_keys"));

        var port = RegistryServer.SparePort();
        var hostKey = (await File.ReadAllTextAsync(Path.Combine(keys, "host_ed25519.pub"), cancellationToken)).Split(' ');
        var knownHosts = $"[127.0.0.1]:{port} {hostKey[0]} {hostKey[1]}\n";
        var container = $"sluice-test-sshd-{Guid.NewGuid().ToString("N")[..12]}";
        var run = await ProcessRunner.RunAsync(Docker, [
            "run", "--detach", "--rm", "--name", container, "--network", "host",
            "--volume", $"{keys}:/keys:ro", "--volume", $"{repositories}:/srv/git",
            "--entrypoint", "/usr/sbin/sshd", Image,
            "-D", "-e", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "/keys/host_ed25519",
            "-o", "ListenAddress=127.0.0.1", "-o", "AuthorizedKeysFile=/keys/authorized_keys", "-o", "PasswordAuthentication=no",
            "-o", "KbdInteractiveAuthentication=no", "-o", "PermitRootLogin=prohibit-password", "-o", "StrictModes=no", "-o", "UsePAM=no",
        ], TimeSpan.FromSeconds(60), cancellationToken);
        var server = new SshGitServer(directory, container, port, await File.ReadAllTextAsync(Path.Combine(directory, "client_ed25519"), cancellationToken), knownHosts);
        if (run.ExitCode != 0)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"sshd did not start in {Image} (run eng/images/build.sh): {run.Stderr}");
        }

        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync(Docker, ["rm", "--force", _container], TimeSpan.FromSeconds(30), CancellationToken.None);
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task KeygenAsync(string path, CancellationToken cancellationToken) =>
        await ProcessRunner.OutputAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sluice-test", "-f", path], TimeSpan.FromSeconds(30), cancellationToken);

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        var logs = await ProcessRunner.RunAsync(Docker, ["logs", _container], TimeSpan.FromSeconds(10), cancellationToken);
        throw new TimeoutException($"sshd did not listen on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s: {logs.Stdout}{logs.Stderr}");
    }
}
