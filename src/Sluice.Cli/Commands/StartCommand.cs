using System.Collections.Immutable;
using System.CommandLine;
using Sluice.Catalog;
using Sluice.Cli.Rendering;
using Sluice.Engine.Runs;
using Sluice.Hosting;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice start pipeline|task NAME</c>: runs a stored definition, recording the version it ran.</summary>
internal static class StartCommand
{
    private static readonly Argument<string> Kind = new Argument<string>("kind") { Description = "pipeline or task" }.AcceptOnlyFromAmong("pipeline", "task");
    private static readonly Argument<string> Name = new("name") { Description = "The stored Pipeline or Task (see sluice get pipelines)" };

    public static Command Create()
    {
        var command = new Command("start", "Run a stored Pipeline or Task (see sluice apply) with params and workspaces, showing each task and step live.\n\nExamples:\n  sluice start pipeline build -p revision=main -w source=emptyDir\n  sluice start task echo -p message=hi --executor host")
        {
            Kind, Name, RunCommand.Params, RunCommand.Workspaces, RunCommand.Executor, RunCommand.Network, RunCommand.Concurrency,
            CommonOptions.Config, CommonOptions.ImageMap, CommonOptions.Quiet, CommonOptions.NoColor,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Interrupts.Token);
        var color = CommonOptions.ColorOnStderr(parse);
        var diagnostics = new DiagnosticBag();
        var kind = parse.GetValue(Kind) == "task" ? "Task" : "Pipeline";
        var name = parse.GetValue(Name)!;
        ResourceSet resources;
        DefinitionVersion? version;
        var store = await LocalSession.OpenStoreAsync(SluiceHome.FromEnvironment(), new SessionOptions { Store = parse.GetValue(HistoryOptions.Store) }, diagnostics, interrupted.Token).ConfigureAwait(false);
        if (store is null)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.EnvironmentError;
        }

        await using (store.ConfigureAwait(false))
        {
            resources = await DefinitionCommands.StoredResourcesAsync(store, diagnostics, interrupted.Token).ConfigureAwait(false);
            version = await DefinitionCommands.VersionOfAsync(store, kind, name, interrupted.Token).ConfigureAwait(false);
        }

        // A Task nobody stored may be built in: it starts as the catalog has it, with no stored version.
        var builtIn = version is null && kind == "Task" ? TaskCatalog.BuiltIn.Find(name) : null;
        var loaded = builtIn?.Resource ?? (kind == "Task" ? resources.FindTask(name) : resources.FindPipeline(name));
        if (loaded is null || (version is null && builtIn is null))
        {
            var known = resources.Resources.Where(r => r.Resource.Kind == kind).Select(r => r.Resource.Metadata.Name).ToList();
            var catalog = kind == "Task" ? "; sluice catalog list names the Tasks built into Sluice" : string.Empty;
            diagnostics.Add(SourceLocation.None, "name", $"no {kind} named \"{name}\" is stored", (known.Count == 0 ? "store it first with sluice apply -f FILE" : $"stored: {string.Join(", ", known)}") + catalog);
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.InvalidInput;
        }

        var run = Build(loaded.Resource, parse, diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.InvalidInput;
        }

        return await RunCommand.StartAsync(parse, [new RunCommand.SelectedRun(loaded, run)], resources, version, interrupted.Token).ConfigureAwait(false);
    }

    private static IResource Build(IResource definition, ParseResult parse, DiagnosticBag diagnostics)
    {
        var name = definition.Metadata.Name!;
        var declared = definition switch
        {
            PipelineDefinition p => p.Spec.Params,
            TaskDefinition t => t.Spec.Params,
            _ => [],
        };
        ImmutableArray<Param> parameters = [.. RunInputs.Pairs(parse.GetValue(RunCommand.Params) ?? [], "-p", diagnostics)
            .Select(p => new Param { Name = p.Key, Value = RunInputs.Value(p.Value, declared.FirstOrDefault(d => d.Name == p.Key)?.Type ?? ParamType.String, p.Key, diagnostics) })];
        ImmutableArray<WorkspaceBinding> workspaces = [.. RunInputs.Pairs(parse.GetValue(RunCommand.Workspaces) ?? [], "-w", diagnostics)
            .Select(w => RunInputs.Binding(w.Key, w.Value, diagnostics)).OfType<WorkspaceBinding>()];
        return definition switch
        {
            PipelineDefinition => new PipelineRun
            {
                Metadata = new ObjectMeta { GenerateName = $"{name}-run-" },
                Spec = new PipelineRunSpec { PipelineRef = new PipelineReference { Name = name }, Params = parameters, Workspaces = workspaces },
            },
            _ => new TaskRun
            {
                Metadata = new ObjectMeta { GenerateName = $"{name}-run-" },
                Spec = new TaskRunSpec { TaskRef = new TaskReference { Name = name }, Params = parameters, Workspaces = workspaces },
            },
        };
    }
}
