using Sluice.Engine.Caching;

namespace Sluice.Store.Trees;

/// <summary>A regular file or symbolic link that a <see cref="TreeWalk"/> keeps.</summary>
public sealed record TreeEntry
{
    /// <summary>The path below the tree's root, with <c>/</c> between names.</summary>
    public required string RelativePath { get; init; }

    /// <summary>The absolute path on this machine.</summary>
    public required string FullPath { get; init; }

    /// <summary>Whether the entry is a symbolic link rather than a regular file.</summary>
    public bool IsSymbolicLink => Status.IsSymbolicLink;

    /// <summary>The permission bits (<c>rwxrwxrwx</c>, plus setuid, setgid and sticky).</summary>
    public UnixFileMode Mode => (UnixFileMode)(Status.Mode & 0xFFF);

    internal FileStatus Status { get; init; }
}

/// <summary>
/// The files of a tree that a <see cref="TreeFilter"/> keeps, as <see cref="TreeDigester"/> digests them
/// and as a copy of the tree takes them: <c>.git</c> and what <c>.gitignore</c> files and exclude globs
/// leave out are skipped whole; include globs pick among the remaining files. Empty directories, sockets
/// and devices are not entries.
/// </summary>
public static class TreeWalk
{
    /// <summary>Walks the tree under <paramref name="root"/> depth first, in the order the file system lists it.</summary>
    /// <exception cref="DirectoryNotFoundException">The root is not a directory.</exception>
    public static IEnumerable<TreeEntry> Enumerate(string root, TreeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{full}: no such directory");
        }

        var include = IgnoreRules.None.With(string.Empty, IgnoreRules.ParseAll(filter.Include));
        var exclude = IgnoreRules.None.With(string.Empty, IgnoreRules.ParseAll(filter.Exclude));
        return Walk(full, string.Empty, filter.UseGitignore && filter.GitignoreFrom is { } top ? Above(Path.GetFullPath(top), full) : IgnoreRules.None);

        IEnumerable<TreeEntry> Walk(string path, string relative, IgnoreRules gitignore)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ignoreFile = Path.Combine(path, ".gitignore");
            if (filter.UseGitignore && File.Exists(ignoreFile))
            {
                gitignore = gitignore.With(relative, IgnoreRules.ParseAll(File.ReadAllLines(ignoreFile)));
            }

            foreach (var child in Directory.EnumerateFileSystemEntries(path))
            {
                var name = Path.GetFileName(child);
                if (name == ".git" || FileStatus.Of(child) is not { } status)
                {
                    continue;
                }

                var childRelative = relative.Length == 0 ? name : $"{relative}/{name}";
                if (exclude.Matches(childRelative, status.IsDirectory) || gitignore.Matches(childRelative, status.IsDirectory))
                {
                    continue;
                }

                if (status.IsDirectory)
                {
                    foreach (var entry in Walk(child, childRelative, gitignore))
                    {
                        yield return entry;
                    }
                }
                else if ((status.IsFile || status.IsSymbolicLink) && (filter.Include.IsEmpty || include.Matches(childRelative, false)))
                {
                    yield return new TreeEntry { RelativePath = childRelative, FullPath = child, Status = status };
                }
            }
        }
    }

    /// <summary>The rules of the <c>.gitignore</c> files from <paramref name="top"/> down to the directory above <paramref name="root"/>.</summary>
    private static IgnoreRules Above(string top, string root)
    {
        var path = Path.GetRelativePath(top, root);
        if (path == "." || path.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(path))
        {
            return IgnoreRules.None;
        }

        var rules = IgnoreRules.None;
        var segments = path.Split(Path.DirectorySeparatorChar);
        var directory = top;
        for (var depth = 0; depth < segments.Length; depth++)
        {
            var ignoreFile = Path.Combine(directory, ".gitignore");
            if (File.Exists(ignoreFile))
            {
                rules = rules.WithAbove(string.Join('/', segments[depth..]), IgnoreRules.ParseAll(File.ReadAllLines(ignoreFile)));
            }

            directory = Path.Combine(directory, segments[depth]);
        }

        return rules;
    }
}
