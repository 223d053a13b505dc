using Sluice.Engine.Execution;

namespace Sluice.Hosting;

/// <summary>Removes what dead sluice processes left behind: containers, processes, run directories.</summary>
public static class Reaper
{
    /// <summary>Reaps every run whose owner is dead; returns what was removed per run.</summary>
    public static async Task<IReadOnlyList<(string RunUid, ReapReport Report)>> ReapDeadAsync(IEnumerable<IExecutor> executors, SluiceHome home, string currentOwner, CancellationToken cancellationToken)
    {
        var reaped = new List<(string, ReapReport)>();
        foreach (var executor in executors)
        {
            IReadOnlyList<OwnedRun> runs;
            try
            {
                runs = await executor.ListOwnedRunsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SandboxConfigurationException)
            {
                continue;
            }

            foreach (var run in runs.DistinctBy(r => r.RunUid))
            {
                if (run.Owner == currentOwner || !ProcessOwner.IsDead(run.Owner, home))
                {
                    continue;
                }

                var report = await executor.ReapAsync(run.RunUid, cancellationToken).ConfigureAwait(false);
                reaped.Add((run.RunUid, report));
            }
        }

        ProcessOwner.ForgetDead(home);
        return reaped;
    }
}
