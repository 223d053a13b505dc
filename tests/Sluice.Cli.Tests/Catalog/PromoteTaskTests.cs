using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;
using Sluice.Testing.Git;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>Promote</c> run by the real <c>sluice run</c> against an environment repository
/// that a <see cref="GitServer"/> serves over HTTP on 127.0.0.1 with Basic auth, the credentials coming from a
/// Secret bound as the <c>basic-auth</c> workspace. What was pushed is read from an independent clone made
/// with the host's git, what the task sent from the server's access log. Needs git; no Docker.
/// </summary>
public sealed partial class PromoteTaskTests : IAsyncLifetime
{
    private const string Password = "pr0mote-Pa55-never-printed";
    private const string Values = """
        # Production: what runs where.
        agenda:
          image:
            repository: registry.example.com/agenda
            tag: 1.4.0 # the version
            digest: "sha256:1111"
          replicas: 3
        conferenceApp:
          chart:
            version: 0.9.0
        """;

    private static readonly NetworkCredential Credentials = new("deployer", Password);

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-promote-task-").FullName;
    private GitServer _server = null!;
    private GitRepository _repository = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    public async ValueTask InitializeAsync()
    {
        _server = await GitServer.StartAsync(Credentials, Cancel);
        _repository = await _server.CreateRepositoryAsync("environments", new Dictionary<string, string> { ["production/values.yaml"] = Values, ["README.md"] = "Environments\n" }, null, Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task The_values_are_committed_and_pushed_to_the_branch_keeping_the_rest_of_the_file_and_a_second_run_is_up_to_date()
    {
        var before = await _repository.RevParseAsync("main", Cancel);

        var run = await PromoteAsync(_repository.Url, "direct");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(("committed", "main"), (run.Results["outcome"], run.Results["branch"]));
        var clone = await CloneAsync("main");
        Assert.Equal(run.Results["commit"], await GitAsync(clone, "rev-parse", "HEAD"));
        Assert.Equal(before, await GitAsync(clone, "rev-parse", "HEAD~1"));
        Assert.Equal(
            Values.Replace("tag: 1.4.0 #", "tag: \"1.5.0\" #", StringComparison.Ordinal).Replace("sha256:1111", "sha256:2222", StringComparison.Ordinal).Replace("version: 0.9.0", "version: \"1.0.0\"", StringComparison.Ordinal),
            await File.ReadAllTextAsync(Path.Combine(clone, "production", "values.yaml"), Cancel));
        Assert.Equal("Promote agenda to 1.5.0", await GitAsync(clone, "log", "-1", "--format=%s"));
        Assert.Equal("Sluice <sluice@localhost> Sluice <sluice@localhost>", await GitAsync(clone, "log", "-1", "--format=%an <%ae> %cn <%ce>"));
        Assert.Equal("production/values.yaml", await GitAsync(clone, "show", "--format=", "--name-only", "HEAD"));
        Assert.Contains("agenda.image.tag: 1.4.0 -> 1.5.0", run.Output, StringComparison.Ordinal);
        await AssertNotPrintedAsync(Password, run.Output);

        var pushes = Pushes();
        var again = await PromoteAsync(_repository.Url, "direct");

        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(("up-to-date", run.Results["commit"], "main"), (again.Results["outcome"], again.Results["commit"], again.Results["branch"]));
        Assert.Equal(run.Results["commit"], await _repository.RevParseAsync("main", Cancel));
        Assert.Equal(pushes, Pushes());
    }

    [Fact]
    public async Task Mode_branch_pushes_a_promote_branch_made_from_the_branch_and_leaves_the_branch_alone()
    {
        var main = await _repository.RevParseAsync("main", Cancel);

        var run = await PromoteAsync(_repository.Url, "branch", author: "Release Bot <bot@example.com>");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(("committed", "promote/agenda-1.5.0"), (run.Results["outcome"], run.Results["branch"]));
        Assert.Equal(main, await _repository.RevParseAsync("main", Cancel));
        var clone = await CloneAsync("promote/agenda-1.5.0");
        Assert.Equal((run.Results["commit"], main), (await GitAsync(clone, "rev-parse", "HEAD"), await GitAsync(clone, "rev-parse", "HEAD~1")));
        Assert.Equal("Release Bot <bot@example.com>", await GitAsync(clone, "log", "-1", "--format=%an <%ae>"));
        Assert.Contains("digest: \"sha256:2222\"", await File.ReadAllTextAsync(Path.Combine(clone, "production", "values.yaml"), Cancel), StringComparison.Ordinal);

        var again = await PromoteAsync(_repository.Url, "branch");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(("up-to-date", run.Results["commit"], "promote/agenda-1.5.0"), (again.Results["outcome"], again.Results["commit"], again.Results["branch"]));
    }

    [Fact]
    public async Task Four_services_promoted_at_once_by_one_sluice_run_all_land_on_the_branch()
    {
        // The runs of one sluice run run at once, as on Tekton: every push but the first of a round finds
        // the branch moved on, and the task starts again from its new head.
        var before = await _repository.RevParseAsync("main", Cancel);
        (string Service, string Path, string Value)[] settings =
        [
            ("agenda", "agenda.image.tag", "1.5.0"),
            ("digest", "agenda.image.digest", "sha256:2222"),
            ("scale", "agenda.replicas", "5"),
            ("chart", "conferenceApp.chart.version", "1.0.0"),
        ];
        var file = Path.Combine(_work, "four.yaml");
        await File.WriteAllTextAsync(file, Secret(Password) + string.Concat(settings.Select(s =>
            PipelineRun($"name: promote-{s.Service}", _repository.Url, $"[\"{s.Path}={s.Value}\"]", s.Service, []))), Cancel);

        var (code, output) = await SluiceProcess.RunAsync(Home, "run", file);

        Assert.True(code == 0, output);
        var clone = await CloneAsync("main");
        Assert.Equal("4", await GitAsync(clone, "rev-list", "--count", $"{before}..HEAD"));
        var values = await File.ReadAllTextAsync(Path.Combine(clone, "production", "values.yaml"), Cancel);
        Assert.Equal(
            Values.Replace("tag: 1.4.0 #", "tag: \"1.5.0\" #", StringComparison.Ordinal).Replace("sha256:1111", "sha256:2222", StringComparison.Ordinal).Replace("replicas: 3", "replicas: \"5\"", StringComparison.Ordinal).Replace("version: 0.9.0", "version: \"1.0.0\"", StringComparison.Ordinal),
            values);
    }

    [Fact]
    public async Task An_unreachable_repository_fails_with_GitUnreachable_and_a_wrong_password_with_GitAuthenticationFailed()
    {
        var closed = await PromoteAsync($"http://127.0.0.1:{ClosedPort()}/environments.git", "direct");

        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("GitUnreachable", closed.Output, StringComparison.Ordinal);

        var refused = await PromoteAsync(_repository.Url, "direct", password: "wr0ng-Pa55-also-secret");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("GitAuthenticationFailed", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wr0ng-Pa55-also-secret", refused.Output, StringComparison.Ordinal);
        Assert.Equal(0, Pushes());
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private int Pushes() => _server.Requests.Count(r => r.Path.EndsWith("/git-receive-pack", StringComparison.Ordinal));

    private async Task<PromoteRun> PromoteAsync(string url, string mode, string password = Password, string author = "Sluice <sluice@localhost>")
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, Secret(password) + PipelineRun(
            "generateName: promote-",
            url,
            "[agenda.image.tag=1.5.0, \"agenda.image.digest=sha256:2222\", conferenceApp.chart.version=1.0.0]",
            "agenda",
            [$"{{name: mode, value: {mode}}}", $"{{name: author, value: \"{author}\"}}"]), Cancel);
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", file);
        var results = ResultLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.TrimEnd('\r'));
        return new PromoteRun(code, output, results);
    }

    /// <summary>
    /// A PipelineRun of one Promote task as a YAML document to follow the Secret: <paramref name="metadata"/>
    /// names it, <paramref name="set"/> is the set param as a flow sequence, <paramref name="more"/> are further
    /// params; the pipeline's results are the task's.
    /// </summary>
    private static string PipelineRun(string metadata, string url, string set, string service, string[] more) => $$"""

        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          {{metadata}}
        spec:
          pipelineSpec:
            workspaces: [{name: git-auth}]
            tasks:
              - name: promote
                taskRef: {apiVersion: sluice.dev/v1, kind: Promote}
                params:
                  - {name: repository, value: "{{url}}"}
                  - {name: file, value: production/values.yaml}
                  - {name: set, value: {{set}}}
                  - {name: service, value: {{service}}}
                  - {name: version, value: 1.5.0}{{string.Concat(more.Select(p => "\n          - " + p))}}
                workspaces: [{name: basic-auth, workspace: git-auth}]
            results:
              - {name: commit, value: $(tasks.promote.results.commit)}
              - {name: outcome, value: $(tasks.promote.results.outcome)}
              - {name: branch, value: $(tasks.promote.results.branch)}
          workspaces:
            - name: git-auth
              secret: {secretName: environments-auth}
        """;

    /// <summary>The Secret <c>environments-auth</c> with the server's credentials, as a YAML document.</summary>
    private string Secret(string password) => $$"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: environments-auth
        type: Opaque
        stringData:
          .git-credentials: http://{{Credentials.UserName}}:{{password}}@127.0.0.1:{{_server.Port}}
        """;

    /// <summary>A clone of one branch of the server's repository on disk, made with the host's git alone.</summary>
    private async Task<string> CloneAsync(string branch)
    {
        var clone = Path.Combine(_work, "clone-" + Guid.NewGuid().ToString("N"));
        await GitAsync(_work, "clone", "--quiet", "--branch", branch, _repository.BarePath, clone);
        return clone;
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", .. arguments], TimeSpan.FromSeconds(30), Cancel, directory, new Dictionary<string, string>
        {
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
        });
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)} in {directory}: {result.Stderr}");
        return result.Stdout.Trim();
    }

    /// <summary>The password is neither in the run's output nor in its stored log and description, nor in any file under SLUICE_HOME.</summary>
    private async Task AssertNotPrintedAsync(string secret, string runOutput)
    {
        var (_, logs) = await SluiceProcess.RunAsync(Home, "logs", "--last");
        var (_, yaml) = await SluiceProcess.RunAsync(Home, "describe", "--last", "-o", "yaml");
        Assert.Contains("pushed", logs, StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("run", runOutput), ("logs", logs), ("describe -o yaml", yaml) })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the secret is in the output of {name}:\n{text}");
        }

        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.EnumerateFiles(Home, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            Assert.False((await File.ReadAllBytesAsync(file, Cancel)).AsSpan().IndexOf(needle) >= 0, $"the secret is in {Path.GetRelativePath(Home, file)}");
        }
    }

    [GeneratedRegex(@"^\s+result (?<name>[a-z-]+) = (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();

    private sealed record PromoteRun(int ExitCode, string Output, Dictionary<string, string> Results);
}
