using System.Diagnostics;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's <c>version</c> Task run by the real <c>sluice run</c> on Docker against git repositories
/// made here with the host's <c>git</c>: commits with chosen messages, tags and branches in the named claim
/// <c>source</c>, which the TaskRun binds as a PersistentVolumeClaim. The TaskRun's file defines no Task, so
/// each run also proves a taskRef resolves to the catalog. Needs the Docker engine and the git stand-in
/// image that eng/ installs.
/// </summary>
public sealed partial class VersionTaskTests : IDisposable
{
    private const string Run = """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          generateName: version-run-
        spec:
          taskRef:
            name: version
            kind: Task
          workspaces:
            - name: source
              persistentVolumeClaim:
                claimName: source
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-version-task-").FullName;
    private string? _work;
    private int _clock;

    private static string StandIns => Path.Combine(RepositoryPaths.Root, "eng", "images", "standins.yaml");

    private string Home => Path.Combine(_directory, "home");

    /// <summary>The named claim <c>source</c>, where both local backends keep it.</summary>
    private string Repository => Path.Combine(Home, "claims", "default", "source");

    [Fact]
    public async Task Without_a_release_tag_the_version_is_the_initial_version()
    {
        Init();
        Commit("feat: the first feature");
        Commit("fix: a fix");
        Tag("v1.0.0-rc.1");
        Tag("build-7");

        var results = await VersionAsync();

        Assert.Equal(("0.1.0", "v0.1.0", "false"), (results["version"], results["tag"], results["is-release"]));
        Assert.Equal(Git("rev-parse", "HEAD"), results["commit"]);
    }

    [Fact]
    public async Task A_tagged_head_is_that_release()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.2");
        Commit("feat: two");
        Git("tag", "-a", "v1.2.3", "-m", "release 1.2.3");

        var results = await VersionAsync();

        Assert.Equal(("1.2.3", "v1.2.3", "true"), (results["version"], results["tag"], results["is-release"]));
        Assert.Equal(Git("rev-parse", "HEAD"), results["commit"]);
    }

    [Fact]
    public async Task A_fix_after_a_release_is_the_next_patch()
    {
        Init();
        Commit("feat: one");
        Tag("v1.2.3");
        Commit("fix: two");
        Commit("docs: three");

        var results = await VersionAsync();

        Assert.Equal(("1.2.4", "v1.2.4", "false"), (results["version"], results["tag"], results["is-release"]));
    }

    [Fact]
    public async Task A_feature_after_a_release_is_the_next_minor()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("fix: two");
        Commit("feat(api): three");
        Commit("chore: four");

        var results = await VersionAsync();

        Assert.Equal(("1.3.0", "v1.3.0"), (results["version"], results["tag"]));
    }

    [Fact]
    public async Task A_bang_after_the_type_is_the_next_major()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("feat: two");
        Commit("fix(parser)!: three");

        var results = await VersionAsync();

        Assert.Equal(("2.0.0", "v2.0.0"), (results["version"], results["tag"]));
    }

    [Fact]
    public async Task A_breaking_change_footer_is_the_next_major()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("feat: two", "The old flag is gone.\n\nBREAKING CHANGE: --legacy is removed");
        Commit("fix: three");

        var results = await VersionAsync();

        Assert.Equal(("2.0.0", "v2.0.0"), (results["version"], results["tag"]));
    }

    [Fact]
    public async Task Release_tags_are_ordered_as_numbers_and_other_tags_are_ignored()
    {
        Init();
        Commit("fix: one");
        Tag("v1.9.0");
        Commit("fix: two");
        Tag("v1.10.0");
        Commit("fix: three");
        Tag("v2.0.0-rc.1");
        Tag("nightly");

        var results = await VersionAsync();

        Assert.Equal(("1.10.1", "false"), (results["version"], results["is-release"]));
    }

    [Fact]
    public async Task A_feature_branch_gets_a_pre_release_of_its_name_and_its_commits_since_main_and_nothing_is_written()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("fix: two");
        Git("checkout", "-q", "-b", "Feature/Login_Page");
        Commit("feat: login");
        Commit("fix: login again");
        Commit("test: login");
        var refsBefore = Git("for-each-ref");
        var statusBefore = Git("status", "--porcelain", "--ignored");

        var results = await VersionAsync();

        Assert.Equal(("1.3.0-feature-login-page.3", "v1.3.0-feature-login-page.3", "false"), (results["version"], results["tag"], results["is-release"]));
        Assert.Equal(Git("rev-parse", "HEAD"), results["commit"]);
        Assert.Equal(refsBefore, Git("for-each-ref"));
        Assert.Equal(statusBefore, Git("status", "--porcelain", "--ignored"));
    }

    [Fact]
    public async Task The_branch_and_main_branch_params_decide_what_is_a_pre_release()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("fix: two");

        var asBranch = await VersionAsync("-p", "branch=release/2.x");
        var asTrunk = await VersionAsync("-p", "main-branch=trunk", "-p", "branch=trunk");

        Assert.Equal("1.2.4-release-2-x.0", asBranch["version"]);
        Assert.Equal("1.2.4", asTrunk["version"]);
    }

    [Fact]
    public async Task A_detached_head_is_versioned_as_the_main_branch()
    {
        Init();
        Commit("fix: one");
        Tag("v1.2.3");
        Commit("feat: two");
        Git("checkout", "-q", "--detach");

        var results = await VersionAsync();

        Assert.Equal("1.3.0", results["version"]);
    }

    [Fact]
    public async Task A_custom_tag_prefix_reads_and_names_tags_with_it()
    {
        Init();
        Commit("fix: one");
        Tag("release-1.4.0");
        Commit("fix: two");
        Tag("v9.0.0");
        Commit("fix: three");

        var results = await VersionAsync("-p", "tag-prefix=release-");

        Assert.Equal(("1.4.1", "release-1.4.1", "false"), (results["version"], results["tag"], results["is-release"]));
    }

    [Fact]
    public async Task A_repository_in_a_subdirectory_and_a_custom_initial_version()
    {
        Init(Path.Combine("services", "api"));
        Commit("feat: one");

        var results = await VersionAsync("-p", "subdirectory=services/api", "-p", "initial-version=1.0.0");

        Assert.Equal(("1.0.0", "v1.0.0"), (results["version"], results["tag"]));
    }

    [Fact]
    public async Task Start_task_and_run_task_run_the_catalog_task_that_nobody_stored_or_wrote()
    {
        Init();
        Commit("fix: one");
        Tag("v0.3.0");
        Commit("feat: two");
        var other = Path.Combine(_directory, "other.yaml");
        await File.WriteAllTextAsync(other, Run.Replace("name: version\n", "name: unrelated\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var started = await SluiceProcess.RunAsync(Home, "start", "task", "version", "-w", "source=pvc:source", "--network", "none", "--config", StandIns);
        var ran = await SluiceProcess.RunAsync(Home, "run", "--task", "version", "-w", "source=pvc:source", "--network", "none", "--config", StandIns, other);

        foreach (var (exitCode, output) in new[] { started, ran })
        {
            Assert.True(exitCode == 0, output);
            Assert.Contains("  result version = 0.4.0\n", output, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Runs the TaskRun of the catalog's version Task with extra <c>sluice run</c> arguments; returns its results.</summary>
    private async Task<Dictionary<string, string>> VersionAsync(params string[] arguments)
    {
        var file = Path.Combine(_directory, "run.yaml");
        await File.WriteAllTextAsync(file, Run, TestContext.Current.CancellationToken);
        var (exitCode, output) = await SluiceProcess.RunAsync(Home, ["run", "--network", "none", "--config", StandIns, .. arguments, file]);
        Assert.True(exitCode == 0, output);
        var results = ResultLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        Assert.True(results.Count == 4, output);
        return results;
    }

    /// <summary>Makes a repository at the root of the claim, or in a directory of it.</summary>
    private void Init(string? directory = null)
    {
        _work = Directory.CreateDirectory(Path.Combine(Repository, directory ?? string.Empty)).FullName;
        Git("init", "-q", "-b", "main");
    }

    /// <summary>A commit of one more line, one minute after the last, so that every run of a test makes the same history.</summary>
    private void Commit(string subject, string? body = null)
    {
        _clock++;
        var file = Path.Combine(_work!, "changes.txt");
        File.AppendAllText(file, $"{subject}\n");
        Git("add", "-A");
        Git(["commit", "-q", "-m", subject, .. body is null ? Array.Empty<string>() : ["-m", body]]);
    }

    private void Tag(string name) => Git("tag", name);

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = _work ?? Repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var time = $"2026-01-01T00:{_clock:00}:00Z";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Sluice Tests";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "tests@sluice.invalid";
        start.Environment["GIT_AUTHOR_DATE"] = start.Environment["GIT_COMMITTER_DATE"] = time;
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var git = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {error}");
        return output.TrimEnd('\n');
    }

    [GeneratedRegex(@"^\s+result (?<name>[a-z-]+) = (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
