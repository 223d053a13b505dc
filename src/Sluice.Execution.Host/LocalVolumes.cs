using System.Collections.Immutable;
using System.Text;
using Sluice.Engine.Execution;

namespace Sluice.Execution.Host;

/// <summary>
/// Sandbox volumes as directories under the state root, shared by the local backends:
/// <c>runs/&lt;run&gt;/&lt;taskrun&gt;/&lt;volume&gt;</c> for per-TaskRun volumes,
/// <c>runs/&lt;run&gt;/claims/&lt;claim&gt;</c> for claims that live as long as the run, and
/// <c>claims/&lt;namespace&gt;/&lt;claim&gt;</c> for named claims that outlive runs. Each run directory
/// holds an <c>owner</c> file naming the process that created it, so a later process can reap it.
/// </summary>
public sealed class LocalVolumes
{
    /// <summary>The file in a run directory that names its owner.</summary>
    public const string OwnerFileName = "owner";

    private const UnixFileMode WorldWritable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode ReadableDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Makes the layout under a state root (<c>$SLUICE_HOME</c>).</summary>
    public LocalVolumes(string stateRoot, string ownerId)
    {
        StateRoot = Path.GetFullPath(stateRoot);
        OwnerId = ownerId;
    }

    /// <summary>The state root.</summary>
    public string StateRoot { get; }

    /// <summary>The id of this process as an owner, written into run directories.</summary>
    public string OwnerId { get; }

    /// <summary>The directory of a run.</summary>
    public string RunDirectory(string runUid) => Path.Combine(StateRoot, "runs", SafeName(runUid));

    /// <summary>Creates the directories and files of a sandbox's volumes.</summary>
    public SandboxDirectories Create(SandboxSpec spec)
    {
        var runDirectory = RunDirectory(spec.RunUid);
        EnsureRunDirectory(runDirectory);
        var sandboxDirectory = Path.Combine(runDirectory, SafeName($"{spec.TaskRunName}-{Short(spec.TaskRunUid)}"));
        Directory.CreateDirectory(sandboxDirectory);
        var paths = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var readOnly = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var volume in spec.Volumes)
        {
            string path;
            switch (volume.Source)
            {
                case EmptyDirSource:
                    path = Path.Combine(sandboxDirectory, SafeName(volume.Name));
                    CreateWorldWritable(path);
                    break;
                case ClaimSource claim:
                    path = claim.RunScoped
                        ? Path.Combine(runDirectory, "claims", SafeName(claim.ClaimName))
                        : Path.Combine(StateRoot, "claims", SafeName(spec.Namespace), SafeName(claim.ClaimName));
                    CreateWorldWritable(path);
                    if (claim.ReadOnly)
                    {
                        readOnly.Add(volume.Name);
                    }

                    break;
                case FilesSource files:
                    path = Path.Combine(sandboxDirectory, SafeName(volume.Name));
                    Directory.CreateDirectory(path);
                    File.SetUnixFileMode(path, ReadableDirectory);
                    foreach (var file in files.Files)
                    {
                        var target = Resolve(path, file.Path);
                        CreateParents(path, target, ReadableDirectory);
                        File.WriteAllBytes(target, file.Content.ToArray());
                        File.SetUnixFileMode(target, (UnixFileMode)file.Mode);
                    }

                    readOnly.Add(volume.Name);
                    break;
                case HostPathSource host:
                    path = host.Path;
                    Directory.CreateDirectory(path);
                    break;
                default:
                    throw new NotSupportedException($"volume source {volume.Source.GetType().Name}");
            }

            paths[volume.Name] = path;
        }

