using System.Globalization;

namespace Sluice.Execution.Host;

/// <summary>
/// A host sandbox's own directory (<c>runs/&lt;run&gt;/&lt;taskrun&gt;</c>: its volumes, its process
/// records) as something the next TaskRun of the same run can take over once it has been emptied and
/// checked (<see cref="TryClean"/>), so that a run of many small TaskRuns does not make and delete a
/// dozen inodes for each: on ext4 without a journal, every inode freed in the last minutes makes each
/// new one slower to allocate. The directories, files and links a TaskRun made inside its volumes are
/// kept as spares (in <c>.spare</c>, which no volume can be named) and become the next TaskRun's.
/// </summary>
internal sealed partial class SandboxTree : IDisposable
{
    /// <summary>The directory of spares in the tree's root.</summary>
    public const string SpareDirectoryName = ".spare";

    private const int WorldWritable = 0x1FF;

    private readonly Lock _gate = new();
    private readonly Stack<Spare> _spareDirectories = [];
    private readonly Stack<string> _spareFiles = [];
    private readonly Dictionary<string, Stack<string>> _spareLinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    private readonly FreshInode _freshDirectory;
    private readonly FreshInode _freshFile;
    private HashSet<string> _kept = new(StringComparer.Ordinal);
    private int _spareLinkCount;
    private int _nextSpare;

    private SandboxTree(string root, FreshInode freshDirectory, FreshInode freshFile, ProcessLog processes)
    {
        Root = root;
        _freshDirectory = freshDirectory;
        _freshFile = freshFile;
        Processes = processes;
    }

    /// <summary>Where the tree is now.</summary>
    public string Root { get; private set; }

    /// <summary>The records of the process groups started in this tree.</summary>
    public ProcessLog Processes { get; }

    /// <summary>Makes a new tree at <paramref name="root"/>.</summary>
    public static SandboxTree Create(string root)
    {
        Directory.CreateDirectory(root);
        var spares = Path.Combine(root, SpareDirectoryName);
        Directory.CreateDirectory(spares);
        var records = Path.Combine(root, ProcessRecords.FileName);
        var processes = ProcessLog.Create(records);
        return new SandboxTree(root, FreshInode.Of(spares), FreshInode.Of(records), processes);
    }

    /// <summary>Renames the tree; false when <paramref name="root"/> exists or the rename fails otherwise.</summary>
    public bool TryMoveTo(string root)
    {
        if (Posix.RenameAt(Posix.AtFdCwd, Root, Posix.AtFdCwd, root, Posix.RenameNoReplace) != 0)
        {
            return false;
        }

        Root = root;
        return true;
    }

    /// <summary>The empty, world-writable directory of an emptyDir volume: the one kept under that name, a spare, or a new one.</summary>
    public string PlaceVolume(string name)
    {
        var path = PlaceDirectory(name, WorldWritable);
        _placed.Add(name);
        return path;
    }

    /// <summary>An empty directory at the root with exactly <paramref name="mode"/>, emptied again when the TaskRun ends.</summary>
    public string PlaceDirectory(string name, int mode)
    {
        var path = Path.Combine(Root, name);
        if (!_kept.Remove(name))
        {
            VolumePaths.MakeDirectory(path, mode, this);
        }
        else if (mode != WorldWritable && Posix.ChangeMode(path, mode) != 0)
        {
            throw VolumePaths.Error("cannot set the mode of", path);
        }

        return path;
    }

    /// <summary>Turns the kept volume directories this TaskRun did not ask for into spares.</summary>
    public void RetireUnplacedVolumes()
    {
        foreach (var name in _kept)
        {
            var path = Path.Combine(Root, name);
            var spare = NextSpareName();
            if (Posix.RenameAt(Posix.AtFdCwd, path, Posix.AtFdCwd, SparePath(spare), Posix.RenameNoReplace) == 0)
            {
                lock (_gate)
                {
                    _spareDirectories.Push(new Spare(spare, WorldWritable));
                }
            }
            else if (Posix.UnlinkAt(Posix.AtFdCwd, path, Posix.AtRemoveDir) != 0)
            {
                throw VolumePaths.Error("cannot remove", path);
            }
        }

        _kept.Clear();
    }

    /// <summary>Moves a spare directory to <paramref name="path"/> with exactly <paramref name="mode"/>; false when there is none or the path exists.</summary>
    public bool TryTakeSpareDirectory(string path, int mode)
    {
        Spare spare;
        lock (_gate)
        {
            if (!_spareDirectories.TryPop(out spare))
            {
                return false;
            }
        }

        if (Posix.RenameAt(Posix.AtFdCwd, SparePath(spare.Name), Posix.AtFdCwd, path, Posix.RenameNoReplace) != 0)
        {
            lock (_gate)
            {
                _spareDirectories.Push(spare);
            }

            return false;
        }

        if (spare.Mode != mode && Posix.ChangeMode(path, mode) != 0)
        {
            throw VolumePaths.Error("cannot set the mode of", path);
        }

        return true;
    }

    /// <summary>Moves an empty spare file to <paramref name="path"/> unless something is there; its mode is the caller's to set.</summary>
    public void TryTakeSpareFile(string path)
    {
        string? spare;
        lock (_gate)
        {
            if (!_spareFiles.TryPop(out spare))
            {
                return;
            }
        }

        if (Posix.RenameAt(Posix.AtFdCwd, SparePath(spare), Posix.AtFdCwd, path, Posix.RenameNoReplace) != 0)
        {
            lock (_gate)
            {
                _spareFiles.Push(spare);
            }
        }
    }

    /// <summary>Moves a spare link to <paramref name="target"/> to <paramref name="path"/>, replacing a link or file there; false when there is none.</summary>
    public bool TryTakeSpareLink(string path, string target)
    {
        string? spare;
        lock (_gate)
        {
            if (!_spareLinks.TryGetValue(target, out var names) || !names.TryPop(out spare))
            {
                return false;
            }

            _spareLinkCount--;
        }

        if (Posix.Rename(SparePath(spare), path) == 0)
        {
            return true;
        }

        // Something that cannot be replaced is there; the caller's symlink call reports it.
        KeepSpareLink(spare, target);
        return false;
    }

    /// <summary>Closes the process records.</summary>
    public void Dispose() => Processes.Dispose();

    private void KeepSpareLink(string name, string target)
    {
        lock (_gate)
        {
            if (!_spareLinks.TryGetValue(target, out var names))
            {
                _spareLinks[target] = names = [];
            }

            names.Push(name);
            _spareLinkCount++;
        }
    }

    private string NextSpareName() => (_nextSpare++).ToString(CultureInfo.InvariantCulture);

    private string SparePath(string name) => Path.Combine(Root, SpareDirectoryName, name);

    /// <summary>An empty, checked directory in <c>.spare</c>, and its permission bits.</summary>
    private readonly record struct Spare(string Name, int Mode);
}
