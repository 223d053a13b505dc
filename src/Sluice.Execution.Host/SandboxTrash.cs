using System.Threading.Channels;

namespace Sluice.Execution.Host;

/// <summary>
/// Sandbox directories on their way out. A destroyed sandbox's directory is renamed into its run's
/// <c>.trash</c> (one rename on the TaskRun's path instead of an rmdir per volume, which costs ~70 µs
/// each on ext4) and deleted by one background loop. What a crash leaves in the trash goes with the run.
/// </summary>
internal sealed class SandboxTrash : IAsyncDisposable
{
    /// <summary>The directory in a run directory (a name no sandbox can take, see <see cref="LocalVolumes.SafeName"/>).</summary>
    public const string DirectoryName = ".trash";

    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _deleter;

    public SandboxTrash() => _deleter = Task.Run(DeleteAsync);

    /// <summary>Moves a sandbox directory out of the way now and deletes it soon.</summary>
    public void Discard(string sandboxRoot)
    {
        var trash = Path.Combine(Path.GetDirectoryName(sandboxRoot)!, DirectoryName);
        var target = Path.Combine(trash, $"{Path.GetFileName(sandboxRoot)}-{Guid.NewGuid():N}");
        try
        {
            MoveDirectory(sandboxRoot, trash, target);
        }
        catch (IOException)
        {
            // Renaming failed (another file system, say): delete in place, as before.
            target = sandboxRoot;
        }

        _queue.Writer.TryWrite(new Item(target, null));
    }

    /// <summary>Completes when everything discarded so far is deleted.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Item(null, done)) ? done.Task : Task.CompletedTask;
    }

    /// <summary>Deletes what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _deleter.ConfigureAwait(false);
    }

    private static void MoveDirectory(string source, string trash, string target)
    {
        try
        {
            Directory.Move(source, target);
        }
        catch (DirectoryNotFoundException) when (Directory.Exists(source) && !Directory.Exists(trash))
        {
            Directory.CreateDirectory(trash);
            Directory.Move(source, target);
        }
    }

    private async Task DeleteAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Path is { } path)
            {
                try
                {
                    LocalVolumes.DeleteTree(path);
                }
                catch (IOException)
                {
                    // Left for the run's reap, which deletes the whole run directory.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            item.Done?.TrySetResult();
        }
    }

    private sealed record Item(string? Path, TaskCompletionSource? Done);
}
