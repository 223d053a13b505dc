using System.Globalization;
using Sluice.Store;

namespace Sluice.Hosting;

/// <summary>
/// Ends the runs whose sluice process died (SIGKILL, a crash, a power cut): each is marked failed with
/// the reason <see cref="Reason"/>, keeping the logs written up to that moment. The reaper then removes
/// what the run left on the machine.
/// </summary>
public static class Abandonment
{
    /// <summary>The reason of a run whose process stopped before it ended.</summary>
    public const string Reason = "EngineStopped";

    /// <summary>Marks the runs of dead owners on this machine failed; returns them.</summary>
    public static async Task<IReadOnlyList<UnfinishedRun>> MarkAsync(RunStore store, SluiceHome home, string currentOwner, CancellationToken cancellationToken)
    {
        var marked = new List<UnfinishedRun>();
        foreach (var run in await store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (run.Owner is not { } owner || owner == currentOwner || !IsThisMachine(owner) || !ProcessOwner.IsDead(owner, home))
            {
                continue;
            }

            var message = $"the sluice process running it (pid {Pid(owner)} on {Environment.MachineName}) stopped before the run ended; its logs up to then are kept";
            if (await store.AbandonAsync(run.Uid, Reason, message, cancellationToken).ConfigureAwait(false))
            {
                marked.Add(run);
            }
        }

        return marked;
    }

    // Owners on other machines (a shared PostgreSQL store) are judged by the machine that runs them.
    private static bool IsThisMachine(string owner) => owner.Split('/')[0] == Environment.MachineName;

    private static string Pid(string owner) => owner.Split('/') is [_, var pid, ..] ? pid : owner.ToString(CultureInfo.InvariantCulture);
}
