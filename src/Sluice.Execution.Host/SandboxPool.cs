using System.Globalization;

namespace Sluice.Execution.Host;

/// <summary>
/// Sandbox trees of finished TaskRuns, cleaned and waiting in their run's <c>.pool</c> for the run's
/// next TaskRun; taken and returned by an atomic rename, deleted with the run's directory when the run
/// ends or is reaped. A tree never passes from one run to another: a step that handed an open
/// descriptor of its volume to a process outside its sandbox could otherwise see a later TaskRun's
/// files there, and the steps of one run all come from the one pipeline. The Docker backend keeps fresh
/// directories, since its steps are not trusted work and its per-step cost dwarfs a few directories.
/// </summary>
internal sealed class SandboxPool : IDisposable
{
    /// <summary>The pool's directory in a run directory (a name no sandbox can take, see <see cref="LocalVolumes.SafeName"/>).</summary>
    public const string DirectoryName = ".pool";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stack<SandboxTree>> _runs = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>A tree for a new sandbox at <paramref name="sandboxDirectory"/>: a pooled one of the run, or a new one.</summary>
    public SandboxTree Take(string runDirectory, string sandboxDirectory)
    {
        while (Pop(runDirectory) is { } tree)
        {
            if (tree.TryMoveTo(sandboxDirectory))
            {
                return tree;
            }

            // The directory exists (a retry that found its earlier attempt's) or the tree is gone.
            tree.Dispose();
            if (Directory.Exists(sandboxDirectory))
            {
                break;
            }
        }

        return SandboxTree.Create(sandboxDirectory);
    }

    /// <summary>Cleans a finished sandbox's tree and pools it; false when it must be deleted instead.</summary>
    public bool Return(SandboxTree tree, string runDirectory)
    {
        if (!tree.TryClean())
        {
            return false;
        }

        var pool = Path.Combine(runDirectory, DirectoryName);
        var target = Path.Combine(pool, Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture));
        if (!tree.TryMoveTo(target))
        {
            Directory.CreateDirectory(pool);
            if (!tree.TryMoveTo(target))
            {
                return false;
            }
        }

        lock (_gate)
        {
            if (!_runs.TryGetValue(runDirectory, out var trees))
            {
                _runs[runDirectory] = trees = [];
            }

            trees.Push(tree);
        }

        return true;
    }

    /// <summary>Lets go of a run's trees; its directory, where they are, is about to be deleted.</summary>
    public void Forget(string runDirectory)
    {
        Stack<SandboxTree>? trees;
        lock (_gate)
        {
            _runs.Remove(runDirectory, out trees);
        }

        foreach (var tree in trees ?? [])
        {
            tree.Dispose();
        }
    }

    /// <summary>Lets go of every tree.</summary>
    public void Dispose()
    {
        string[] runs;
        lock (_gate)
        {
            runs = [.. _runs.Keys];
        }

        foreach (var run in runs)
        {
            Forget(run);
        }
    }

    private SandboxTree? Pop(string runDirectory)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(runDirectory, out var trees) && trees.TryPop(out var tree) ? tree : null;
        }
    }
}
