using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.Cli.Tests.Git;

/// <summary>
/// The test Git server against the host's own <c>git</c> as the client: clone, push, auth refusal, a
/// stopped server, and the CGI translation of a gzip body and the Git-Protocol header. Needs git.
/// </summary>
public sealed class GitServerTests : IDisposable
{
    private static readonly NetworkCredential Credentials = new("builder", "s3cret-Passw0rd");
    private static readonly GitCommit First = new() { Message = "First", AuthorName = "Ada", AuthorEmail = "ada@example.invalid", Date = new(2025, 6, 7, 8, 9, 10, TimeSpan.FromHours(2)) };

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-git-server-test-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_clone_over_HTTP_gets_the_commit_with_its_author_date_and_files_and_the_log_shows_the_requests()
    {
        await using var server = await GitServer.StartAsync(Cancel);
        var repository = await server.CreateRepositoryAsync("app", new Dictionary<string, string> { ["README.md"] = "hello\n", ["src/main.txt"] = "main\n" }, First, Cancel);

        var clone = await CloneAsync(repository.Url);

        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md"), Cancel));
        Assert.Equal("main\n", await File.ReadAllTextAsync(Path.Combine(clone, "src", "main.txt"), Cancel));
        Assert.Equal(await repository.RevParseAsync("main", Cancel), await OutputAsync(clone, "rev-parse", "HEAD"));
        Assert.Equal($"Ada <ada@example.invalid> {First.Date.ToUnixTimeSeconds()} First", await OutputAsync(clone, "log", "-1", "--format=%an <%ae> %ct %s"));
        Assert.Contains(server.Requests, r => r is { Method: "GET", Path: "/app.git/info/refs", Query: "service=git-upload-pack", Status: 200, User: null });
        Assert.Contains(server.Requests, r => r is { Method: "POST", Path: "/app.git/git-upload-pack", Status: 200 });
    }

    [Fact]
    public async Task Commits_tags_and_branches_added_later_are_what_a_client_sees()
    {
        await using var server = await GitServer.StartAsync(Cancel);
        var repository = await server.CreateRepositoryAsync("lib", new Dictionary<string, string> { ["a.txt"] = "1\n" }, First, Cancel);
        var first = await repository.RevParseAsync("main", Cancel);
        await repository.TagAsync("v1.0.0", first, "Release 1.0.0", Cancel);
        var second = await repository.CommitAsync(new Dictionary<string, string> { ["a.txt"] = "2\n" }, First with { Message = "Second" }, Cancel);
        await repository.BranchAsync("release", first, Cancel);
        var onRelease = await repository.CommitAsync(new Dictionary<string, string> { ["fix.txt"] = "fix\n" }, null, Cancel, branch: "release");
        await repository.TagAsync("light", second, null, Cancel);

        var remote = await OutputAsync(_directory, "ls-remote", repository.Url);

        Assert.Contains($"{second}\trefs/heads/main", remote, StringComparison.Ordinal);
        Assert.Contains($"{onRelease}\trefs/heads/release", remote, StringComparison.Ordinal);
        Assert.Contains($"{first}\trefs/tags/v1.0.0^{{}}", remote, StringComparison.Ordinal);
        Assert.Contains($"{second}\trefs/tags/light", remote, StringComparison.Ordinal);
        Assert.Equal(first, await repository.RevParseAsync($"{onRelease}~1", Cancel));
        Assert.Equal("2", await OutputAsync(_directory, "--git-dir", repository.BarePath, "rev-list", "--count", "main"));
    }

    [Fact]
    public async Task Without_credentials_anyone_may_fetch_and_nobody_may_push()
    {
        await using var server = await GitServer.StartAsync(Cancel);
        var repository = await server.CreateRepositoryAsync("open", new Dictionary<string, string> { ["a.txt"] = "1\n" }, null, Cancel);
        var clone = await CloneAsync(repository.Url);
        await OutputAsync(clone, "tag", "pushed");

        var push = await GitAsync(clone, "push", "origin", "refs/tags/pushed");

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains(server.Requests, r => r is { Path: "/open.git/info/refs", Query: "service=git-receive-pack", Status: 403 });
        Assert.Empty(await repository.GitAsync(Cancel, "tag", "--list", "pushed"));
    }

