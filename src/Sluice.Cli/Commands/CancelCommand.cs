using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice cancel</c>: asks the process running a run, wherever it was started, to cancel it as Ctrl-C does.</summary>
internal static class CancelCommand
{
    private static readonly Argument<string?> Run = HistoryOptions.Run("The running run: a PipelineRun or TaskRun name, or a uid");
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait until the run has ended, and exit 0 only when it ended cancelled" };

    public static Command Create()
    {
        var command = new Command("cancel", "Cancel a running run from any terminal: the sluice process running it notices within a second, kills and removes its steps, and the run ends Cancelled.\n\nExamples:\n  sluice cancel build-run-x7k2p\n  sluice cancel --last --wait")
        {
            Run, HistoryOptions.Last, Wait,
        };
        command.SetAction(ExecuteAsync);
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
            var found = await HistorySession.FindAsync(session.Store, parse.GetValue(Run), parse.GetValue(HistoryOptions.Last), null, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return ExitCodes.InvalidInput;
            }

            var root = found.IsTopLevel ? found : (await session.Store.GetAsync(found.RootUid, cancellationToken).ConfigureAwait(false))?.Summary ?? found;
            if (root.Completed is not null)
            {
                await Console.Error.WriteLineAsync($"error: {root.Kind} {root.Name} has already ended ({root.Reason}); nothing to cancel").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            await session.Store.RequestCancelAsync(root.Uid, cancellationToken).ConfigureAwait(false);
            Console.Out.Write($"{root.Kind} {root.Name} cancellation requested\n");
            if (!parse.GetValue(Wait))
            {
                return ExitCodes.Success;
            }

            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Interrupts.Token);
            while (true)
            {
                var now = await session.Store.FindAsync(root.Uid, interrupted.Token).ConfigureAwait(false);
                if (now?.Completed is not null)
                {
                    Console.Out.Write($"{root.Kind} {root.Name} ended: {now.Reason}\n");
                    return now.Succeeded == "False" && now.Reason is not null && now.Reason.Contains("Cancelled", StringComparison.Ordinal) ? ExitCodes.Success : ExitCodes.RunFailed;
                }

                await Task.Delay(250, interrupted.Token).ConfigureAwait(false);
            }
        }
    }
}
