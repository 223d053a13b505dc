using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Sluice.Execution.Host;

/// <summary>
/// The host's top-level directories as a step's root shows them: each bound read-only over the
/// sandbox's tmpfs root, symbolic links recreated, and <c>/proc</c>, <c>/dev</c>, <c>/sys</c> and
/// <c>/tmp</c> left to the sandbox. Read once; the bind list is what every bwrap command starts with.
/// </summary>
internal sealed class HostRoot
{
    private static readonly FrozenSet<string> SandboxOwned = FrozenSet.Create(StringComparer.Ordinal, "/proc", "/dev", "/sys", "/tmp");

    private readonly ImmutableArray<Entry> _entries;
    private readonly ImmutableArray<string> _binds;

    private HostRoot(ImmutableArray<Entry> entries)
    {
        _entries = entries;
        var binds = new List<string>(entries.Length * 3);
        Append(binds, entries, []);
        _binds = [.. binds];
        HasSys = Directory.Exists("/sys");
        HasVarTmp = Directory.Exists("/var/tmp") && new DirectoryInfo("/var/tmp").LinkTarget is null;
    }

    /// <summary>Whether the host has a <c>/sys</c> to bind read-only.</summary>
    public bool HasSys { get; }

    /// <summary>Whether <c>/var/tmp</c> is a directory that gets a fresh tmpfs, as in a container.</summary>
    public bool HasVarTmp { get; }

    /// <summary>Reads the host's <c>/</c>.</summary>
    public static HostRoot Read() => new([.. Entries("/").Where(e => !SandboxOwned.Contains(e.Path))]);

    /// <summary>
    /// Appends the bind arguments. A mount point under a host directory that lacks it would make bwrap
    /// create it on the host (or fail on the read-only bind), so such directories are rebuilt in the
    /// sandbox instead: a directory there, each host child bound into it, down to where the path ends.
    /// </summary>
    public void AppendBinds(List<string> arguments, IEnumerable<string> mountPoints)
    {
        var missing = mountPoints.Where(IsMissingUnderHostDirectory).ToList();
        if (missing.Count == 0)
        {
            arguments.AddRange(_binds);
        }
        else
        {
            Append(arguments, _entries, missing);
        }
    }

    private bool IsMissingUnderHostDirectory(string path)
    {
        var top = TopLevel(path);
        return _entries.Any(e => e.Path == top && e.LinkTarget is null && e.IsDirectory) && !Path.Exists(path);
    }

    private static void Append(List<string> arguments, IEnumerable<Entry> entries, List<string> missing)
    {
        foreach (var entry in entries)
        {
            var below = missing.Where(m => m.StartsWith(entry.Path + "/", StringComparison.Ordinal)).ToList();
            if (entry.LinkTarget is { } target)
            {
                arguments.AddRange(["--symlink", target, entry.Path]);
            }
            else if (entry.IsDirectory && below.Count > 0)
            {
                arguments.AddRange(["--dir", entry.Path]);
                Append(arguments, Entries(entry.Path), below);
            }
            else
            {
                arguments.AddRange(["--ro-bind", entry.Path, entry.Path]);
            }
        }
    }

    private static string TopLevel(string path)
    {
        var end = path.IndexOf('/', 1);
        return end < 0 ? path : path[..end];
    }

    private static IEnumerable<Entry> Entries(string directory)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
        foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", options).OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            yield return new Entry(info.FullName, info.LinkTarget, info is DirectoryInfo);
        }
    }

    private readonly record struct Entry(string Path, string? LinkTarget, bool IsDirectory);
}
