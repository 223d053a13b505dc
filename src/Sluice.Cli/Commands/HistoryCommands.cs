using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>The commands over the run history and stored definitions, and the options every command takes.</summary>
internal static class HistoryCommands
{
    /// <summary>Adds the history commands and the global options to the root command.</summary>
    public static void Add(RootCommand root)
    {
        root.Options.Add(HistoryOptions.Store);
        root.Options.Add(HistoryOptions.Verbose);
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(DescribeCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(RerunCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(DeleteCommand.CreatePrune());
        root.Subcommands.Add(DefinitionCommands.CreateApply());
        root.Subcommands.Add(StartCommand.Create());
        root.Subcommands.Add(DefinitionCommands.CreateGet());
        root.Subcommands.Add(CacheCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
    }
}