    [Fact]
    public async Task With_credentials_a_client_without_them_or_with_a_wrong_password_is_refused_and_the_right_user_clones_and_pushes()
    {
        await using var server = await GitServer.StartAsync(Credentials, Cancel);
        var repository = await server.CreateRepositoryAsync("private", new Dictionary<string, string> { ["a.txt"] = "1\n" }, null, Cancel);
        var withPassword = repository.Url.Replace("http://", $"http://{Credentials.UserName}:{Credentials.Password}@", StringComparison.Ordinal);
        var withWrongPassword = repository.Url.Replace("http://", $"http://{Credentials.UserName}:wrong@", StringComparison.Ordinal);

        var anonymous = await GitAsync(_directory, "clone", repository.Url, "anonymous");
        var wrong = await GitAsync(_directory, "clone", withWrongPassword, "wrong");
        var clone = await CloneAsync(withPassword);
        await OutputAsync(clone, "tag", "from-client");
        var push = await GitAsync(clone, "push", "origin", "refs/tags/from-client");

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Authentication failed", wrong.Stderr, StringComparison.Ordinal);
        Assert.True(push.ExitCode == 0, push.Stderr);
        Assert.Equal(await repository.RevParseAsync("main", Cancel), await repository.RevParseAsync("from-client", Cancel));
        Assert.Contains(server.Requests, r => r is { Path: "/private.git/info/refs", Status: 401, User: null });
        Assert.Contains(server.Requests, r => r is { Method: "POST", Path: "/private.git/git-receive-pack", Status: 200, User: "builder" });
    }

    [Fact]
    public async Task A_repository_made_from_a_directory_takes_its_files_and_a_push_beyond_gits_post_buffer_streams_in_whole()
    {
        var source = Directory.CreateDirectory(Path.Combine(_directory, "source")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "nested"));
        await File.WriteAllTextAsync(Path.Combine(source, "nested", "file.txt"), "from a directory\n", Cancel);
        await using var server = await GitServer.StartAsync(Credentials, Cancel);
        var repository = await server.CreateRepositoryAsync("large", source, First, Cancel);
        var clone = await CloneAsync(repository.Url.Replace("http://", $"http://{Credentials.UserName}:{Credentials.Password}@", StringComparison.Ordinal));
        var payload = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(clone, "payload.bin"), payload, Cancel);
        await OutputAsync(clone, "add", "payload.bin");
        await OutputAsync(clone, "commit", "--quiet", "-m", "Large");

        var push = await GitAsync(clone, "push", "origin", "main");

        Assert.True(push.ExitCode == 0, push.Stderr);
        Assert.Equal("from a directory\n", await File.ReadAllTextAsync(Path.Combine(clone, "nested", "file.txt"), Cancel));
        Assert.Equal(await OutputAsync(clone, "rev-parse", "HEAD"), await repository.RevParseAsync("main", Cancel));
        Assert.Equal(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (await repository.GitAsync(Cancel, "cat-file", "-s", "main:payload.bin")).Trim());
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections()
    {
        await using var server = await GitServer.StartAsync(Cancel);
        var repository = await server.CreateRepositoryAsync("gone", new Dictionary<string, string> { ["a.txt"] = "1\n" }, null, Cancel);
        await server.StopAsync();

        var clone = await GitAsync(_directory, "clone", repository.Url, "gone");

        Assert.NotEqual(0, clone.ExitCode);
        Assert.Contains($"Failed to connect to 127.0.0.1 port {server.Port}", clone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_protocol_v2_request_reaches_the_backend_inflated_with_its_protocol()
    {
        await using var server = await GitServer.StartAsync(Cancel);
        var repository = await server.CreateRepositoryAsync("v2", new Dictionary<string, string> { ["a.txt"] = "1\n" }, null, Cancel);
        var body = new MemoryStream();
        await using (var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.ASCII.GetBytes(PacketLine("command=ls-refs\n") + "0001" + PacketLine("symrefs\n") + "0000"), Cancel);
        }

        using var http = new HttpClient();
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-git-upload-pack-request");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{repository.Url}/git-upload-pack") { Content = content };
        request.Headers.Add("Git-Protocol", "version=2");
        using var response = await http.SendAsync(request, Cancel);
        var answer = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-git-upload-pack-result", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{await repository.RevParseAsync("main", Cancel)} HEAD symref-target:refs/heads/main", answer, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string PacketLine(string payload) => $"{payload.Length + 4:x4}{payload}";

    private async Task<string> CloneAsync(string url)
    {
        var target = Path.Combine(_directory, $"clone-{Guid.NewGuid():N}");
        var result = await GitAsync(_directory, "clone", url, target);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return target;
    }

    private async Task<string> OutputAsync(string directory, params string[] arguments)
    {
        var result = await GitAsync(directory, arguments);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result.Stderr}");
        return result.Stdout.Trim();
    }

    /// <summary>The host's git as a client that never prompts, with no configuration but this test's.</summary>
    private Task<ProcessResult> GitAsync(string directory, params string[] arguments) =>
        ProcessRunner.RunAsync("git", arguments, TimeSpan.FromSeconds(60), Cancel, directory, new Dictionary<string, string>
        {
            ["HOME"] = _directory,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_AUTHOR_NAME"] = "Client",
            ["GIT_AUTHOR_EMAIL"] = "client@example.invalid",
            ["GIT_COMMITTER_NAME"] = "Client",
            ["GIT_COMMITTER_EMAIL"] = "client@example.invalid",
        });
}
