using System.Collections.Immutable;
using System.Diagnostics;
using Sluice.Model;

namespace Sluice.Cli;

/// <summary>
/// <c>sluice run --changed-since REV</c>: the files a Git repository changed between a revision and HEAD,
/// and whether a run's <c>sluice.dev/paths</c> annotation names any of them. A monorepo gives each
/// service's run the directories it is built from, and only the runs of changed services start.
/// </summary>
internal sealed class ChangedPaths
{
    /// <summary>The annotation that names, comma-separated, the directories or files (relative to the repository's root) a run is built from.</summary>
    public const string Annotation = "sluice.dev/paths";

    private ChangedPaths(string revision, ImmutableArray<string> files)
    {
        Revision = revision;
        Files = files;
    }

    /// <summary>The revision compared with HEAD.</summary>
    public string Revision { get; }

    /// <summary>The files changed, relative to the repository's root.</summary>
    public ImmutableArray<string> Files { get; }

    /// <summary>
    /// The files <c>git diff --name-only REVISION HEAD</c> lists in the repository holding
    /// <paramref name="directory"/>; null and an error naming the fix when git cannot tell.
    /// </summary>
    public static async Task<(ChangedPaths? Changed, string? Error)> ReadAsync(string revision, string directory, CancellationToken cancellationToken)
    {
        var (code, output, error) = await GitAsync(directory, ["diff", "--name-only", "--no-renames", revision, "HEAD", "--"], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var reason = error.Contains("not a git repository", StringComparison.OrdinalIgnoreCase)
                ? $"{directory} is not in a Git repository; run sluice from the repository's clone"
                : error.Contains("unknown revision", StringComparison.OrdinalIgnoreCase) || error.Contains("bad revision", StringComparison.OrdinalIgnoreCase)
                    ? $"the revision \"{revision}\" is not in the repository; fetch it (a shallow clone may lack it) or name another"
                    : $"git diff {revision} HEAD failed: {error.Trim()}";
            return (null, reason);
        }

        return (new ChangedPaths(revision, [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]), null);
    }

    /// <summary>The paths a run names in its annotation, or null when it names none (it then always runs).</summary>
    public static ImmutableArray<string>? PathsOf(IResource run) =>
        run.Metadata.Annotations.TryGetValue(Annotation, out var text)
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Trim('/')).Where(p => p.Length > 0)]
            : null;

    /// <summary>The first changed file under one of <paramref name="paths"/>, or null.</summary>
    public string? FirstChangedUnder(ImmutableArray<string> paths) =>
        Files.FirstOrDefault(file => paths.Any(path => path == "." || file == path || file.StartsWith(path + "/", StringComparison.Ordinal)));

    private static async Task<(int Code, string Output, string Error)> GitAsync(string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}
