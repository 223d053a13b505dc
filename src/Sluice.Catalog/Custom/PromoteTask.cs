using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>Promote</c>: the hand-off to an environment's pipeline. Clones the environment's Git repository, sets
/// dotted paths of a YAML values file in place, and commits and pushes the change to the branch or to a new
/// <c>promote/SERVICE-VERSION</c> branch; a file that has the values already is left alone and nothing is pushed.
/// </summary>
public sealed partial class PromoteTask(CatalogServices services) : CatalogCustomTask(services)
{
    /// <summary>How many times a promotion starts again when the branch moved on between its clone and its push.</summary>
    private const int PushAttempts = 10;

    /// <inheritdoc />
    public override string Kind => "Promote";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            Promotes a version into an environment repository: sets PATH=VALUE in a YAML values file and pushes the commit.
            The repository is cloned with the host's git, credentials from the basic-auth workspace kept in a private
            home and never printed. Only the values' characters change, so comments and layout stay. The commit goes
            straight to the branch (mode direct) or to a new branch promote/SERVICE-VERSION (mode branch) for review.
            When the file has the values already, nothing is committed or pushed and the outcome is up-to-date.
            A push the remote rejects because the branch moved on (another service promoted at the same time)
            starts again from the branch's new head, up to 10 times.
            """,
        Params =
        [
            Param("repository", "The environment repository's URL (https or http) or path."),
            Param("branch", "The branch the environment deploys from.", "main"),
            Param("file", "The values file, relative to the repository's root."),
            ArrayParam("set", "PATH=VALUE settings of the file, such as agenda.image.digest=sha256:..., written as strings."),
            Param("service", "The service promoted, for the message and the branch name."),
            Param("version", "The version promoted, for the message and the branch name."),
            Param("message", "The commit message; empty: Promote SERVICE to VERSION. The settings are listed below it.", string.Empty),
            new ParamSpec { Name = "mode", Description = "direct: push to the branch; branch: push to promote/SERVICE-VERSION, made from the branch.", Default = ParamValue.Of("direct"), Enum = ["direct", "branch"] },
            Param("author", "The commit's author and committer, as Name <email>.", "Sluice <sluice@localhost>"),
        ],
        Results =
        [
            Result("commit", "The SHA of the new commit, or of the commit that has the values already."),
            Result("outcome", "committed, or up-to-date when the file had the values."),
            Result("branch", "The branch that holds the commit."),
        ],
        Workspaces =
        [
            Workspace("basic-auth", "A Secret with .git-credentials (https://user:password@host lines) for cloning and pushing.", optional: true),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var request = Read(context);
        string? credentials = null;
        if (context.Workspace("basic-auth") is { } auth)
        {
            credentials = Path.Combine(auth, ".git-credentials");
            if (!File.Exists(credentials))
            {
                throw new CatalogTaskFailure("CredentialsMissing", "workspace \"basic-auth\" holds no .git-credentials; bind a Secret with https://user:password@host lines");
            }
        }

        using var git = new GitCommand(Services.Scratch, credentials);
        for (var attempt = 1; ; attempt++)
        {
            var clone = Path.Combine(Services.Scratch, "sluice-promote-" + Guid.NewGuid().ToString("N"));
            try
            {
                if (await PromoteAsync(context, request, new Checkout(git, clone, request.Repository), cancellationToken).ConfigureAwait(false) is { } outcome)
                {
                    return outcome;
                }
            }
            finally
            {
                if (Directory.Exists(clone))
                {
                    Directory.Delete(clone, recursive: true);
                }
            }

            if (attempt == PushAttempts)
            {
                throw new CatalogTaskFailure("PromotionFailed", $"the branch moved on between clone and push {PushAttempts} times; something else pushes to it without pause");
            }

            await context.Log.WriteLineAsync("the branch moved on since the clone (another promotion pushed first): starting again from its new head", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clones, edits, commits and pushes; null when the push was rejected because the branch moved on meanwhile.</summary>
    private static async Task<CustomTaskOutcome?> PromoteAsync(CustomTaskContext context, Request request, Checkout checkout, CancellationToken cancellationToken)
    {
        var target = request.Mode == "branch" ? $"promote/{request.Service}-{request.Version}" : request.Branch;
        await checkout.ValidateBranchAsync(target, cancellationToken).ConfigureAwait(false);
        var onTarget = request.Mode == "branch" && await checkout.CloneAsync(target, optional: true, cancellationToken).ConfigureAwait(false);
        if (!onTarget)
        {
            await checkout.CloneAsync(request.Branch, optional: false, cancellationToken).ConfigureAwait(false);
        }

        var from = onTarget ? target : request.Branch;
        var head = await checkout.HeadAsync(cancellationToken).ConfigureAwait(false);
        await context.Log.WriteLineAsync($"cloned {checkout.Display} branch {from} at {head}", cancellationToken).ConfigureAwait(false);

        var changes = await EditAsync(checkout, request, from, cancellationToken).ConfigureAwait(false);
        foreach (var change in changes)
        {
            await context.Log.WriteLineAsync($"{request.File}: {change}", cancellationToken).ConfigureAwait(false);
        }

        if (changes.IsEmpty)
        {
            await context.Log.WriteLineAsync($"{request.File} on branch {from} has every value already: up-to-date, nothing pushed", cancellationToken).ConfigureAwait(false);
            return Outcome(head, "up-to-date", from, $"{request.Service} {request.Version} is in {request.File} on branch {from} already");
        }

        var commit = await checkout.CommitAsync(request.File, request.CommitMessage, request.Author, cancellationToken).ConfigureAwait(false);
        await context.Log.WriteLineAsync($"committed {commit}: {request.Subject}", cancellationToken).ConfigureAwait(false);
        if (!await checkout.TryPushAsync(target, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await context.Log.WriteLineAsync($"pushed {commit} to {checkout.Display} branch {target}", cancellationToken).ConfigureAwait(false);
        return Outcome(commit, "committed", target, $"{request.Service} {request.Version} promoted: {commit} on branch {target}");
    }

    private static CustomTaskOutcome Outcome(string commit, string outcome, string branch, string message) =>
        CustomTaskOutcome.Success(Results(("commit", commit), ("outcome", outcome), ("branch", branch)), message);

    private static Request Read(CustomTaskContext context)
    {
        foreach (var name in new[] { "repository", "file", "service", "version" })
        {
            if (context.Param(name).Length == 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param {name} is empty");
            }
        }

        var file = context.Param("file");
        if (Path.IsPathRooted(file) || file.Split('/', '\\').Contains(".."))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param file \"{file}\" leaves the repository; give a path relative to its root, such as production/values.yaml");
        }

        var author = AuthorPattern().Match(context.Param("author"));
        if (!author.Success)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param author \"{context.Param("author")}\" is not Name <email>, such as Sluice <sluice@localhost>");
        }

        var mode = context.Param("mode");
        if (mode is not ("direct" or "branch"))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param mode \"{mode}\" is neither direct nor branch");
        }

        var settings = ImmutableArray.CreateBuilder<(string Path, string Value)>();
        foreach (var item in context.ArrayParam("set"))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param set: \"{item}\" is not PATH=VALUE, such as agenda.image.tag=1.4.0");
            }

            settings.Add((item[..equals], item[(equals + 1)..]));
        }

        if (settings.Count == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", "param set is empty; give PATH=VALUE settings, such as agenda.image.tag=1.4.0");
        }

        var service = context.Param("service");
        var version = context.Param("version");
        var subject = context.Param("message") is { Length: > 0 } message ? message : $"Promote {service} to {version}";
        return new Request(context.Param("repository"), context.Param("branch"), file, settings.ToImmutable(), service, version, subject, mode, (author.Groups["name"].Value, author.Groups["email"].Value));
    }

    [GeneratedRegex(@"^(?<name>[^<>]*[^<>\s])\s*<(?<email>[^<>\s]+)>$")]
    private static partial Regex AuthorPattern();

    private sealed record Request(string Repository, string Branch, string File, ImmutableArray<(string Path, string Value)> Settings, string Service, string Version, string Subject, string Mode, (string Name, string Email) Author)
    {
        /// <summary>The subject, then the settings, so a reviewer sees what changed without the diff.</summary>
        public string CommitMessage
        {
            get
            {
                var text = new StringBuilder(Subject).Append("\n\n").Append("Set in ").Append(File).Append(":\n");
                foreach (var (path, value) in Settings)
                {
                    text.Append("  ").Append(path).Append(": ").Append(value).Append('\n');
                }

                return text.ToString();
            }
        }
    }
}
