using System.Diagnostics;

namespace Sluice.Cli.Tests.Processes;

/// <summary>
/// What a run left on the machine, seen from outside Sluice: containers through Debian's docker client,
/// processes through /proc, directories on disk.
/// </summary>
internal static class Leftovers
{
    /// <summary>Names of the containers, running or not, whose name starts with <c>sluice-TASKRUN-</c>.</summary>
    public static async Task<IReadOnlyList<string>> ContainersOfAsync(string taskRunName)
    {
        var start = new ProcessStartInfo("/usr/bin/docker")
        {
            ArgumentList = { "ps", "--all", "--filter", $"name=sluice-{taskRunName}-", "--format", "{{.Names}}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var docker = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/docker");
        var output = await docker.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await docker.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await docker.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(docker.ExitCode == 0, $"docker ps failed: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Pids of the processes whose command line contains the marker, read from /proc.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read; a step of ours runs as a user we can read.
            }
        }

        return found;
    }

    /// <summary>The entries under <c>$SLUICE_HOME/runs</c>, where per-TaskRun directories live while a run lasts.</summary>
    public static IReadOnlyList<string> RunDirectories(string home)
    {
        var runs = Path.Combine(home, "runs");
        return Directory.Exists(runs) ? [.. Directory.EnumerateFileSystemEntries(runs).Select(Path.GetFileName).OfType<string>()] : [];
    }
}
