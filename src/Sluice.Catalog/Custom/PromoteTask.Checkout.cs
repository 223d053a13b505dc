using System.Collections.Immutable;
using Sluice.Catalog.Charts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Catalog.Custom;

/// <summary>The clone Promote works in, and the edit of its values file.</summary>
public sealed partial class PromoteTask
{
    /// <summary>
    /// Sets each path whose value differs in the values file of the clone and writes it back; returns one line per
    /// change, none when the file has every value already.
    /// </summary>
    private static async Task<ImmutableArray<string>> EditAsync(Checkout checkout, Request request, string branch, CancellationToken cancellationToken)
    {
        var file = Path.Combine(checkout.Directory, request.File);
        if (!File.Exists(file))
        {
            throw new CatalogTaskFailure("PromotionFailed", $"{request.File} is not on branch {branch} of {checkout.Display}");
        }

        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var changes = ImmutableArray.CreateBuilder<string>();
        foreach (var (path, value) in request.Settings)
        {
            var current = ScalarAt(text, path);
            if (current == value)
            {
                continue;
            }

            text = YamlTextEditor.Set(text, path, value, out var error)
                ?? throw new CatalogTaskFailure("PromotionFailed", $"{request.File}{(error!.Value.Line > 0 ? $":{error.Value.Line}:{error.Value.Column}" : string.Empty)} on branch {branch}: {error.Value.Message}; nothing was pushed");
            changes.Add($"{path}: {current ?? "(not set)"} -> {value}");
        }

        if (changes.Count > 0)
        {
            await File.WriteAllTextAsync(file, text, cancellationToken).ConfigureAwait(false);
        }

        return changes.ToImmutable();
    }

    /// <summary>The text of the scalar at a dotted path of the first document; null when there is none (or the YAML does not parse, which the edit reports).</summary>
    private static string? ScalarAt(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return null;
        }

        YamlNode? node = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        foreach (var key in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return (node as YamlScalarNode)?.Value;
    }

    /// <summary>A shallow clone of one branch in a scratch directory, driven by the host's git with the task's private home.</summary>
    private sealed class Checkout(GitCommand git, string directory, string repository)
    {
        public string Directory => directory;

        /// <summary>The repository as logs show it: any user:password@ masked.</summary>
        public string Display => GitCommand.Mask(repository);

        public async Task ValidateBranchAsync(string branch, CancellationToken cancellationToken)
        {
            var (code, _, _) = await git.RunAsync(null, ["check-ref-format", "--branch", branch], cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"\"{branch}\" is not a valid branch name; check params branch, service and version");
            }
        }

        /// <summary>Clones <paramref name="branch"/> one commit deep; false when it is <paramref name="optional"/> and the remote has no such branch.</summary>
        public async Task<bool> CloneAsync(string branch, bool optional, CancellationToken cancellationToken)
        {
            var (code, _, stderr) = await git.RunAsync(null, ["clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", branch, repository, directory], cancellationToken).ConfigureAwait(false);
            if (code == 0)
            {
                return true;
            }

            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }

            if (stderr.Contains("not found in upstream", StringComparison.Ordinal))
            {
                return optional ? false : throw new CatalogTaskFailure("PromotionFailed", $"{Display} has no branch {branch}");
            }

            throw new CatalogTaskFailure(Reason(stderr), $"git clone of {Display} branch {branch} failed: {stderr.Trim()}");
        }

        public async Task<string> HeadAsync(CancellationToken cancellationToken)
        {
            var (code, stdout, stderr) = await git.RunAsync(directory, ["rev-parse", "HEAD"], cancellationToken).ConfigureAwait(false);
            return code == 0 ? stdout.Trim() : throw new CatalogTaskFailure("PromotionFailed", $"git rev-parse HEAD in the clone of {Display} failed: {stderr.Trim()}");
        }

        public async Task<string> CommitAsync(string file, string message, (string Name, string Email) author, CancellationToken cancellationToken)
        {
            var (code, _, stderr) = await git.RunAsync(directory, ["add", "--", file], cancellationToken).ConfigureAwait(false);
            if (code == 0)
            {
                (code, _, stderr) = await git.RunAsync(directory, ["-c", $"user.name={author.Name}", "-c", $"user.email={author.Email}", "commit", "--quiet", "--no-verify", "--message", message], cancellationToken).ConfigureAwait(false);
            }

            return code == 0 ? await HeadAsync(cancellationToken).ConfigureAwait(false) : throw new CatalogTaskFailure("PromotionFailed", $"git commit of {file} failed: {stderr.Trim()}");
        }

        /// <summary>Pushes HEAD to <paramref name="branch"/>; false when the remote rejects it because the branch has commits the clone lacks.</summary>
        public async Task<bool> TryPushAsync(string branch, CancellationToken cancellationToken)
        {
            var (code, _, stderr) = await git.RunAsync(directory, ["push", "--quiet", "origin", $"HEAD:refs/heads/{branch}"], cancellationToken).ConfigureAwait(false);
            if (code == 0)
            {
                return true;
            }

            // git's words for a branch that moved on: "! [rejected] HEAD -> main (fetch first)" or
            // "(non-fast-forward)", and the server's "cannot lock ref" when another push updates it that instant.
            if (stderr.Contains("(fetch first)", StringComparison.Ordinal) || stderr.Contains("(non-fast-forward)", StringComparison.Ordinal) || stderr.Contains("cannot lock ref", StringComparison.Ordinal))
            {
                return false;
            }

            throw new CatalogTaskFailure(Reason(stderr), $"git push to {Display} branch {branch} failed: {stderr.Trim()}");
        }

        /// <summary>git's message read as unreachable or refused credentials; anything else (a rejected push, a missing repository) is the promotion's failure.</summary>
        private static string Reason(string stderr) => GitCommand.ReasonOf(stderr) switch
        {
            "GitFailed" => "PromotionFailed",
            var reason => reason,
        };
    }
}
