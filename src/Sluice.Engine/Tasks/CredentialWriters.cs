using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Engine.Tasks;

/// <summary>
/// The files Tekton's entrypoint writes into <c>/tekton/creds</c> from its credential flags: first it
/// parses the flags, reading each Secret's keys (a flag it cannot take stops the entrypoint before the step
/// runs), then the docker writer and the git writer write (an error there is only logged and leaves that
/// writer's files out). pkg/credentials/dockercreds/creds.go, gitcreds/{basic,ssh}.go.
/// </summary>
internal static partial class CredentialWriters
{
    private const int DirectoryMode = 0x1ED;
    private const int FileMode = 0x180;

    /// <summary>The files, relative to the credentials directory, each directory before what it holds.</summary>
    /// <param name="flags">The flags, in order.</param>
    /// <param name="secretData">A Secret's keys and values by Secret name.</param>
    /// <exception cref="CredentialFlagException">A flag the entrypoint refuses.</exception>
    public static ImmutableArray<ContainerFile> Write(ImmutableArray<CredentialFlag> flags, Func<string, IReadOnlyDictionary<string, byte[]>> secretData)
    {
        var state = new FlagState();
        foreach (var flag in flags)
        {
            if (Parse(flag, state, secretData) is { } error)
            {
                var value = flag.Url is null ? flag.Secret : $"{flag.Secret}={flag.Url}";
                var name = flag.ToString()[1..flag.ToString().IndexOf('=', StringComparison.Ordinal)];
                throw new CredentialFlagException($"invalid value \"{value}\" for flag -{name}: {error}");
            }
        }

        var files = new FileSet();
        WriteDocker(state, secretData, files);
        WriteBasicGit(state, files);
        WriteSsh(state, files);
        return files.ToImmutable();
    }

    /// <summary>The error Go's flag.Value.Set would return, or null.</summary>
    private static string? Parse(CredentialFlag flag, FlagState state, Func<string, IReadOnlyDictionary<string, byte[]>> secretData)
    {
        if (flag.Kind is CredentialKind.DockerConfig or CredentialKind.DockerCfg)
        {
            (flag.Kind == CredentialKind.DockerConfig ? state.DockerConfigs : state.DockerCfgs).Add(flag.Secret);
            return null;
        }

        // The entrypoint splits "secret=url" on every '=': a URL with '=' in it is refused.
        var value = $"{flag.Secret}={flag.Url}";
        if (value.Count(c => c == '=') != 1)
        {
            return $"expect entries of the form secret=url, got: {value}";
        }

        var url = flag.Url ?? string.Empty;
        var data = secretData(flag.Secret);
        switch (flag.Kind)
        {
            case CredentialKind.BasicDocker:
                if (state.DockerBasic.ContainsKey(url))
                {
                    return $"multiple entries for url: {url}";
                }

                if (Read(data, flag.Secret, "username", out var user) is { } noUser)
                {
                    return noUser;
                }

                if (Read(data, flag.Secret, "password", out var password) is { } noPassword)
                {
                    return noPassword;
                }

                state.DockerBasic[url] = new DockerEntry(user, password, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")), "not@val.id");
                return null;
            case CredentialKind.BasicGit:
                if (state.GitBasic.Any(e => e.Url == url))
                {
                    return $"multiple entries for url: {url}";
                }

                if (Read(data, flag.Secret, "username", out var gitUser) is { } noGitUser)
                {
                    return noGitUser;
                }

                if (Read(data, flag.Secret, "password", out var gitPassword) is { } noGitPassword)
                {
                    return noGitPassword;
                }

                var (parsed, parseError) = GoUrl.Parse(url);
                if (parsed is null)
                {
                    return parseError;
                }

                state.GitBasic.Add(new BasicEntry(url, parsed, gitUser, gitPassword));
                return null;
            default:
                if (Read(data, flag.Secret, "ssh-privatekey", out var key) is { } sshError)
                {
                    return sshError;
                }

                _ = Read(data, flag.Secret, "known_hosts", out var knownHosts);
                state.Ssh.Add(new SshEntry(url, flag.Secret, key, knownHosts));
                return null;
        }
    }

    /// <summary>Reads a key of the Secret as the entrypoint reads the file of its volume; returns the error os.ReadFile would give.</summary>
    private static string? Read(IReadOnlyDictionary<string, byte[]> data, string secret, string key, out string value)
    {
        if (data.TryGetValue(key, out var bytes))
        {
            value = Encoding.UTF8.GetString(bytes);
            return null;
        }

        value = string.Empty;
        return $"open /tekton/creds-secrets/{secret}/{key}: no such file or directory";
    }

    /// <summary>What the flags gave, as the entrypoint's flag values hold it.</summary>
    private sealed class FlagState
    {
        public List<string> DockerCfgs { get; } = [];

        public List<string> DockerConfigs { get; } = [];

        public Dictionary<string, DockerEntry> DockerBasic { get; } = new(StringComparer.Ordinal);

        public List<BasicEntry> GitBasic { get; } = [];

        public List<SshEntry> Ssh { get; } = [];
    }

    /// <summary>The files written so far, in the order they were first created.</summary>
    private sealed class FileSet
    {
        private readonly List<ContainerFile> _files = [];

        public void Directory(string path)
        {
            if (!_files.Any(f => f.Path == path))
            {
                _files.Add(new ContainerFile(path, null, DirectoryMode));
            }
        }

        public void Write(string path, string content)
        {
            var index = _files.FindIndex(f => f.Path == path);
            var file = new ContainerFile(path, Encoding.UTF8.GetBytes(content), FileMode);
            if (index < 0)
            {
                _files.Add(file);
            }
            else
            {
                _files[index] = file;
            }
        }

        public void Append(string path, string content)
        {
            var existing = _files.Find(f => f.Path == path)?.Content;
            Write(path, (existing is null ? string.Empty : Encoding.UTF8.GetString(existing)) + content);
        }

        public ImmutableArray<ContainerFile> ToImmutable() => [.. _files];
    }
}

/// <summary>A credential flag the entrypoint refuses: it stops before the step runs, with Go's flag package's message.</summary>
internal sealed class CredentialFlagException : Exception
{
    /// <summary>Makes the exception.</summary>
    public CredentialFlagException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception.</summary>
    public CredentialFlagException()
    {
    }

    /// <summary>Makes the exception with its cause.</summary>
    public CredentialFlagException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
