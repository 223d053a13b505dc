using System.Collections.Immutable;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Tasks;
using Sluice.Oci;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>Release</c>: the last step of a service pipeline. Everything before it pushed by digest; it checks
/// that every image, chart and artifact is in its registry and that no tag it would write names something
/// else, then writes the version tags and finally the Git tag. A rerun finds the tags in place and writes
/// nothing.
/// </summary>
public sealed class ReleaseTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <inheritdoc />
    public override string Kind => "Release";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            Tags what a run published, by digest, with its version in the registry and in Git, once everything else succeeded.
            Before writing anything it checks that every image, chart and artifact digest is in its registry, that no
            version tag it writes already names another digest (a released version never moves; moving-tags such as
            latest may), and that the Git remote is reachable and its tag free or already on the commit. Then it writes
            the registry tags, then the Git tag. Tags already in place are left alone, so a rerun writes nothing.
            """,
        Params =
        [
            Param("version", "The version released, such as 1.4.0."),
            ArrayParam("images", "Images as REPOSITORY@DIGEST, tagged with the tags."),
            ArrayParam("charts", "Helm charts as REPOSITORY@DIGEST, tagged with the version (+ written as _, as Helm does)."),
            ArrayParam("artifacts", "Other OCI artifacts as REPOSITORY@DIGEST, tagged with the tags."),
            ArrayParam("tags", "The tags of images and artifacts; empty: the version alone."),
            ArrayParam("moving-tags", "Tags that may move to the new digest, such as latest."),
            Param("repository", "The Git repository to tag; empty: no Git tag.", string.Empty),
            Param("commit", "The commit the Git tag names.", string.Empty),
            Param("git-tag", "The Git tag; empty: v followed by the version.", string.Empty),
            Param("message", "The Git tag's message; empty: Release VERSION.", string.Empty),
        ],
        Results =
        [
            Result("outcome", "released, or up-to-date when every tag was in place."),
            Result("tags", "Every tag it made sure of, as REPOSITORY:TAG and git:TAG, one per line."),
        ],
        Workspaces =
        [
            Workspace("source", "A clone holding the commit, from which the Git tag is pushed; needed with repository.", optional: true),
            Workspace("basic-auth", "A Secret with .git-credentials for pushing the Git tag.", optional: true),
            Workspace(DockerConfigWorkspace, "A Docker configuration with credentials for the registries; else the user's.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var version = context.Param("version");
        if (version.Length == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", "param version is empty");
        }

        var tags = context.ArrayParam("tags") is { IsEmpty: false } given ? given : [version];
        var moving = context.ArrayParam("moving-tags");
        var wanted = ImmutableArray.CreateBuilder<(OciReference Reference, string Tag, bool Moves)>();
        foreach (var (param, tagsOf) in new[] { ("images", tags), ("artifacts", tags), ("charts", ImmutableArray.Create(version.Replace('+', '_'))) })
        {
            foreach (var text in context.ArrayParam(param))
            {
                var reference = OciReference.Parse(text, out var error) ?? throw new CatalogTaskFailure("InvalidParam", $"param {param}: \"{text}\": {error}");
                if (reference.Digest is null)
                {
                    throw new CatalogTaskFailure("InvalidParam", $"param {param}: \"{text}\" has no digest; release what the run pushed, as REPOSITORY@sha256:...");
                }

                wanted.AddRange(tagsOf.Select(t => (reference, t, false)));
                if (param != "charts")
                {
                    wanted.AddRange(moving.Select(t => (reference, t, true)));
                }
            }
        }

        using var registry = OpenRegistry(context);
        var toWrite = new List<(OciReference Reference, string Tag)>();
        foreach (var reference in wanted.Select(w => w.Reference).Distinct())
        {
            if (await registry.HeadManifestAsync(reference, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new CatalogTaskFailure("ReleaseIncomplete", $"{reference} is not in its registry; nothing was tagged");
            }
        }

        foreach (var (reference, tag, moves) in wanted)
        {
            var current = await registry.HeadManifestAsync(reference.Repository.WithTag(tag), cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Digest == reference.Digest)
            {
                continue;
            }

            if (current is not null && !moves)
            {
                throw new CatalogTaskFailure("ReleaseConflict", $"{reference.Repository}:{tag} already names {current.Digest}, not {reference.Digest}; a released version is not moved, so nothing was tagged (release a new version)");
            }

            toWrite.Add((reference, tag));
        }

        var git = await PrepareGitTagAsync(context, version, cancellationToken).ConfigureAwait(false);
        var made = new List<string>();
        foreach (var (reference, tag) in toWrite)
        {
            await registry.TagAsync(reference.Repository, reference.Digest!, tag, cancellationToken).ConfigureAwait(false);
            await context.Log.WriteLineAsync($"{reference.Repository}:{tag} -> {reference.Digest}", cancellationToken).ConfigureAwait(false);
        }

        made.AddRange(wanted.Select(w => $"{w.Reference.Repository}:{w.Tag}").Distinct());
        var gitWritten = false;
        if (git is { } pending)
        {
            gitWritten = await pending.PushAsync(context, cancellationToken).ConfigureAwait(false);
            made.Add($"git:{pending.Tag}");
        }

        var outcome = toWrite.Count == 0 && !gitWritten ? "up-to-date" : "released";
        await context.Log.WriteLineAsync($"{version}: {outcome} ({toWrite.Count} registry tags written, Git tag {(git is null ? "not asked for" : gitWritten ? "pushed" : "in place")})", cancellationToken).ConfigureAwait(false);
        return CustomTaskOutcome.Success(Results(("outcome", outcome), ("tags", string.Join('\n', made))), $"{version} {outcome}");
    }

    /// <summary>Checks the Git side before any tag is written: the remote answers, and its tag is free or on the commit.</summary>
    private async Task<GitTag?> PrepareGitTagAsync(CustomTaskContext context, string version, CancellationToken cancellationToken)
    {
        var repository = context.Param("repository");
        if (repository.Length == 0)
        {
            return null;
        }

        var commit = context.Param("commit");
        if (commit.Length == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", "param commit is empty; the Git tag needs the commit it names (git-clone's commit result)");
        }

        var source = context.Workspace("source") ?? throw new CatalogTaskFailure("WorkspaceMissing", "workspace \"source\" is not bound; the Git tag is pushed from the clone that holds the commit");
        var tag = context.Param("git-tag") is { Length: > 0 } named ? named : "v" + version;
        var credentials = context.Workspace("basic-auth") is { } auth && File.Exists(Path.Combine(auth, ".git-credentials")) ? Path.Combine(auth, ".git-credentials") : null;
        var git = new GitCommand(Services.Scratch, credentials);
        try
        {
            var (code, stdout, stderr) = await git.RunAsync(source, ["ls-remote", "--tags", repository, $"refs/tags/{tag}", $"refs/tags/{tag}^{{}}"], cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new CatalogTaskFailure(GitCommand.ReasonOf(stderr), $"git ls-remote {GitCommand.Mask(repository)} failed; nothing was tagged: {stderr.Trim()}");
            }

            var remote = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(p => p.Length == 2).ToDictionary(p => p[1], p => p[0], StringComparer.Ordinal);
            var current = remote.GetValueOrDefault($"refs/tags/{tag}^{{}}") ?? remote.GetValueOrDefault($"refs/tags/{tag}");
            if (current is not null && !current.StartsWith(commit, StringComparison.Ordinal))
            {
                throw new CatalogTaskFailure("ReleaseConflict", $"Git tag {tag} of {GitCommand.Mask(repository)} already names {current}, not {commit}; nothing was tagged (release a new version)");
            }

            return new GitTag(git, source, repository, commit, tag, current is not null, context.Param("message") is { Length: > 0 } message ? message : $"Release {version}");
        }
        catch
        {
            git.Dispose();
            throw;
        }
    }

    private sealed record GitTag(GitCommand Git, string Source, string Repository, string Commit, string Tag, bool InPlace, string Message)
    {
        /// <summary>Pushes the tag unless the remote has it; true when it was pushed.</summary>
        public async Task<bool> PushAsync(CustomTaskContext context, CancellationToken cancellationToken)
        {
            using var git = Git;
            if (InPlace)
            {
                return false;
            }

            var (code, _, stderr) = await git.RunAsync(Source, ["tag", "--force", "--annotate", "--message", Message, Tag, Commit], cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new CatalogTaskFailure("GitFailed", $"git tag {Tag} {Commit} failed in workspace \"source\": {stderr.Trim()}");
            }

            (code, _, stderr) = await git.RunAsync(Source, ["push", Repository, $"refs/tags/{Tag}"], cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new CatalogTaskFailure(GitCommand.ReasonOf(stderr), $"git push of tag {Tag} to {GitCommand.Mask(Repository)} failed after the registry tags were written: {stderr.Trim()}");
            }

            await context.Log.WriteLineAsync($"git tag {Tag} -> {Commit} pushed to {GitCommand.Mask(Repository)}", cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
