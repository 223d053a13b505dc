using System.Diagnostics;
using System.Text;

namespace Sluice.Catalog.Custom;

/// <summary>
/// The host's <c>git</c>, run with a private home (so the user's configuration and credentials are not
/// used), credentials from a <c>.git-credentials</c> file when given, and every <c>user:password@</c>
/// masked in what it prints. Killed with its children when cancelled.
/// </summary>
internal sealed class GitCommand : IDisposable
{
    private readonly string _home;

    /// <summary>A runner whose home is a fresh directory under <paramref name="scratch"/>; with <paramref name="credentials"/>, git's store helper reads them.</summary>
    public GitCommand(string scratch, string? credentials)
    {
        _home = Path.Combine(scratch, "sluice-git-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_home);
        var config = new StringBuilder("[user]\n\tname = Sluice\n\temail = sluice@localhost\n[advice]\n\tdetachedHead = false\n");
        if (credentials is not null)
        {
            var copy = Path.Combine(_home, ".git-credentials");
            File.Copy(credentials, copy);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            config.Append("[credential]\n\thelper = store --file=").Append(copy).Append('\n');
        }

        File.WriteAllText(Path.Combine(_home, ".gitconfig"), config.ToString());
    }

    /// <summary>Runs <c>git ARGS</c> in <paramref name="directory"/>; returns its exit code and masked output.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string? directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? _home,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = _home;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "/bin/false";
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new CatalogTaskFailure("GitUnavailable", "git could not be started; install git");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, Mask(await stdout.ConfigureAwait(false)), Mask(await stderr.ConfigureAwait(false)));
    }

    /// <summary>Text with every <c>scheme://user:password@</c> written as <c>scheme://***@</c>.</summary>
    public static string Mask(string text) => CredentialMask.Apply(text);

    /// <summary>The failure reason git's message points at: unreachable, refused credentials, or anything else.</summary>
    public static string ReasonOf(string stderr) =>
        stderr.Contains("Authentication failed", StringComparison.Ordinal) || stderr.Contains("could not read Username", StringComparison.Ordinal) || stderr.Contains(" 403", StringComparison.Ordinal)
            ? "GitAuthenticationFailed"
            : stderr.Contains("Could not resolve host", StringComparison.Ordinal) || stderr.Contains("Failed to connect", StringComparison.Ordinal) || stderr.Contains("Connection refused", StringComparison.Ordinal) || stderr.Contains("Couldn't connect", StringComparison.Ordinal)
                ? "GitUnreachable"
                : "GitFailed";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A file git still held: the temporary directory is left to the system's cleaning.
        }
    }
}
