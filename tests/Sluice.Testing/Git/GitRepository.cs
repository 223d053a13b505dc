using System.Globalization;

namespace Sluice.Testing.Git;

/// <summary>
/// A bare repository of a <see cref="GitServer"/>, changed the way a developer would: the host's <c>git</c>
/// commits, tags and branches in a work clone of its own and pushes to the bare repository on disk, so
/// the server's access log holds only what clients did over HTTP.
/// </summary>
public sealed class GitRepository
{
    private static readonly TimeSpan GitLimit = TimeSpan.FromSeconds(60);

    private readonly string _work;
    private readonly string _home;

    internal GitRepository(string name, string url, string barePath, string work, string home)
    {
        Name = name;
        Url = url;
        BarePath = barePath;
        _work = work;
        _home = home;
    }

    /// <summary>The name the server serves it under: <c>NAME.git</c>.</summary>
    public string Name { get; }

    /// <summary>The clone URL without credentials.</summary>
    public string Url { get; }

    /// <summary>The bare repository on disk.</summary>
    public string BarePath { get; }

    /// <summary>
    /// Writes <paramref name="files"/> (relative path to text) over the tip of <paramref name="branch"/>
    /// (the default branch when null; a new branch starts at the default branch), commits everything and
    /// pushes; returns the new commit's SHA.
    /// </summary>
    public async Task<string> CommitAsync(IReadOnlyDictionary<string, string> files, GitCommit? commit, CancellationToken cancellationToken, string? branch = null)
    {
        branch ??= await DefaultBranchAsync(cancellationToken);
        await SyncAsync(branch, cancellationToken);
        WriteFiles(_work, files);
        await CommitAllAsync(commit ?? new GitCommit(), cancellationToken);
        await RunGitAsync(_work, cancellationToken, "push", "--quiet", "origin", branch);
        return await RevParseAsync(branch, cancellationToken);
    }

    /// <summary>
    /// Adds a submodule at <paramref name="path"/> that points at <paramref name="commit"/> (a full SHA) of
    /// the repository at <paramref name="url"/>, on the default branch, and pushes; returns the new commit's
    /// SHA. Nothing is fetched from <paramref name="url"/>: the gitlink and <c>.gitmodules</c> are written
    /// directly, as <c>git submodule add</c> would leave them.
    /// </summary>
    public async Task<string> AddSubmoduleAsync(string path, string url, string commit, GitCommit? identity, CancellationToken cancellationToken)
    {
        var branch = await DefaultBranchAsync(cancellationToken);
        await SyncAsync(branch, cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(_work, ".gitmodules"), $"[submodule \"{path}\"]\n\tpath = {path}\n\turl = {url}\n", cancellationToken);
        Directory.CreateDirectory(Path.Combine(_work, path));
        await RunGitAsync(_work, cancellationToken, "update-index", "--add", "--cacheinfo", $"160000,{commit},{path}");
        await CommitAllAsync(identity ?? new GitCommit(), cancellationToken);
        await RunGitAsync(_work, cancellationToken, "push", "--quiet", "origin", branch);
        return await RevParseAsync(branch, cancellationToken);
    }

    /// <summary>
    /// Tags <paramref name="revision"/> and pushes the tag: an annotated tag when <paramref name="message"/>
    /// is given (its tagger and date from <paramref name="commit"/>), a lightweight one otherwise.
    /// </summary>
    public async Task TagAsync(string tag, string revision, string? message, CancellationToken cancellationToken, GitCommit? commit = null)
    {
        await RunGitAsync(_work, cancellationToken, "fetch", "--quiet", "--force", "--tags", "origin");
        string[] create = message is null
            ? ["tag", tag, await RevParseAsync(revision, cancellationToken)]
            : ["tag", "--annotate", "--message", message, tag, await RevParseAsync(revision, cancellationToken)];
        await RunGitAsync(_work, cancellationToken, commit ?? new GitCommit(), create);
        await RunGitAsync(_work, cancellationToken, "push", "--quiet", "origin", $"refs/tags/{tag}");
    }

