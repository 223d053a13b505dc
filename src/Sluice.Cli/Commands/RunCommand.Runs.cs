using System.Collections.Immutable;
using Sluice.Cli.Rendering;
using Sluice.Engine;
using Sluice.Engine.Caching;
using Sluice.Engine.Runs;
using Sluice.Hosting;
using Sluice.Model;
using Sluice.Model.Runs;

namespace Sluice.Cli.Commands;

/// <summary>Running the selected runs: all at once as Tekton does, or one after another.</summary>
internal static partial class RunCommand
{
    /// <summary>
    /// Runs every selected run in the session, all at once (they share its TaskRun slots, store and
    /// cache) or, when <paramref name="sequential"/>, one after another; returns whether all succeeded.
    /// With several runs at once, every line a run prints starts with its name.
    /// </summary>
    private static async Task<bool> RunAllAsync(LocalSession session, ImmutableArray<SelectedRun> runs, Func<SelectedRun, ITaskResolver> resolverFor, Terminal terminal, bool quiet, bool sequential, DefinitionVersion? definition, CacheMode cache, TaskRunCaching? caching, CancellationToken cancellationToken)
    {
        using var block = new LiveBlock(terminal);
        if (runs.Length == 1 || sequential)
        {
            var succeeded = true;
            foreach (var run in runs)
            {
                var prepared = await session.PrepareAsync(run.Resource, cancellationToken).ConfigureAwait(false);
                succeeded &= await RunOneAsync(session, resolverFor(run), prepared, new LiveRenderer(block, showLogs: !quiet), definition, cache, caching, cancellationToken).ConfigureAwait(false);
            }

            return succeeded;
        }

        // Named before any starts, so that each line's prefix is known and two generated names differ.
        var names = new HashSet<string>(StringComparer.Ordinal);
        var preparedRuns = new List<IResource>();
        foreach (var run in runs)
        {
            IResource prepared;
            var attempt = 0;
            do
            {
                prepared = await session.PrepareAsync(run.Resource, cancellationToken).ConfigureAwait(false);
            }
            while (!names.Add(prepared.Metadata.Name!) && string.IsNullOrEmpty(run.Resource.Metadata.Name) && ++attempt < 20);
            preparedRuns.Add(prepared);
        }

        var width = preparedRuns.Max(r => r.Metadata.Name!.Length);
        var outcomes = await Task.WhenAll(runs.Select((run, i) =>
            RunOneAsync(session, resolverFor(run), preparedRuns[i], new LiveRenderer(block, showLogs: !quiet, preparedRuns[i].Metadata.Name!.PadRight(width)), definition, cache, caching, cancellationToken))).ConfigureAwait(false);
        return outcomes.All(succeeded => succeeded);
    }

    /// <summary>Runs and records one prepared run, then prints its summary; returns whether it succeeded.</summary>
    private static async Task<bool> RunOneAsync(LocalSession session, ITaskResolver resolver, IResource prepared, LiveRenderer renderer, DefinitionVersion? definition, CacheMode cache, TaskRunCaching? caching, CancellationToken cancellationToken)
    {
        var storeWarned = 0;
        var finished = await session.RunAsync(resolver, prepared, renderer, definition, cache, caching, e =>
        {
            if (Interlocked.Exchange(ref storeWarned, 1) == 0)
            {
                Console.Error.WriteLine($"warning: the run history of {prepared.Metadata.Name} could not be written ({e.Message}); the run goes on");
            }
        }, cancellationToken).ConfigureAwait(false);
        renderer.Complete();
        renderer.PrintSummary(finished, LogFiles.DirectoryOf(session.Home, prepared.Metadata.Uid!));
        var condition = finished switch
        {
            PipelineRun p => p.Status?.Conditions.FirstOrDefault(),
            TaskRun t => t.Status?.Conditions.FirstOrDefault(),
            _ => null,
        };
        return condition?.Status == "True";
    }
}
