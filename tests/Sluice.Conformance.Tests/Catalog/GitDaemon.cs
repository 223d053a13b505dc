using System.Diagnostics;
using System.Net.Sockets;

namespace Sluice.Conformance.Tests.Catalog;

/// <summary>
/// A bare Git repository with one commit on <c>main</c>, served read-write by <c>git daemon</c> on
/// 127.0.0.1, so a step clones and pushes over the git protocol as it would against a real remote.
/// </summary>
public sealed class GitDaemon : IAsyncDisposable
{
    private readonly Process _daemon;

    private GitDaemon(string root, int port, Process daemon)
    {
        Root = root;
        Port = port;
        _daemon = daemon;
    }

    /// <summary>The directory that holds <c>repo.git</c>.</summary>
    public string Root { get; }

    public int Port { get; }

    public string BareRepository => Path.Combine(Root, "repo.git");

    public string Url => $"git://127.0.0.1:{Port}/repo.git";

    public static async Task<GitDaemon> StartAsync(string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var seed = Path.Combine(root, "seed");
        await GitAsync(root, cancellationToken, "init", "--quiet", "--bare", "--initial-branch=main", "repo.git").ConfigureAwait(false);
        await GitAsync(root, cancellationToken, "init", "--quiet", "--initial-branch=main", "seed").ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(seed, "README"), "seed\n", cancellationToken).ConfigureAwait(false);
        await GitAsync(seed, cancellationToken, "add", "README").ConfigureAwait(false);
        await GitAsync(seed, cancellationToken, "-c", "user.name=seed", "-c", "user.email=seed@example.invalid", "commit", "--quiet", "-m", "seed").ConfigureAwait(false);
        await GitAsync(seed, cancellationToken, "push", "--quiet", Path.Combine(root, "repo.git"), "main").ConfigureAwait(false);

        var port = LoopbackHttpServer.FreePort();
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1", $"--port={port}", $"--base-path={root}", root })
        {
            start.ArgumentList.Add(argument);
        }

        var daemon = Process.Start(start) ?? throw new InvalidOperationException("git daemon did not start");
        var server = new GitDaemon(root, port, daemon);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (SocketException) when (attempt < 100 && !daemon.HasExited)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs git in a directory and returns its standard output; a failure throws with its error output.</summary>
    public static async Task<string> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var output = git.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = git.StandardError.ReadToEndAsync(cancellationToken);
        await git.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return git.ExitCode == 0
            ? await output.ConfigureAwait(false)
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} exited {git.ExitCode}: {await error.ConfigureAwait(false)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_daemon.HasExited)
        {
            _daemon.Kill(entireProcessTree: true);
        }

        await _daemon.WaitForExitAsync().ConfigureAwait(false);
        _daemon.Dispose();
    }
}
