using System.Globalization;
using System.Text;

namespace Sluice.Engine.Tasks;

/// <summary>
/// The git writers (pkg/credentials/gitcreds): basic auth becomes <c>.gitconfig</c> (the store helper and one
/// credential context per URL) and <c>.git-credentials</c>; ssh auth becomes <c>.ssh/id_&lt;secret&gt;</c>,
/// <c>.ssh/config</c>, <c>.ssh/known_hosts</c> when a Secret has one, and for URLs with a repository path a
/// host alias with <c>insteadOf</c> entries appended to <c>.gitconfig</c>.
/// </summary>
internal static partial class CredentialWriters
{
    private const string DefaultSshPort = "22";

    private static void WriteBasicGit(FlagState state, FileSet files)
    {
        if (state.GitBasic.Count == 0)
        {
            return;
        }

        var config = new StringBuilder("[credential]\n\thelper = store\n");
        foreach (var entry in state.GitBasic)
        {
            config.Append("[credential ").Append(Model.Diagnostics.GoQuote.Of(entry.Url)).Append("]\n\tusername = ").Append(entry.Username.Replace("\\", "\\\\", StringComparison.Ordinal)).Append('\n');
            if (HasPath(entry.Parsed))
            {
                config.Append("\tuseHttpPath = true\n");
            }
        }

        files.Write(".gitconfig", config.ToString());

        // Host-wide credentials first, as fallbacks; repository-specific ones after, each group in flag order.
        var lines = state.GitBasic.Where(e => !HasPath(e.Parsed)).Concat(state.GitBasic.Where(e => HasPath(e.Parsed)))
            .Select(e => e.Parsed.WithUser(e.Username, e.Password) + "\n");
        files.Write(".git-credentials", string.Concat(lines));
    }

    private static void WriteSsh(FlagState state, FileSet files)
    {
        if (state.Ssh.Count == 0)
        {
            return;
        }

        files.Directory(".ssh");

        // One Host block per URL, in the order URLs were first given, host-only URLs before those with a path.
        var urls = state.Ssh.Select(e => e.Url).Distinct(StringComparer.Ordinal).ToList();
        urls = [.. urls.Where(u => SshUrl(u).Path.Length == 0).Concat(urls.Where(u => SshUrl(u).Path.Length > 0))];
        var config = new StringBuilder();
        var knownHosts = new List<string>();
        var gitConfig = new StringBuilder();
        foreach (var url in urls)
        {
            var (host, port, path) = SshUrl(url);
            var alias = host;
            if (path.Length > 0)
            {
                alias = host + "--" + path.TrimStart('/').Replace("/", "--", StringComparison.Ordinal);
                var repository = path.TrimStart('/');
                gitConfig.Append(CultureInfo.InvariantCulture, $"[url \"git@{alias}:{repository}.git\"]\n\tinsteadOf = git@{host}:{repository}.git\n");
                gitConfig.Append(port == DefaultSshPort
                    ? $"[url \"ssh://{alias}/{repository}.git\"]\n\tinsteadOf = ssh://{host}/{repository}.git\n"
                    : $"[url \"ssh://{alias}/{repository}.git\"]\n\tinsteadOf = ssh://{host}:{port}/{repository}.git\n");
            }

            config.Append(CultureInfo.InvariantCulture, $"Host {alias}\n    HostName {host}\n    Port {port}\n");
            foreach (var entry in state.Ssh.Where(e => e.Url == url))
            {
                files.Write($".ssh/id_{entry.Secret}", entry.PrivateKey);
                config.Append(CultureInfo.InvariantCulture, $"    IdentityFile {CredentialsInit.Directory}/.ssh/id_{entry.Secret}\n");
                if (entry.KnownHosts.Length > 0)
                {
                    knownHosts.Add(entry.KnownHosts);
                }
            }
        }

        files.Write(".ssh/config", config.ToString());
        if (knownHosts.Count > 0)
        {
            files.Write(".ssh/known_hosts", string.Join('\n', knownHosts));
        }

        if (gitConfig.Length > 0)
        {
            files.Append(".gitconfig", gitConfig.ToString());
        }
    }

    // basic.go: urlHasPath.
    private static bool HasPath(GoUrl url) => url.Path.Length > 0 && url.Path != "/";

    /// <summary>ssh.go parseSSHURL: <c>host[:port][/path]</c>, port 22 when net.SplitHostPort finds none.</summary>
    private static (string Host, string Port, string Path) SshUrl(string raw)
    {
        var path = string.Empty;
        if (raw.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0)
        {
            (raw, path) = (raw[..slash], raw[slash..]);
        }

        return SplitHostPort(raw) is var (host, port) ? (host, port, path) : (raw, DefaultSshPort, path);
    }

    /// <summary>Go's net.SplitHostPort, or null where it returns an error.</summary>
    private static (string Host, string Port)? SplitHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return null;
        }

        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 != colon || text.IndexOf('[', 1) >= 0 || text.IndexOf(']', close + 1) >= 0)
            {
                return null;
            }

            return (text[1..close], text[(colon + 1)..]);
        }

        var host = text[..colon];
        return host.Contains(':', StringComparison.Ordinal) || text.Contains('[', StringComparison.Ordinal) || text.Contains(']', StringComparison.Ordinal)
            ? null
            : (host, text[(colon + 1)..]);
    }

    /// <summary>A basic-auth git credential.</summary>
    private sealed record BasicEntry(string Url, GoUrl Parsed, string Username, string Password);

    /// <summary>An ssh git credential.</summary>
    private sealed record SshEntry(string Url, string Secret, string PrivateKey, string KnownHosts);
}
