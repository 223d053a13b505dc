using System.CommandLine;
using Sluice.Cli;
using Sluice.Cli.Commands;

Interrupts.Install();
var root = new RootCommand("Sluice runs Tekton v1 Tasks and Pipelines on a machine with only Docker.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    CatalogCommand.Create(),
    ImageCommand.Create(),
};
HistoryCommands.Add(root);
var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
