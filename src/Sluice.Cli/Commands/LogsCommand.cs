using System.CommandLine;
using Sluice.Cli.History;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice logs</c>: a run's step logs replayed from the history, or followed while it runs.</summary>
internal static class LogsCommand
{
    private static readonly Argument<string?> Run = HistoryOptions.Run("The run: a PipelineRun or TaskRun name, or a uid");
    private static readonly Argument<string?> Task = new("task") { Description = "Only this pipeline task (or TaskRun)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string?> Step = new("step") { Description = "Only this step", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep printing while the run goes on, until it ends" };

    public static Command Create()
    {
        var command = new Command("logs", "Print a run's step logs in the order the steps ran, each line prefixed with [task : step], as tkn pipelinerun logs does.\n\nExamples:\n  sluice logs build-run-x7k2p\n  sluice logs build-run-x7k2p compile\n  sluice logs build-run-x7k2p compile make\n  sluice logs --last -f")
        {
            Run, Task, Step, HistoryOptions.Last, Follow, CommonOptions.NoColor,
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
            // With --last no run is named, so the words after logs are the task and the step.
            var last = parse.GetValue(HistoryOptions.Last);
            var (task, step) = last ? (parse.GetValue(Run), parse.GetValue(Task)) : (parse.GetValue(Task), parse.GetValue(Step));
            var found = await HistorySession.FindAsync(session.Store, last ? null : parse.GetValue(Run), last, null, cancellationToken).ConfigureAwait(false);
            if (found is null || await session.Store.GetAsync(found.Uid, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return ExitCodes.InvalidInput;
            }

            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Interrupts.Token);
            var stdout = Console.OpenStandardOutput();
            await using (stdout.ConfigureAwait(false))
            {
                var replay = new LogReplay(stdout, HistorySession.Color(parse));
                try
                {
                    if (parse.GetValue(Follow) && stored.Summary.Completed is null)
                    {
                        await replay.FollowAsync(session.Store, stored.Summary.Uid, task, step, interrupted.Token).ConfigureAwait(false);
                        return ExitCodes.Success;
                    }
                }
                catch (OperationCanceledException) when (Interrupts.Token.IsCancellationRequested)
                {
                    return ExitCodes.Success;
                }

                if (!await replay.ReplayAsync(stored, task, step, interrupted.Token).ConfigureAwait(false))
                {
                    await Console.Error.WriteLineAsync(task is null ? $"No logs recorded for {stored.Summary.Name}" : $"No logs recorded for {stored.Summary.Name} matching {task}{(step is null ? string.Empty : " " + step)}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
        }
    }
}
