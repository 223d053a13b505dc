using System.Collections.Immutable;
using Sluice.Engine.Execution;
using Sluice.Model.Kubernetes;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Tekton's legacy credential helper ("creds-init"). The controller picks the Secrets of the TaskRun's
/// ServiceAccount that carry <c>tekton.dev/git-*</c> or <c>tekton.dev/docker-*</c> annotations, or are docker
/// config Secrets (pkg/pod/creds_init.go: credsInit; pkg/credentials/{gitcreds,dockercreds}: MatchingAnnotations),
/// and each step's entrypoint writes them to its own <c>/tekton/creds</c> and copies
/// <c>.docker</c>, <c>.gitconfig</c>, <c>.git-credentials</c> and <c>.ssh</c> into its home directory
/// (cmd/entrypoint/main.go; pkg/credentials/writer: CopyCredsToHome). Here the engine computes those files
/// once and the backend places them in each step, owned by the step's user, before it starts.
/// </summary>
internal static class CredentialsInit
{
    /// <summary>Where credentials are written, and what <c>$(credentials.path)</c> gives (pkg/apis/pipeline/paths.go: CredsDir).</summary>
    public const string Directory = "/tekton/creds";

    // pkg/credentials/writer: CredsInitCredentials, in the order the entrypoint copies them.
    private static readonly string[] HomeEntries = [".docker", ".gitconfig", ".git-credentials", ".ssh"];

    /// <summary>The entrypoint flags the ServiceAccount's Secrets give, in Tekton's order (Secrets as listed, docker before git).</summary>
    /// <param name="serviceAccount">The ServiceAccount.</param>
    /// <param name="findSecret">Finds a Secret by name; a missing one is skipped, as Tekton only warns.</param>
    public static ImmutableArray<CredentialFlag> Flags(ServiceAccount serviceAccount, Func<string, Secret?> findSecret)
    {
        var flags = ImmutableArray.CreateBuilder<CredentialFlag>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in serviceAccount.Secrets)
        {
            if (string.IsNullOrEmpty(reference.Name) || !visited.Add(reference.Name) || findSecret(reference.Name) is not { } secret)
            {
                continue;
            }

            var type = secret.Type ?? "Opaque";
            switch (type)
            {
                case "kubernetes.io/basic-auth":
                    flags.AddRange(Annotated(secret, "tekton.dev/docker-").Select(url => new CredentialFlag(CredentialKind.BasicDocker, reference.Name, url)));
                    break;
                case "kubernetes.io/dockerconfigjson":
                    flags.Add(new CredentialFlag(CredentialKind.DockerConfig, reference.Name, null));
                    break;
                case "kubernetes.io/dockercfg":
                    flags.Add(new CredentialFlag(CredentialKind.DockerCfg, reference.Name, null));
                    break;
            }

            var git = type switch
            {
                "kubernetes.io/basic-auth" => CredentialKind.BasicGit,
                "kubernetes.io/ssh-auth" => CredentialKind.SshGit,
                _ => (CredentialKind?)null,
            };
            if (git is { } kind)
            {
                flags.AddRange(Annotated(secret, "tekton.dev/git-").Select(url => new CredentialFlag(kind, reference.Name, url)));
            }
        }

        return flags.ToImmutable();
    }

    /// <summary>
    /// What one step receives: <c>/tekton/creds</c> (world-writable, as Tekton's per-step emptyDir) with the
    /// written files, then the copies in its home directory (directories 0700, files 0600).
    /// </summary>
    /// <param name="written">The files the writers produced, relative to the credentials directory.</param>
    public static ImmutableArray<ContainerFile> ForStep(ImmutableArray<ContainerFile> written)
    {
        if (written.IsEmpty)
        {
            return [];
        }

        var files = ImmutableArray.CreateBuilder<ContainerFile>(1 + (2 * written.Length));
        files.Add(new ContainerFile(Directory, null, 0x1FF));
        files.AddRange(written.Select(f => f with { Path = $"{Directory}/{f.Path}" }));
        foreach (var entry in HomeEntries)
        {
            files.AddRange(written
                .Where(f => f.Path == entry || f.Path.StartsWith(entry + "/", StringComparison.Ordinal))
                .Select(f => f with { Mode = f.IsDirectory ? 0x1C0 : 0x180 }));
        }

        return files.ToImmutable();
    }

    // writer.SortAnnotations: the values of the annotations with the prefix, sorted.
    private static IEnumerable<string> Annotated(Secret secret, string prefix) =>
        secret.Metadata.Annotations.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(kv => kv.Value).Order(StringComparer.Ordinal);
}

/// <summary>The kinds of credential flags Tekton's controller gives the entrypoint.</summary>
internal enum CredentialKind
{
    /// <summary><c>-basic-docker=secret=url</c>: a basic-auth Secret for a registry.</summary>
    BasicDocker,

    /// <summary><c>-docker-config=secret</c>: a <c>kubernetes.io/dockerconfigjson</c> Secret.</summary>
    DockerConfig,

    /// <summary><c>-docker-cfg=secret</c>: a <c>kubernetes.io/dockercfg</c> Secret.</summary>
    DockerCfg,

    /// <summary><c>-basic-git=secret=url</c>: a basic-auth Secret for a git server.</summary>
    BasicGit,

    /// <summary><c>-ssh-git=secret=url</c>: an ssh-auth Secret for a git server.</summary>
    SshGit,
}

/// <summary>One credential flag.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Secret">The Secret's name.</param>
/// <param name="Url">The annotation's value, for the kinds that have one.</param>
internal sealed record CredentialFlag(CredentialKind Kind, string Secret, string? Url)
{
    /// <summary>The flag as the entrypoint receives it, for messages.</summary>
    public override string ToString() => Kind switch
    {
        CredentialKind.BasicDocker => $"-basic-docker={Secret}={Url}",
        CredentialKind.DockerConfig => $"-docker-config={Secret}",
        CredentialKind.DockerCfg => $"-docker-cfg={Secret}",
        CredentialKind.BasicGit => $"-basic-git={Secret}={Url}",
        _ => $"-ssh-git={Secret}={Url}",
    };
}