        return new SandboxDirectories(sandboxDirectory, paths.ToImmutable(), readOnly.ToImmutable());
    }

    /// <summary>Removes a sandbox's own directory (not its claims).</summary>
    public static void Delete(SandboxDirectories directories) => DeleteTree(directories.Root);

    /// <summary>Runs with a directory here, and their owners.</summary>
    public IReadOnlyList<OwnedRun> ListRuns()
    {
        var runs = Path.Combine(StateRoot, "runs");
        if (!Directory.Exists(runs))
        {
            return [];
        }

        var result = new List<OwnedRun>();
        foreach (var directory in Directory.EnumerateDirectories(runs))
        {
            var ownerFile = Path.Combine(directory, OwnerFileName);
            var owner = File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : string.Empty;
            result.Add(new OwnedRun(Path.GetFileName(directory), owner));
        }

        return result;
    }

    /// <summary>Removes a run's directory with its run-scoped claims; returns how many directories went.</summary>
    public int Reap(string runUid)
    {
        var directory = RunDirectory(runUid);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        DeleteTree(directory);
        return 1;
    }

    /// <summary>Resolves a relative path inside a volume directory, refusing anything that leaves it.</summary>
    public static string Resolve(string root, string relative)
    {
        var parts = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is ".." or "."))
        {
            throw new ArgumentException($"path \"{relative}\" must not contain . or .. segments", nameof(relative));
        }

        return parts.Length == 0 ? root : Path.Combine([root, .. parts]);
    }

    /// <summary>
    /// Whether any existing component between the root and the path is a symbolic link; reads through
    /// such a path could leave the volume, since steps control its content.
    /// </summary>
    public static bool PassesThroughLink(string root, string path)
    {
        var current = new DirectoryInfo(path);
        var rootFull = Path.GetFullPath(root);
        while (current is not null && current.FullName.Length > rootFull.Length)
        {
            if (current.Exists || File.Exists(current.FullName))
            {
                var info = new FileInfo(current.FullName);
                if (info.LinkTarget is not null)
                {
                    return true;
                }
            }

            current = current.Parent;
        }

        return false;
    }

    internal static void CreateParents(string root, string target, UnixFileMode mode)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (parent.Length > root.Length && !Directory.Exists(parent))
        {
            CreateParents(root, parent, mode);
            Directory.CreateDirectory(parent);
            File.SetUnixFileMode(parent, mode);
        }
    }

    internal static void CreateWorldWritable(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, WorldWritable);
    }

    internal static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            MakeWritable(path);
            Directory.Delete(path, recursive: true);
        }
        catch (IOException) when (Directory.Exists(path))
        {
            MakeWritable(path);
            Directory.Delete(path, recursive: true);
        }
    }

    private static void MakeWritable(string path)
    {
        foreach (var directory in Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(path))
        {
            try
            {
                File.SetUnixFileMode(directory, WorldWritable);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private void EnsureRunDirectory(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        var ownerFile = Path.Combine(runDirectory, OwnerFileName);
        if (!File.Exists(ownerFile))
        {
            File.WriteAllText(ownerFile, OwnerId + "\n", Encoding.UTF8);
        }
    }

    private static string Short(string uid) => uid.Length > 8 ? uid[..8] : uid;

    /// <summary>A name made safe for one path component.</summary>
    public static string SafeName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var safe = builder.ToString().TrimStart('.');
        return safe.Length == 0 ? "_" : safe;
    }
}

/// <summary>The host directories of one sandbox's volumes, and the file API over them.</summary>
public sealed class SandboxDirectories
{
    internal SandboxDirectories(string root, ImmutableDictionary<string, string> volumes, ImmutableHashSet<string> readOnlyVolumes)
    {
        Root = root;
        Volumes = volumes;
        ReadOnlyVolumes = readOnlyVolumes;
    }

    /// <summary>The sandbox's own directory.</summary>
    public string Root { get; }

    /// <summary>Host directory of each volume.</summary>
    public ImmutableDictionary<string, string> Volumes { get; }

    /// <summary>Volumes that are read-only whatever the mount says (files, read-only claims).</summary>
    public ImmutableHashSet<string> ReadOnlyVolumes { get; }

    /// <summary>The host path of a path in a volume.</summary>
    public string HostPath(string volume, string path) =>
        Volumes.TryGetValue(volume, out var root)
            ? LocalVolumes.Resolve(root, path)
            : throw new ArgumentException($"no volume \"{volume}\" in this sandbox", nameof(volume));

    /// <summary>Writes a file, creating parent directories world-writable.</summary>
    public async ValueTask WriteFileAsync(string volume, string path, ReadOnlyMemory<byte> content, int mode, CancellationToken cancellationToken)
    {
        var target = HostPath(volume, path);
        var root = Volumes[volume];

        // The file itself too: a step may have left a link where the engine writes an exit code.
        if (LocalVolumes.PassesThroughLink(root, target))
        {
            throw new IOException($"refusing to write through a symbolic link in volume \"{volume}\": {path}");
        }

        LocalVolumes.CreateParents(root, target, (UnixFileMode)0x1FF);
        await File.WriteAllBytesAsync(target, content.ToArray(), cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(target, (UnixFileMode)mode);
    }

    /// <summary>Reads a file, or null when missing or reached through a link; at most <paramref name="maxBytes"/>.</summary>
    public async ValueTask<byte[]?> ReadFileAsync(string volume, string path, int maxBytes, CancellationToken cancellationToken)
    {
        var target = HostPath(volume, path);
        var root = Volumes[volume];
        if (!File.Exists(target) || LocalVolumes.PassesThroughLink(root, target))
        {
            return null;
        }

        await using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, useAsync: true);
        var length = (int)Math.Min(stream.Length, maxBytes);
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, length - read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == length ? buffer : buffer[..read];
    }

    /// <summary>Creates a directory with a mode.</summary>
    public ValueTask CreateDirectoryAsync(string volume, string path, int mode)
    {
        var target = HostPath(volume, path);
        if (LocalVolumes.PassesThroughLink(Volumes[volume], target))
        {
            throw new IOException($"refusing to create a directory through a symbolic link in volume \"{volume}\": {path}");
        }

        LocalVolumes.CreateParents(Volumes[volume], target, (UnixFileMode)mode);
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, (UnixFileMode)mode);
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a symbolic link.</summary>
    public ValueTask CreateSymlinkAsync(string volume, string path, string target)
    {
        var link = HostPath(volume, path);
        if (LocalVolumes.PassesThroughLink(Volumes[volume], Path.GetDirectoryName(link)!))
        {
            throw new IOException($"refusing to create a link through a symbolic link in volume \"{volume}\": {path}");
        }

        LocalVolumes.CreateParents(Volumes[volume], link, (UnixFileMode)0x1FF);

        // Replace an existing link (dangling ones included, which File.Exists does not see) or file.
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null || existing.Exists)
        {
            existing.Delete();
        }

        File.CreateSymbolicLink(link, target);
        return ValueTask.CompletedTask;
    }

    /// <summary>Lists file names in a directory.</summary>
    public IReadOnlyList<string> ListFiles(string volume, string path)
    {
        var target = HostPath(volume, path);
        if (!Directory.Exists(target) || LocalVolumes.PassesThroughLink(Volumes[volume], target))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(target).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }
}
