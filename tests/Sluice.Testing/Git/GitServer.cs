using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing.Git;

/// <summary>
/// Git repositories served over smart HTTP on 127.0.0.1 at a spare port: Kestrel in this process hands
/// every request to Git's own <c>git http-backend</c> as a CGI program, so clients meet the protocol a real
/// Git host speaks. Repositories, work clones and the backend's home live in a temporary directory that
/// is removed on dispose. With credentials, every request needs HTTP Basic auth (401 with
/// <c>WWW-Authenticate</c> otherwise) and authenticated users may push; the access log records each
/// request's method, path and status so a test can count what a client did.
/// </summary>
public sealed partial class GitServer : IAsyncDisposable
{
    private const string GitProgram = "/usr/bin/git";
    private const string Realm = "sluice-git";

    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly string _backend;
    private readonly NetworkCredential? _credentials;
    private readonly List<GitRequest> _requests = [];
    private readonly StringBuilder _backendErrors = new();
    private readonly Lock _gate = new();
    private bool _stopped;

    private GitServer(WebApplication app, string directory, string backend, NetworkCredential? credentials)
    {
        _app = app;
        _directory = directory;
        _backend = backend;
        _credentials = credentials;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The server's base address: <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Where the bare repositories are: <c>NAME.git</c> each.</summary>
    public string RepositoriesDirectory => Path.Combine(_directory, "repositories");

    /// <summary>The requests answered so far, in the order they ended.</summary>
    public IReadOnlyList<GitRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>What <c>git http-backend</c> wrote on its standard error so far.</summary>
    public string BackendErrors
    {
        get
        {
            lock (_gate)
            {
                return _backendErrors.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a server; with <paramref name="credentials"/> every request needs HTTP Basic auth with
    /// that user and password, and that user may push. Without them anyone may fetch and nobody may push.
    /// </summary>
    public static async Task<GitServer> StartAsync(NetworkCredential? credentials, CancellationToken cancellationToken)
    {
        if (!File.Exists(GitProgram))
        {
            throw new InvalidOperationException($"{GitProgram} is missing: run eng/install.sh (it installs Debian's git)");
        }

        var execPath = (await ProcessRunner.OutputAsync(GitProgram, ["--exec-path"], TimeSpan.FromSeconds(10), cancellationToken)).Trim();
        var backend = Path.Combine(execPath, "git-http-backend");
        if (!File.Exists(backend))
        {
            throw new InvalidOperationException($"{backend} is missing: Git's http-backend comes with Debian's git package (eng/install.sh)");
        }

        var directory = Directory.CreateTempSubdirectory("sluice-git-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "repositories"));
        Directory.CreateDirectory(Path.Combine(directory, "work"));
        Directory.CreateDirectory(Path.Combine(directory, "home"));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new GitServer(app, directory, backend, credentials);
        app.Run(server.AnswerAsync);
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            server.Port = new Uri(address).Port;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a server without auth: anyone may fetch, nobody may push.</summary>
    public static Task<GitServer> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <summary>A repository's clone URL, <c>http://127.0.0.1:PORT/NAME.git</c>, without credentials.</summary>
    public string Url(string repository) => $"{BaseUrl}/{repository}.git";

    /// <summary>
    /// Creates the bare repository <c>NAME.git</c> with one commit on <paramref name="defaultBranch"/> (its
    /// HEAD) holding the files under <paramref name="sourceDirectory"/>.
    /// </summary>
    public Task<GitRepository> CreateRepositoryAsync(string name, string sourceDirectory, GitCommit? commit, CancellationToken cancellationToken, string defaultBranch = "main") =>
        CreateRepositoryAsync(name, work => CopyTree(sourceDirectory, work), commit, defaultBranch, cancellationToken);

    /// <summary>
    /// Creates the bare repository <c>NAME.git</c> with one commit on <paramref name="defaultBranch"/> (its
    /// HEAD) holding <paramref name="files"/> (relative path to text).
    /// </summary>
    public Task<GitRepository> CreateRepositoryAsync(string name, IReadOnlyDictionary<string, string> files, GitCommit? commit, CancellationToken cancellationToken, string defaultBranch = "main") =>
        CreateRepositoryAsync(name, work => GitRepository.WriteFiles(work, files), commit, defaultBranch, cancellationToken);

    /// <summary>Stops answering: the port is closed, so clients fail to connect, as to a host that is down.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<GitRepository> CreateRepositoryAsync(string name, Action<string> fill, GitCommit? commit, string defaultBranch, CancellationToken cancellationToken)
    {
        var bare = Path.Combine(RepositoriesDirectory, name + ".git");
        var work = Path.Combine(_directory, "work", name);
        if (Directory.Exists(bare))
        {
            throw new InvalidOperationException($"the repository {name} exists already");
        }

        var repository = new GitRepository(name, Url(name), bare, work, Path.Combine(_directory, "home"));
        await repository.RunGitAsync(RepositoriesDirectory, cancellationToken, "init", "--quiet", "--bare", $"--initial-branch={defaultBranch}", bare);
        await repository.RunGitAsync(Path.Combine(_directory, "work"), cancellationToken, "init", "--quiet", $"--initial-branch={defaultBranch}", work);
        await repository.RunGitAsync(work, cancellationToken, "remote", "add", "origin", bare);
        fill(work);
        await repository.CommitAllAsync(commit ?? new GitCommit(), cancellationToken);
        await repository.RunGitAsync(work, cancellationToken, "push", "--quiet", "origin", defaultBranch);
        return repository;
    }

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    /// <summary>The user a request authenticated as, null when it sent no valid Basic credentials.</summary>
    private string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (_credentials is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(_credentials.UserName))
            & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(_credentials.Password));
        return matches ? user : null;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var user = Authenticate(context.Request);
        var status = StatusCodes.Status401Unauthorized;
        if (_credentials is not null && user is null)
        {
            context.Response.StatusCode = status;
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
        }
        else
        {
            status = await RunBackendAsync(context, user);
        }

        var request = new GitRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value?.TrimStart('?') ?? "", status, user);
        lock (_gate)
        {
            _requests.Add(request);
        }
    }
}
