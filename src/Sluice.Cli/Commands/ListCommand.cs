using System.CommandLine;
using Sluice.Cli.History;
using Sluice.Model;
using Sluice.Store;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice list</c>: the recorded runs, newest first, as <c>kubectl get pipelinerun</c> shows them.</summary>
internal static class ListCommand
{
    private static readonly Argument<string> Kind = new Argument<string>("kind")
    {
        Description = "pipelineruns (default) or taskruns",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "pipelineruns",
    }.AcceptOnlyFromAmong("pipelineruns", "pipelinerun", "pr", "taskruns", "taskrun", "tr");

    private static readonly Option<string?> Pipeline = new("--pipeline", "--task") { Description = "Only runs of this Pipeline (or Task, for taskruns)" };
    private static readonly Option<string?> Status = new("--status") { Description = "Only runs that succeeded, failed or are running, or with this Tekton reason (such as Cancelled)" };
    private static readonly Option<string[]> Labels = new("--label", "-l") { Description = "Only runs with this label: KEY or KEY=VALUE (repeatable)" };
    private static readonly Option<string?> Since = new("--since") { Description = "Only runs created since: a duration such as 2h or 30m, or a time such as 2026-11-01T09:00:00Z" };
    private static readonly Option<int> Limit = new("--limit") { Description = "At most this many runs, newest first", DefaultValueFactory = _ => 50 };
    private static readonly Option<string?> Output = HistoryOptions.Output("wide", "json", "yaml");

    public static Command Create()
    {
        var command = new Command("list", "List recorded runs, newest first, as kubectl get pipelinerun does.\n\nExamples:\n  sluice list\n  sluice list taskruns --status failed\n  sluice list --pipeline build --since 24h -o wide\n  sluice list -l team=payments -o json")
        {
            Kind, Pipeline, Status, Labels, Since, Limit, Output,
        };
        command.Aliases.Add("ls");
        command.SetAction(ExecuteAsync);
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (!TrySince(parse.GetValue(Since), TimeProvider.System, out var since))
        {
            await Console.Error.WriteLineAsync($"error: --since {parse.GetValue(Since)}: expected a duration such as 2h or a time such as 2026-11-01T09:00:00Z").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            var query = new RunQuery
            {
                Kind = parse.GetValue(Kind) is "taskruns" or "taskrun" or "tr" ? "TaskRun" : "PipelineRun",
                Definition = parse.GetValue(Pipeline),
                Status = parse.GetValue(Status),
                Labels = [.. parse.GetValue(Labels) ?? []],
                Since = since,
                Limit = Math.Max(1, parse.GetValue(Limit)),
            };
            var format = parse.GetValue(Output);
            if (format is "json" or "yaml")
            {
                RunTable.WriteList(Console.Out, await session.Store.ListResourcesAsync(query, cancellationToken).ConfigureAwait(false), format);
                return ExitCodes.Success;
            }

            var runs = await session.Store.ListAsync(query, cancellationToken).ConfigureAwait(false);
            if (runs.Count == 0)
            {
                await Console.Error.WriteLineAsync($"No {(query.Kind == "TaskRun" ? "taskruns" : "pipelineruns")} found").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            RunTable.Write(Console.Out, runs, format == "wide", TimeProvider.System);
            return ExitCodes.Success;
        }
    }

    /// <summary>Reads <c>--since</c>: a Go duration back from now, or an RFC 3339 time.</summary>
    internal static bool TrySince(string? text, TimeProvider time, out DateTimeOffset? since)
    {
        since = null;
        if (text is null)
        {
            return true;
        }

        if (Duration.TryParse(text, out var duration))
        {
            since = time.GetUtcNow() - duration.Value;
            return true;
        }

        if (Engine.Runs.Timestamps.Parse(text) is { } at)
        {
            since = at;
            return true;
        }

        return false;
    }
}
