using System.CommandLine;
using System.Text.Json.Nodes;
using Sluice.Cli.History;
using Sluice.Model.Writing;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice describe</c>: one run in detail, as <c>tkn pipelinerun describe</c> shows it, or its stored resource.</summary>
internal static class DescribeCommand
{
    private static readonly Argument<string?> Run = HistoryOptions.Run("The run: a PipelineRun or TaskRun name, or a uid");
    private static readonly Option<string?> Output = HistoryOptions.Output("json", "yaml");

    public static Command Create()
    {
        var command = new Command("describe", "Describe a recorded run: params, results, workspaces, each task and step with status and duration, artifacts and why it failed. With -o json|yaml, the stored resource in Tekton's field names.\n\nExamples:\n  sluice describe build-run-x7k2p\n  sluice describe --last\n  sluice describe build-run-x7k2p-compile\n  sluice describe build-run-x7k2p -o yaml")
        {
            Run, HistoryOptions.Last, Output,
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
            if (found is null || await session.Store.GetAsync(found.Uid, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return ExitCodes.InvalidInput;
            }

            switch (parse.GetValue(Output))
            {
                case "json":
                    Console.Out.Write(JsonText.Write(JsonNode.Parse(stored.Resource), indented: true) + "\n");
                    break;
                case "yaml":
                    Console.Out.Write(YamlText.Write(JsonNode.Parse(stored.Resource)));
                    break;
                default:
                    RunDescription.Write(Console.Out, stored, TimeProvider.System);
                    break;
            }

            return ExitCodes.Success;
        }
    }
}
