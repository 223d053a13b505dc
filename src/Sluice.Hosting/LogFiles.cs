using System.Collections.Concurrent;
using Sluice.Engine.Runs;

namespace Sluice.Hosting;

/// <summary>
/// Streams every step's and sidecar's output to its own file under
/// <c>logs/&lt;run uid&gt;/&lt;taskrun&gt;/&lt;container&gt;.log</c> as it arrives, never holding a whole log in memory.
/// Each chunk goes to the file at once, unbuffered, so a killed sluice keeps everything its steps wrote.
/// </summary>
public sealed class LogFiles : IRunObserver, IAsyncDisposable
{
    /// <summary>How much output passes between two collections of the young generation.</summary>
    private const long CollectEvery = 256L * 1024 * 1024;

    /// <summary>Output written since the young generation was last collected, by any run of this process.</summary>
    private static long _sinceCollection;

    private readonly string _directory;
    private readonly ConcurrentDictionary<(string TaskRun, string Container), FileStream> _open = new();

    /// <summary>Writes the logs of the run with this uid.</summary>
    public LogFiles(SluiceHome home, string runUid)
    {
        _directory = Path.Combine(home.Logs, Execution.Host.LocalVolumes.SafeName(runUid));
    }

    /// <summary>The directory holding this run's logs.</summary>
    public string Directory => _directory;

    /// <summary>The directory holding the logs of the run with this uid.</summary>
    public static string DirectoryOf(SluiceHome home, string runUid) =>
        System.IO.Path.Combine(home.Logs, Execution.Host.LocalVolumes.SafeName(runUid));

    /// <summary>The file of one container's log.</summary>
    public static string PathOf(SluiceHome home, string runUid, string taskRun, string container) =>
        System.IO.Path.Combine(home.Logs, Execution.Host.LocalVolumes.SafeName(runUid), Execution.Host.LocalVolumes.SafeName(taskRun), Execution.Host.LocalVolumes.SafeName(container) + ".log");

    /// <inheritdoc />
    public async ValueTask OnEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case StepOutput output:
                var stream = _open.GetOrAdd((output.TaskRunName, output.Container), key => Open(key.TaskRun, key.Container));
                await stream.WriteAsync(output.Chunk.Data, CancellationToken.None).ConfigureAwait(false);
                CollectNowAndThen(output.Chunk.Data.Length);
                break;
            case TaskRunUpdated { TaskRun.Status.CompletionTime: not null } finished:
                foreach (var key in _open.Keys.Where(k => k.TaskRun == finished.TaskRun.Metadata.Name))
                {
                    if (_open.TryRemove(key, out var done))
                    {
                        await done.DisposeAsync().ConfigureAwait(false);
                    }
                }

                break;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var key in _open.Keys)
        {
            if (_open.TryRemove(key, out var stream))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Each chunk of output leaves a few hundred bytes of short-lived objects behind (events, tasks). The GC
    /// collects its young generation only when that reaches a budget it sizes from the CPU's cache, which on
    /// large-cache machines lets a step printing gigabytes grow sluice by well over a hundred megabytes of
    /// garbage. A young collection after every 256 MiB of output costs about a millisecond and keeps it flat.
    /// </summary>
    private static void CollectNowAndThen(int written)
    {
        if (Interlocked.Add(ref _sinceCollection, written) >= CollectEvery && Interlocked.Exchange(ref _sinceCollection, 0) >= CollectEvery)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }
    }

    private FileStream Open(string taskRun, string container)
    {
        var directory = System.IO.Path.Combine(_directory, Execution.Host.LocalVolumes.SafeName(taskRun));
        System.IO.Directory.CreateDirectory(directory);
        return new FileStream(System.IO.Path.Combine(directory, Execution.Host.LocalVolumes.SafeName(container) + ".log"), FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }
}
