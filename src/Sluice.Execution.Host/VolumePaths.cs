using System.Runtime.InteropServices;

namespace Sluice.Execution.Host;

/// <summary>
/// Walks a path inside a volume from the volume's root down, one <c>lstat</c> per component and none
/// past the first that is missing, never following a link: steps control what volumes hold, so a link
/// they planted must not lead the engine's reads and writes out of the volume.
/// </summary>
internal static class VolumePaths
{
    /// <summary>What the walk found.</summary>
    public enum Found
    {
        /// <summary>Every component up to the last exists as a directory; the last is missing.</summary>
        Missing,

        /// <summary>The path is a directory.</summary>
        Directory,

        /// <summary>The path is something else than a directory or a link (a file, a FIFO...).</summary>
        Other,

        /// <summary>A component, the last included, is a symbolic link.</summary>
        Link,

        /// <summary>A component before the last is missing or not a directory.</summary>
        NoParent,
    }

    /// <summary>Looks at every component of <paramref name="path"/> below <paramref name="root"/>.</summary>
    public static Found Probe(string root, string path)
    {
        var found = Found.Directory;
        foreach (var component in Components(root, path))
        {
            switch (found)
            {
                case Found.Directory:
                    break;
                case Found.Link:
                    return Found.Link;
                default:
                    return Found.NoParent;
            }

            found = Kind(component);
        }

        return found;
    }

    /// <summary>
    /// Creates the missing directories above <paramref name="path"/> with <paramref name="mode"/>;
    /// returns false when the path's last component is surely missing (a parent was just made).
    /// </summary>
    /// <exception cref="IOException">A component is a link or not a directory.</exception>
    public static bool EnsureParents(string root, string path, int mode, SandboxTree? tree, string what)
    {
        var parent = Path.GetDirectoryName(path);
        if (parent is null || parent.Length <= root.Length)
        {
            return true;
        }

        var created = false;
        foreach (var component in Components(root, parent))
        {
            if (!created)
            {
                switch (Kind(component))
                {
                    case Found.Directory:
                        continue;
                    case Found.Link:
                        throw new IOException($"refusing to {what} through a symbolic link: {path}");
                    case Found.Other:
                        throw new IOException($"cannot {what} under a file that is not a directory: {component}");
                }
            }

            MakeDirectory(component, mode, tree);
            created = true;
        }

        return !created;
    }

    /// <summary>Makes one directory with exactly <paramref name="mode"/>, from the tree's spares when it has one.</summary>
    public static void MakeDirectory(string path, int mode, SandboxTree? tree)
    {
        if (tree is not null && tree.TryTakeSpareDirectory(path, mode))
        {
            return;
        }

        if (Posix.MakeDirectoryAt(Posix.AtFdCwd, path, mode) != 0 && Posix.LastError != Posix.EEXIST)
        {
            throw Error("cannot create directory", path);
        }

        // mkdir applies the umask; volumes are as writable as the engine asked.
        if (Posix.ChangeMode(path, mode) != 0)
        {
            throw Error("cannot set the mode of", path);
        }
    }

    /// <summary>An <see cref="IOException"/> for the last failed call.</summary>
    public static IOException Error(string what, string path)
    {
        var error = Posix.LastError;
        return new IOException($"{what} {path}: {Marshal.GetPInvokeErrorMessage(error)}", error);
    }

    /// <summary>What the last component of <paramref name="path"/> is, its parents known to be directories.</summary>
    public static Found Kind(string path)
    {
        if (Posix.Stat(Posix.AtFdCwd, path, out var status) != 0)
        {
            return Posix.LastError is Posix.ENOENT or Posix.ENOTDIR ? Found.Missing : throw Error("cannot inspect", path);
        }

        return status.Type switch
        {
            Posix.FileTypeDirectory => Found.Directory,
            Posix.FileTypeLink => Found.Link,
            _ => Found.Other,
        };
    }

    // root/a, root/a/b, ... root/a/b/c for root/a/b/c; nothing when the path is the root.
    private static IEnumerable<string> Components(string root, string path)
    {
        if (path.Length <= root.Length)
        {
            yield break;
        }

        for (var end = path.IndexOf('/', root.Length + 1); end > 0; end = path.IndexOf('/', end + 1))
        {
            yield return path[..end];
        }

        yield return path;
    }
}
