using System.CommandLine;
using Sluice.Hosting;
using Sluice.Store;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice delete</c> and <c>sluice prune</c>: remove runs from the history with their logs.</summary>
internal static class DeleteCommand
{
    private static readonly Argument<string[]> Runs = new("runs") { Description = "The runs: PipelineRun or TaskRun names, or uids", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<int?> Keep = new("--keep") { Description = "Keep this many of the newest ended runs" };
    private static readonly Option<string?> OlderThan = new("--older-than") { Description = "Remove only runs created longer ago than this duration, such as 168h" };
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Print what would be removed and remove nothing" };

    public static Command Create()
    {
        var command = new Command("delete", "Remove recorded runs someone started, with their TaskRuns and logs. A running run is refused: cancel it first.\n\nExamples:\n  sluice delete build-run-x7k2p\n  sluice delete build-run-x7k2p deploy-run-9xq2m")
        {
            Runs,
        };
        command.Aliases.Add("rm");
        command.SetAction(ExecuteAsync);
        return command;
    }

    public static Command CreatePrune()
    {
        var command = new Command("prune", "Remove ended runs from the history, with their logs, keeping the newest N or those younger than a duration, or both. Running runs are never removed.\n\nExamples:\n  sluice prune --keep 100\n  sluice prune --older-than 720h\n  sluice prune --keep 20 --older-than 24h --dry-run")
        {
            Keep, OlderThan, DryRun,
        };
        command.SetAction(PruneAsync);
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            var result = ExitCodes.Success;
            foreach (var name in parse.GetValue(Runs) ?? [])
            {
                var found = await HistorySession.FindAsync(session.Store, name, false, null, cancellationToken).ConfigureAwait(false);
                if (found is null)
                {
                    result = ExitCodes.InvalidInput;
                    continue;
                }

                if (!found.IsTopLevel)
                {
                    await Console.Error.WriteLineAsync($"error: {found.Name} is a TaskRun of a pipeline; delete its PipelineRun instead").ConfigureAwait(false);
                    result = ExitCodes.InvalidInput;
                    continue;
                }

                if (found.Completed is null)
                {
                    await Console.Error.WriteLineAsync($"error: {found.Kind} {found.Name} is still running\n  fix: cancel it first with sluice cancel {found.Name}").ConfigureAwait(false);
                    result = ExitCodes.InvalidInput;
                    continue;
                }

                await RemoveAsync(session, found, cancellationToken).ConfigureAwait(false);
                Console.Out.Write($"{found.Kind} {found.Name} deleted\n");
            }

            return result;
        }
    }

    private static async Task<int> PruneAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var keep = parse.GetValue(Keep);
        var olderThanText = parse.GetValue(OlderThan);
        if (keep is null && olderThanText is null)
        {
            await Console.Error.WriteLineAsync("error: prune needs --keep N, --older-than DURATION, or both\n  fix: sluice prune --keep 100").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        DateTimeOffset? cutoff = null;
        if (olderThanText is not null)
        {
            if (!Model.Duration.TryParse(olderThanText, out var age) || age.Value < TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"error: --older-than {olderThanText}: expected a duration such as 24h or 720h").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            cutoff = TimeProvider.System.GetUtcNow() - age.Value;
        }

        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            var candidates = await session.Store.PruneCandidatesAsync(keep ?? 0, cutoff, cancellationToken).ConfigureAwait(false);
            var dryRun = parse.GetValue(DryRun);
            foreach (var run in candidates)
            {
                if (!dryRun)
                {
                    await RemoveAsync(session, run, cancellationToken).ConfigureAwait(false);
                }

                Console.Out.Write($"{run.Kind} {run.Name} {(dryRun ? "would be removed" : "removed")}\n");
            }

            Console.Out.Write($"{candidates.Count} run{(candidates.Count == 1 ? string.Empty : "s")} {(dryRun ? "would be removed" : "removed")}\n");
            return ExitCodes.Success;
        }
    }

    private static async Task RemoveAsync(LocalSession session, RunSummary run, CancellationToken cancellationToken)
    {
        await session.Store.DeleteAsync(run.Uid, cancellationToken).ConfigureAwait(false);
        var logs = LogFiles.DirectoryOf(session.Home, run.Uid);
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }
    }
}
