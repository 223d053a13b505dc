using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's <c>git-clone</c> Task run by the real <c>sluice run</c> on Docker against a
/// <see cref="GitServer"/> on 127.0.0.1 (steps on the host's network), into the named claim <c>source</c>
/// that the TaskRun binds as a PersistentVolumeClaim, so the host reads the clone afterwards. The TaskRun's
/// file defines no Task: each run also proves the taskRef resolves to the catalog. What the clone holds is
/// checked with the host's git and the server's own repository, what the client did with the server's
/// access log. Needs the Docker engine, git and the git stand-in image that eng/ installs.
/// </summary>
public sealed partial class GitCloneTaskTests : IAsyncLifetime
{
    private const string Password = "pa55-Wd0rd-never-printed";
    private static readonly NetworkCredential Credentials = new("builder", Password);

    private static readonly GitCommit[] History =
    [
        new() { Message = "One", Date = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero) },
        new() { Message = "Two", Date = new(2026, 3, 2, 11, 30, 0, TimeSpan.FromHours(1)) },
        new() { Message = "Three", Date = new(2026, 3, 3, 12, 45, 0, TimeSpan.FromHours(-5)) },
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-git-clone-task-").FullName;
    private GitServer _server = null!;
    private GitRepository _repository = null!;
    private string[] _commits = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private string Home => Path.Combine(_directory, "home");

    /// <summary>The named claim <c>source</c>, where both local backends keep it.</summary>
    private string Source => Path.Combine(Home, "claims", "default", "source");

    public async ValueTask InitializeAsync()
    {
        _server = await GitServer.StartAsync(Cancel);
        _repository = await _server.CreateRepositoryAsync("app", new Dictionary<string, string> { ["version.txt"] = "one\n" }, History[0], Cancel, defaultBranch: "trunk");
        await _repository.TagAsync("v1.0.0", "trunk", "Release 1.0.0", Cancel, History[0]);
        var second = await _repository.CommitAsync(new Dictionary<string, string> { ["version.txt"] = "two\n" }, History[1], Cancel);
        var third = await _repository.CommitAsync(new Dictionary<string, string> { ["version.txt"] = "three\n", ["docs/notes.md"] = "notes\n" }, History[2], Cancel);
        _commits = [await _repository.RevParseAsync("v1.0.0", Cancel), second, third];
    }

