using Sluice.Engine;
using Sluice.Engine.Caching;
using Sluice.Engine.Runs;
using Sluice.Model;
using Sluice.Store;

namespace Sluice.Hosting;

/// <summary>
/// Runs a TaskRun or PipelineRun the way every sluice command does: its step logs streamed to files,
/// the run recorded in the history as it happens, and a <c>sluice cancel</c> from any process noticed
/// within about a second and handled as Ctrl-C is.
/// </summary>
public static class RecordedRuns
{
    private static readonly TimeSpan CancelPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Names a run (from generateName, never a name the history already holds), gives it a uid,
    /// namespace and creation time.
    /// </summary>
    public static async Task<IResource> PrepareAsync(this LocalSession session, IResource run, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var prepared = RunEngine.Prepare(run, RandomRunNames.Instance, session.EngineOptions.DefaultNamespace, TimeProvider.System);
            var generated = string.IsNullOrEmpty(run.Metadata.Name);
            if (!generated || attempt >= 20 || !await session.Store.NameExistsAsync(prepared.Metadata.Name!, cancellationToken).ConfigureAwait(false))
            {
                return prepared;
            }
        }
    }

    /// <summary>Runs a prepared run to its end, recording it; returns it with its final status.</summary>
    /// <param name="session">The session.</param>
    /// <param name="resolver">Finds what the run refers to.</param>
    /// <param name="prepared">The run, from <see cref="PrepareAsync"/>.</param>
    /// <param name="display">Shows progress.</param>
    /// <param name="definition">The stored definition it was started from, if any.</param>
    /// <param name="cache">Which TaskRuns are cached (<c>--cache</c>, <c>--no-cache</c>, or the annotations).</param>
    /// <param name="caching">The cache (<see cref="Caching.TaskRunCaches.Open"/>), or null to cache nothing.</param>
    /// <param name="onStoreError">Told when the history cannot be written; the run goes on.</param>
    /// <param name="cancellationToken">Cancels the run (Ctrl-C).</param>
    public static async Task<IResource> RunAsync(this LocalSession session, ITaskResolver resolver, IResource prepared, IRunObserver display, DefinitionVersion? definition, CacheMode cache, TaskRunCaching? caching, Action<Exception> onStoreError, CancellationToken cancellationToken)
    {
        var uid = prepared.Metadata.Uid ?? throw new ArgumentException("the run has no uid; prepare it first", nameof(prepared));
        var recording = new RecordingResolver(resolver);
        var logs = new LogFiles(session.Home, uid);
        await using (logs.ConfigureAwait(false))
        {
            var recorder = new RunRecorder(session.Store, uid, session.Owner.Id, (taskRun, container) => LogFiles.PathOf(session.Home, uid, taskRun, container), () => recording.Used, onStoreError);
            await using var flushed = recorder.ConfigureAwait(false);
            await recorder.BeginAsync(prepared, definition, cancellationToken).ConfigureAwait(false);
            using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stopPolling = new CancellationTokenSource();
            var poll = PollCancelAsync(session.Store, uid, cancelled, stopPolling.Token);
            try
            {
                var observer = new CompositeRunObserver(logs, recorder, display);
                var engine = caching is null || cache == CacheMode.Off
                    ? session.CreateEngine(recording, observer)
                    : new RunEngine(session.Executor, recording, observer, session.EngineOptions with { Cache = cache }, caching: caching, slots: session.TaskRunSlots);
                return await engine.RunAsync(prepared, cancelled.Token).ConfigureAwait(false);
            }
            finally
            {
                await stopPolling.CancelAsync().ConfigureAwait(false);
                await poll.ConfigureAwait(false);
            }
        }
    }

    private static async Task PollCancelAsync(RunStore store, string uid, CancellationTokenSource run, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CancelPoll);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    if (await store.IsCancelRequestedAsync(uid, stop).ConfigureAwait(false))
                    {
                        await run.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (System.Data.Common.DbException)
                {
                    // A busy or briefly unreachable store: ask again at the next tick.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