    /// <summary>Creates <paramref name="branch"/> at <paramref name="revision"/> and pushes it.</summary>
    public async Task BranchAsync(string branch, string revision, CancellationToken cancellationToken)
    {
        var sha = await RevParseAsync(revision, cancellationToken);
        await RunGitAsync(_work, cancellationToken, "push", "--quiet", "origin", $"{sha}:refs/heads/{branch}");
    }

    /// <summary>The full SHA of a revision of the bare repository (a tag resolves to its commit).</summary>
    public async Task<string> RevParseAsync(string revision, CancellationToken cancellationToken) =>
        (await GitAsync(cancellationToken, "rev-parse", "--verify", "--quiet", $"{revision}^{{commit}}")).Trim();

    /// <summary>Runs the host's <c>git</c> in the bare repository and returns its standard output; a failure throws with its error output.</summary>
    public Task<string> GitAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunGitAsync(BarePath, cancellationToken, arguments);

    internal static void WriteFiles(string directory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
    }

    internal async Task CommitAllAsync(GitCommit commit, CancellationToken cancellationToken)
    {
        await RunGitAsync(_work, cancellationToken, "add", "--all");
        await RunGitAsync(_work, cancellationToken, commit, "commit", "--quiet", "--allow-empty", "--message", commit.Message);
    }

    internal Task<string> RunGitAsync(string directory, CancellationToken cancellationToken, params string[] arguments) =>
        RunGitAsync(directory, cancellationToken, new GitCommit(), arguments);

    private async Task<string> RunGitAsync(string directory, CancellationToken cancellationToken, GitCommit identity, params string[] arguments)
    {
        var result = await TryGitAsync(directory, cancellationToken, identity, arguments);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
    }

    /// <summary>Runs the host's git with this server's home, no system configuration and the identity and date of <paramref name="identity"/>.</summary>
    private Task<ProcessResult> TryGitAsync(string directory, CancellationToken cancellationToken, GitCommit identity, params string[] arguments)
    {
        var offset = identity.Date.Offset;
        var stamp = string.Create(CultureInfo.InvariantCulture, $"{identity.Date.ToUnixTimeSeconds()} {(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):D2}{Math.Abs(offset.Minutes):D2}");
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_AUTHOR_NAME"] = identity.AuthorName,
            ["GIT_AUTHOR_EMAIL"] = identity.AuthorEmail,
            ["GIT_AUTHOR_DATE"] = stamp,
            ["GIT_COMMITTER_NAME"] = identity.AuthorName,
            ["GIT_COMMITTER_EMAIL"] = identity.AuthorEmail,
            ["GIT_COMMITTER_DATE"] = stamp,
        };
        return ProcessRunner.RunAsync("git", arguments, GitLimit, cancellationToken, directory, environment);
    }

    private async Task<string> DefaultBranchAsync(CancellationToken cancellationToken) =>
        (await GitAsync(cancellationToken, "symbolic-ref", "--short", "HEAD")).Trim();

    /// <summary>Brings the work clone to the server's tip of a branch, since clients may have pushed to it.</summary>
    private async Task SyncAsync(string branch, CancellationToken cancellationToken)
    {
        await RunGitAsync(_work, cancellationToken, "fetch", "--quiet", "--force", "origin");
        var start = (await TryGitAsync(_work, cancellationToken, new GitCommit(), "rev-parse", "--verify", "--quiet", $"refs/remotes/origin/{branch}")).ExitCode == 0
            ? $"origin/{branch}"
            : $"origin/{await DefaultBranchAsync(cancellationToken)}";
        await RunGitAsync(_work, cancellationToken, "checkout", "--quiet", "--force", "-B", branch, start);
        await RunGitAsync(_work, cancellationToken, "clean", "--quiet", "--force", "-d", "-x");
    }
}
