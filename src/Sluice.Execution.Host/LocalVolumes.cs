using System.Collections.Concurrent;
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
    /// <summary>How long a run directory may be without an owner file before it counts as abandoned.</summary>
    internal static readonly TimeSpan OwnerlessGrace = TimeSpan.FromMinutes(1);

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

    private readonly SandboxPool? _pool;
    private readonly ConcurrentDictionary<string, bool> _ownedRuns = new(StringComparer.Ordinal);

    /// <summary>Makes the layout under a state root (<c>$SLUICE_HOME</c>).</summary>
    public LocalVolumes(string stateRoot, string ownerId)
        : this(stateRoot, ownerId, null)
    {
    }

    /// <summary>The layout, with sandbox directories taken from and returned to <paramref name="pool"/> when there is one.</summary>
    internal LocalVolumes(string stateRoot, string ownerId, SandboxPool? pool)
    {
        StateRoot = Path.GetFullPath(stateRoot);
        OwnerId = ownerId;
        _pool = pool;
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
        var tree = _pool?.Take(runDirectory, sandboxDirectory);
        try
        {
            if (tree is null)
            {
                Directory.CreateDirectory(sandboxDirectory);
            }

            return Create(spec, runDirectory, sandboxDirectory, tree);
        }
        catch
        {
            tree?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Hands a finished sandbox's directory to the next TaskRun of its run when it can be cleaned
    /// (see <see cref="SandboxTree"/>); false when it must be deleted instead.
    /// </summary>
    internal bool TryRecycle(SandboxDirectories directories) =>
        _pool is not null && directories.Tree is { } tree && _pool.Return(tree, Path.GetDirectoryName(directories.Root)!);

    private SandboxDirectories Create(SandboxSpec spec, string runDirectory, string sandboxDirectory, SandboxTree? tree)
    {
        var paths = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var readOnly = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var volume in spec.Volumes)
        {
            string path;
            switch (volume.Source)
            {
                case EmptyDirSource when tree is not null:
                    path = tree.PlaceVolume(SafeName(volume.Name));
                    break;
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
                    if (tree is null)
                    {
                        CreateDirectory(path, ReadableDirectory);
                    }
                    else
                    {
                        tree.PlaceDirectory(SafeName(volume.Name), (int)ReadableDirectory);
                    }

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

        tree?.RetireUnplacedVolumes();
        return new SandboxDirectories(sandboxDirectory, paths.ToImmutable(), readOnly.ToImmutable(), tree);
    }

    /// <summary>Removes a sandbox's own directory (not its claims).</summary>
    public static void Delete(SandboxDirectories directories)
    {
        directories.Tree?.Dispose();
        DeleteTree(directories.Root);
    }

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

            // A live process creates its run's directory just before the owner file: one without an
            // owner is only taken for abandoned (and reaped) once it has been so for a while.
            if (owner.Length == 0 && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) < OwnerlessGrace)
            {
                continue;
            }

            result.Add(new OwnedRun(Path.GetFileName(directory), owner));
        }

        return result;
    }

    /// <summary>Removes a run's directory with its run-scoped claims; returns how many directories went.</summary>
    public int Reap(string runUid)
    {
        var directory = RunDirectory(runUid);
        _pool?.Forget(directory);
        _ownedRuns.TryRemove(directory, out _);
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
    public static bool PassesThroughLink(string root, string path) =>
        VolumePaths.Probe(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), Path.GetFullPath(path)) == VolumePaths.Found.Link;

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

    internal static void CreateWorldWritable(string path) => CreateDirectory(path, WorldWritable);

    private static void CreateDirectory(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
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
        // Once per run and process: a run's TaskRuns all land here.
        if (!_ownedRuns.TryAdd(runDirectory, true))
        {
            return;
        }

        Directory.CreateDirectory(runDirectory);
        var ownerFile = Path.Combine(runDirectory, OwnerFileName);
        if (!File.Exists(ownerFile))
        {
            // Written aside and renamed, so that no other process reads an empty owner (a dead one).
            var written = $"{ownerFile}.{Environment.ProcessId}.tmp";
            File.WriteAllText(written, OwnerId + "\n", Encoding.UTF8);
            try
            {
                File.Move(written, ownerFile, overwrite: false);
            }
            catch (IOException) when (File.Exists(ownerFile))
            {
                // Another process of the same run wrote it first; the first owner stays.
                File.Delete(written);
            }
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