    [Fact]
    public async Task The_default_branch_is_cloned_one_commit_deep_with_the_results_the_server_has()
    {
        var run = await CloneAsync();

        run.Succeeded();
        Assert.Equal(_commits[2], run.Results["commit"]);
        Assert.Equal(_repository.Url, run.Results["url"]);
        Assert.Equal(History[2].Date.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), run.Results["committer-date"]);
        Assert.Equal((await _repository.GitAsync(Cancel, "log", "-1", "--format=%ct", "trunk")).Trim(), run.Results["committer-date"]);
        Assert.Equal("three\n", await File.ReadAllTextAsync(Path.Combine(Source, "version.txt"), Cancel));
        Assert.Equal("notes\n", await File.ReadAllTextAsync(Path.Combine(Source, "docs", "notes.md"), Cancel));
        Assert.Equal(_commits[2], await ClientGitAsync("rev-parse", "HEAD"));
        Assert.Equal("trunk", await ClientGitAsync("symbolic-ref", "--short", "HEAD"));
        Assert.Equal("1", await ClientGitAsync("rev-list", "--count", "HEAD"));
        Assert.Equal("true", await ClientGitAsync("rev-parse", "--is-shallow-repository"));
        Assert.DoesNotContain(_server.Requests, r => r.Path.EndsWith("git-receive-pack", StringComparison.Ordinal) || r.Query.Contains("receive-pack", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Depth_0_fetches_the_whole_history_and_every_tag()
    {
        var run = await CloneAsync(("depth", "0"));

        run.Succeeded();
        Assert.Equal("3", await ClientGitAsync("rev-list", "--count", "HEAD"));
        Assert.Equal("false", await ClientGitAsync("rev-parse", "--is-shallow-repository"));
        Assert.Equal("v1.0.0", await ClientGitAsync("tag", "--list"));
        Assert.Equal(_commits[0], await ClientGitAsync("rev-parse", "v1.0.0^{commit}"));
    }

    [Fact]
    public async Task A_tag_is_checked_out_at_its_commit_with_that_commits_date()
    {
        var run = await CloneAsync(("revision", "v1.0.0"));

        run.Succeeded();
        Assert.Equal(_commits[0], run.Results["commit"]);
        Assert.Equal(History[0].Date.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), run.Results["committer-date"]);
        Assert.Equal("one\n", await File.ReadAllTextAsync(Path.Combine(Source, "version.txt"), Cancel));
        Assert.False(File.Exists(Path.Combine(Source, "docs", "notes.md")));
        Assert.Equal(_commits[0], await ClientGitAsync("rev-parse", "HEAD"));
    }

    [Fact]
    public async Task A_commit_SHA_that_no_ref_points_at_is_fetched_and_checked_out()
    {
        var run = await CloneAsync(("revision", _commits[1]));

        run.Succeeded();
        Assert.Equal(_commits[1], run.Results["commit"]);
        Assert.Equal("two\n", await File.ReadAllTextAsync(Path.Combine(Source, "version.txt"), Cancel));
        Assert.Equal("1", await ClientGitAsync("rev-list", "--count", "HEAD"));
    }

    [Fact]
    public async Task A_branch_is_checked_out_as_a_local_branch_into_a_subdirectory_and_what_was_there_is_deleted()
    {
        var fix = await _repository.CommitAsync(new Dictionary<string, string> { ["fix.txt"] = "fix\n" }, null, Cancel, branch: "release/1.x");
        Directory.CreateDirectory(Path.Combine(Source, "checkout", ".stale"));
        await File.WriteAllTextAsync(Path.Combine(Source, "checkout", "stale.txt"), "stale", Cancel);
        await File.WriteAllTextAsync(Path.Combine(Source, "beside.txt"), "kept", Cancel);

        var run = await CloneAsync(("revision", "release/1.x"), ("subdirectory", "checkout"));

        run.Succeeded();
        Assert.Equal(fix, run.Results["commit"]);
        Assert.Equal("release/1.x", await ClientGitInAsync(Path.Combine(Source, "checkout"), "symbolic-ref", "--short", "HEAD"));
        Assert.Equal("fix\n", await File.ReadAllTextAsync(Path.Combine(Source, "checkout", "fix.txt"), Cancel));
        Assert.False(File.Exists(Path.Combine(Source, "checkout", "stale.txt")));
        Assert.False(Directory.Exists(Path.Combine(Source, "checkout", ".stale")));
        Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(Source, "beside.txt"), Cancel));
    }

    [Fact]
    public async Task With_delete_existing_false_an_existing_clone_is_updated_and_untracked_files_stay()
    {
        (await CloneAsync()).Succeeded();
        await File.WriteAllTextAsync(Path.Combine(Source, "untracked.txt"), "mine", Cancel);
        var fourth = await _repository.CommitAsync(new Dictionary<string, string> { ["version.txt"] = "four\n" }, null, Cancel);

        var run = await CloneAsync(("delete-existing", "false"));

        run.Succeeded();
        Assert.Equal(fourth, run.Results["commit"]);
        Assert.Equal("four\n", await File.ReadAllTextAsync(Path.Combine(Source, "version.txt"), Cancel));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(Source, "untracked.txt"), Cancel));
    }

    [Fact]
    public async Task Submodules_are_cloned_at_their_recorded_commits_unless_submodules_is_false()
    {
        var library = await _server.CreateRepositoryAsync("lib", new Dictionary<string, string> { ["lib.txt"] = "library\n" }, null, Cancel);
        var libraryCommit = await library.RevParseAsync("main", Cancel);
        await library.CommitAsync(new Dictionary<string, string> { ["lib.txt"] = "newer\n" }, null, Cancel);
        var composite = await _server.CreateRepositoryAsync("composite", new Dictionary<string, string> { ["app.txt"] = "app\n" }, null, Cancel);
        await composite.AddSubmoduleAsync("vendor/lib", library.Url, libraryCommit, null, Cancel);

        var with = await CloneAsync(composite.Url, null);
        var withFile = await File.ReadAllTextAsync(Path.Combine(Source, "vendor", "lib", "lib.txt"), Cancel);
        var withCommit = await ClientGitInAsync(Path.Combine(Source, "vendor", "lib"), "rev-parse", "HEAD");
        var without = await CloneAsync(composite.Url, null, ("submodules", "false"));

        with.Succeeded();
        Assert.Equal(("library\n", libraryCommit), (withFile, withCommit));
        without.Succeeded();
        Assert.Equal("app\n", await File.ReadAllTextAsync(Path.Combine(Source, "app.txt"), Cancel));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Source, "vendor", "lib")));
    }

    [Fact]
    public async Task A_full_ref_and_a_revision_fetched_by_a_refspec_are_checked_out()
    {
        var change = await _repository.CommitAsync(new Dictionary<string, string> { ["change.txt"] = "proposed\n" }, null, Cancel, branch: "proposal");
        await _repository.GitAsync(Cancel, "update-ref", "refs/pull/7/head", change);
        await _repository.GitAsync(Cancel, "update-ref", "-d", "refs/heads/proposal");

        var byRef = await CloneAsync(("revision", "refs/pull/7/head"));
        var byRefFile = await File.ReadAllTextAsync(Path.Combine(Source, "change.txt"), Cancel);
        var byRefspec = await CloneAsync(("refspec", "+refs/pull/7/head:refs/heads/pr-7"), ("revision", "pr-7"));

        byRef.Succeeded();
        Assert.Equal((change, "proposed\n"), (byRef.Results["commit"], byRefFile));
        byRefspec.Succeeded();
        Assert.Equal(change, byRefspec.Results["commit"]);
        Assert.Equal("pr-7", await ClientGitAsync("symbolic-ref", "--short", "HEAD"));
    }

    [Fact]
    public async Task An_unknown_revision_fails_the_TaskRun_with_a_message_naming_it()
    {
        var run = await CloneAsync(("revision", "no-such-branch"));

        run.Failed();
        Assert.Contains("error: unknown revision \"no-such-branch\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_SHA_the_server_does_not_have_fails_the_TaskRun_with_a_message_naming_it()
    {
        const string missing = "0123456789abcdef0123456789abcdef01234567";

        var run = await CloneAsync(("revision", missing));

        run.Failed();
        Assert.Contains($"error: unknown revision \"{missing}\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_from_a_Secret_workspace_clones_and_the_password_is_in_no_output_and_nowhere_under_SLUICE_HOME()
    {
        await using var secured = await GitServer.StartAsync(Credentials, Cancel);
        var repository = await secured.CreateRepositoryAsync("private", new Dictionary<string, string> { ["secret.txt"] = "private\n" }, History[0], Cancel);

        var run = await CloneAsync(repository.Url, BasicAuth(secured, Password));

        run.Succeeded();
        Assert.Equal(await repository.RevParseAsync("main", Cancel), run.Results["commit"]);
        Assert.Equal(repository.Url, run.Results["url"]);
        Assert.Equal("private\n", await File.ReadAllTextAsync(Path.Combine(Source, "secret.txt"), Cancel));
        Assert.Contains(secured.Requests, r => r is { Method: "POST", Status: 200, User: "builder" });
        await AssertSecretIsNowhereAsync(Password, run.Output);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_TaskRun_naming_authentication_and_the_password_is_nowhere()
    {
        const string wrong = "wr0ng-Pa55-also-secret";
        await using var secured = await GitServer.StartAsync(Credentials, Cancel);
        var repository = await secured.CreateRepositoryAsync("private", new Dictionary<string, string> { ["secret.txt"] = "private\n" }, null, Cancel);

        var run = await CloneAsync(repository.Url, BasicAuth(secured, wrong));

        run.Failed();
        Assert.Contains($"error: authentication to 127.0.0.1:{secured.Port} failed", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secured.Requests, r => r.Status == 200);
        Assert.Contains(secured.Requests, r => r.Status == 401);
        var (_, description) = await SluiceProcess.RunAsync(Home, "describe", "--last");
        Assert.Contains("Failed", description, StringComparison.Ordinal);
        await AssertSecretIsNowhereAsync(wrong, run.Output);
    }

    [Fact]
    public async Task Without_credentials_a_private_repository_fails_naming_authentication()
    {
        await using var secured = await GitServer.StartAsync(Credentials, Cancel);
        var repository = await secured.CreateRepositoryAsync("private", new Dictionary<string, string> { ["secret.txt"] = "private\n" }, null, Cancel);

        var run = await CloneAsync(repository.Url, null);

        run.Failed();
        Assert.Contains($"error: authentication to 127.0.0.1:{secured.Port} failed", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Source, "secret.txt")));
    }

    [Fact]
    public async Task A_repository_the_server_does_not_have_fails_the_TaskRun_saying_so()
    {
        var run = await CloneAsync(_server.Url("missing"), null);

        run.Failed();
        Assert.Contains($"error: there is no repository at {_server.Url("missing")}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_server_fails_the_TaskRun_with_a_message_naming_the_host()
    {
        await _server.StopAsync();

        var run = await CloneAsync();

        run.Failed();
        Assert.Contains($"error: cannot reach 127.0.0.1:{_server.Port}", run.Output, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A Secret in Tekton's basic-auth convention and the workspace binding that mounts it.</summary>
    private static (string Secret, string Binding) BasicAuth(GitServer server, string password) => ($"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: git-basic-auth
        type: Opaque
        stringData:
          .git-credentials: http://{Credentials.UserName}:{password}@127.0.0.1:{server.Port}
          .gitconfig: |
            [credential "http://127.0.0.1:{server.Port}"]
              helper = store
        """, """
            - name: basic-auth
              secret:
                secretName: git-basic-auth
        """);

    private Task<CloneRun> CloneAsync(params (string Name, string Value)[] parameters) => CloneAsync(_repository.Url, null, parameters);

    /// <summary>Runs a TaskRun of the catalog's git-clone with a URL, an optional basic-auth Secret and params; returns what sluice printed.</summary>
    private async Task<CloneRun> CloneAsync(string url, (string Secret, string Binding)? auth, params (string Name, string Value)[] parameters)
    {
        var yaml = new StringBuilder();
        if (auth is { } secret)
        {
            yaml.Append(secret.Secret).Append("\n---\n");
        }

        yaml.Append($"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: git-clone-run-
            spec:
              taskRef:
                name: git-clone
              params:
                - name: url
                  value: {url}

            """);
        foreach (var (name, value) in parameters)
        {
            yaml.Append($"    - name: {name}\n      value: \"{value}\"\n");
        }

        yaml.Append("  workspaces:\n    - name: output\n      persistentVolumeClaim:\n        claimName: source\n");
        if (auth is { } binding)
        {
            yaml.Append(binding.Binding).Append('\n');
        }

        var file = Path.Combine(_directory, "run.yaml");
        await File.WriteAllTextAsync(file, yaml.ToString(), Cancel);
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, "run", "--network", "host", "--config", StandIns, file);
        var results = ResultLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        return new CloneRun(exitCode, output, results);
    }

    /// <summary>A secret is in neither the run's output, nor its logs or description, nor any file under SLUICE_HOME.</summary>
    private async Task AssertSecretIsNowhereAsync(string secret, string runOutput)
    {
        var (logsExit, logs) = await SluiceProcess.RunAsync(Home, "logs", "--last");
        var (describeExit, description) = await SluiceProcess.RunAsync(Home, "describe", "--last");
        var (yamlExit, yaml) = await SluiceProcess.RunAsync(Home, "describe", "--last", "-o", "yaml");
        Assert.Equal((0, 0, 0), (logsExit, describeExit, yamlExit));
        Assert.Contains("git-clone", yaml, StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("run", runOutput), ("logs", logs), ("describe", description), ("describe -o yaml", yaml) })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the secret is in the output of {name}:\n{text}");
        }

        var needle = Encoding.UTF8.GetBytes(secret);
        var files = Directory.EnumerateFiles(Home, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var content = await File.ReadAllBytesAsync(file, Cancel);
            Assert.False(content.AsSpan().IndexOf(needle) >= 0, $"the secret is in {Path.GetRelativePath(Home, file)}");
        }
    }

    /// <summary>The host's git in the clone, with no configuration of its own; returns its trimmed output.</summary>
    private Task<string> ClientGitAsync(params string[] arguments) => ClientGitInAsync(Source, arguments);

    private static async Task<string> ClientGitInAsync(string directory, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", .. arguments], TimeSpan.FromSeconds(30), Cancel, directory, new Dictionary<string, string>
        {
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
        });
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)} in {directory}: {result.Stderr}");
        return result.Stdout.Trim();
    }

    [GeneratedRegex(@"^\s+result (?<name>[a-z-]+) = (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();

    /// <summary>How <c>sluice run</c> ended, what it printed and the results it printed.</summary>
    private sealed record CloneRun(int ExitCode, string Output, Dictionary<string, string> Results)
    {
        public void Succeeded()
        {
            Assert.True(ExitCode == 0, Output);
            Assert.True(Results.Count == 3, Output);
        }

        public void Failed()
        {
            Assert.True(ExitCode == 1, Output);
            Assert.Empty(Results);
        }
    }
}
