using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Sluice.Testing;

/// <summary>
/// Debian's CNCF distribution registry (<c>/usr/bin/docker-registry</c>, installed by eng/install.sh)
/// on 127.0.0.1 at a spare port, with its storage, configuration and log in a temporary directory that
/// is removed when it stops. Its access log is the independent record of what the client sent.
/// </summary>
public sealed partial class RegistryServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/docker-registry";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;

    private RegistryServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The registry's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The registry as references name it: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The registry's log so far.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_directory, "registry.log");

    /// <summary>
    /// Starts a registry; <paramref name="auth"/> is the YAML of its <c>auth:</c> section (indented two
    /// spaces) or null for none, and may refer to files under the directory passed to it.
    /// </summary>
    public static async Task<RegistryServer> StartAsync(Func<string, string?> auth, CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run eng/install.sh (it installs Debian's docker-registry)");
        }

        var directory = Directory.CreateTempSubdirectory("sluice-registry-").FullName;
        var port = SparePort();
        var authSection = auth(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "config.yml"), $"""
            version: 0.1
            log:
              level: info
              formatter: text
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port}
              secret: sluice-test-secret
            {(authSection is null ? "" : "auth:\n" + authSection)}
            """, cancellationToken);
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec {Executable} serve config.yml >registry.log 2>&1"])
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
        var server = new RegistryServer(process, directory, port);
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a registry that needs HTTP Basic auth (htpasswd) for one user.</summary>
    public static Task<RegistryServer> StartWithBasicAuthAsync(string user, string password, CancellationToken cancellationToken) =>
        StartAsync(
            directory =>
            {
                File.WriteAllText(Path.Combine(directory, "htpasswd"), Bcrypt.HtpasswdLine(user, password) + "\n");
                return $"""
                      htpasswd:
                        realm: sluice-test
                        path: {Path.Combine(directory, "htpasswd")}
                    """;
            },
            cancellationToken);

    /// <summary>How many requests with a method the registry logged for paths under <c>/v2/</c> with a prefix.</summary>
    public int CountRequests(string method, string pathPrefix = "/v2/") =>
        AccessLine().Matches(Log).Count(m => m.Groups["method"].Value == method && m.Groups["path"].Value.StartsWith(pathPrefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Host}/v2/"), cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"docker-registry did not answer on {Host} within {StartTimeout.TotalSeconds} s:\n{Log}");
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on now.</summary>
    public static int SparePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("\"(?<method>[A-Z]+) (?<path>/[^ \"]*) HTTP/[0-9.]+\"")]
    private static partial Regex AccessLine();
}
