using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json.Nodes;
using Sluice.Cli.Rendering;
using Sluice.Engine.Runs;
using Sluice.Hosting;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Store;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice rerun</c>: a new run with the recorded run's exact definitions and params; with
/// <c>--same-inputs</c> also the image digests its steps ran and the commits its tasks resolved.
/// </summary>
internal static class RerunCommand
{
    private static readonly Argument<string?> Run = HistoryOptions.Run("The run to repeat: a PipelineRun or TaskRun name, or a uid");
    private static readonly Option<bool> SameInputs = new("--same-inputs") { Description = "Also pin the image digests the steps ran and the commits tasks resolved (a result named commit fed to a param named revision), to reproduce a failure exactly" };

    public static Command Create()
    {
        var command = new Command("rerun", "Start a new run with the same definitions (as they were when it ran), params and workspaces as a recorded one; -p overrides params.\n\nExamples:\n  sluice rerun build-run-x7k2p\n  sluice rerun --last -p revision=v1.2.3\n  sluice rerun build-run-x7k2p --same-inputs")
        {
            Run, HistoryOptions.Last, RunCommand.Params, SameInputs, RunCommand.Executor, RunCommand.Network, RunCommand.Concurrency,
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
        var store = await LocalSession.OpenStoreAsync(SluiceHome.FromEnvironment(), new SessionOptions { Store = parse.GetValue(HistoryOptions.Store) }, diagnostics, interrupted.Token).ConfigureAwait(false);
        if (store is null)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color);
            return ExitCodes.EnvironmentError;
        }

        StoredRun? stored;
        await using (store.ConfigureAwait(false))
        {
            var found = await HistorySession.FindAsync(store, parse.GetValue(Run), parse.GetValue(HistoryOptions.Last), null, interrupted.Token).ConfigureAwait(false);
            if (found is null)
            {
                return ExitCodes.InvalidInput;
            }

            stored = await store.GetAsync(found.RootUid, interrupted.Token).ConfigureAwait(false);
        }

        if (stored is null)
        {
            return ExitCodes.InvalidInput;
        }

        var sources = ImmutableArray.CreateBuilder<LoadedResource>();
        foreach (var source in JsonNode.Parse(stored.Sources ?? "[]")!.AsArray())
        {
            sources.AddRange(ResourceReader.ReadText(source!.ToJsonString(), $"{stored.Summary.Name} (as run)", diagnostics));
        }

        var original = ResourceReader.ReadText(stored.Resource, $"{stored.Summary.Name} (as run)", diagnostics);
        if (diagnostics.HasErrors || original.Length != 1)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color, "nothing was run");
            return ExitCodes.InvalidInput;
        }

        var resources = ResourceSet.FromResources(sources.ToImmutable(), diagnostics);
        var run = Fresh(original[0].Resource, stored.Summary);
        run = Override(run, RunInputs.Pairs(parse.GetValue(RunCommand.Params) ?? [], "-p", diagnostics), diagnostics);
        var pins = ImmutableArray<KeyValuePair<string, string>>.Empty;
        if (parse.GetValue(SameInputs))
        {
            var inputs = SameInputsPlan.From(stored, run, resources);
            run = inputs.Run;
            resources = inputs.Resources;
            pins = inputs.Images;
            foreach (var note in inputs.Notes)
            {
                Console.Out.Write($"pinned {note}\n");
            }
        }

        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color, "nothing was run");
            return ExitCodes.InvalidInput;
        }

        var version = stored.Summary.DefinitionVersion is { } v && stored.Summary.DefinitionName is { } name
            ? new DefinitionVersion(stored.Summary.Kind == "PipelineRun" ? "Pipeline" : "Task", name, (int)v)
            : null;
        return await RunCommand.StartAsync(parse, [new RunCommand.SelectedRun(original[0] with { Resource = run }, run)], resources, version, interrupted.Token, pins).ConfigureAwait(false);
    }

    /// <summary>The recorded run as a new one: no name, uid, times or status; marked as a rerun.</summary>
    private static IResource Fresh(IResource run, RunSummary summary)
    {
        var metadata = run.Metadata with
        {
            Name = null,
            Uid = null,
            CreationTimestamp = null,
            ResourceVersion = null,
            GenerateName = run.Metadata.GenerateName ?? summary.Name + "-",
            Annotations = run.Metadata.Annotations.SetItem("sluice.dev/rerun-of", summary.Name),
        };
        return run switch
        {
            PipelineRun p => p with { Metadata = metadata, Status = null },
            TaskRun t => t with { Metadata = metadata, Status = null },
            _ => run,
        };
    }

    private static IResource Override(IResource run, ImmutableArray<KeyValuePair<string, string>> overrides, DiagnosticBag diagnostics)
    {
        if (overrides.IsEmpty)
        {
            return run;
        }

        ImmutableArray<Param> Merge(ImmutableArray<Param> existing) =>
            [.. existing.Where(p => overrides.All(o => o.Key != p.Name)),
             .. overrides.Select(o => new Param { Name = o.Key, Value = RunInputs.Value(o.Value, existing.FirstOrDefault(p => p.Name == o.Key)?.Value.Type ?? ParamType.String, o.Key, diagnostics) })];
        return run switch
        {
            PipelineRun p => p with { Spec = p.Spec with { Params = Merge(p.Spec.Params) } },
            TaskRun t => t with { Spec = t.Spec with { Params = Merge(t.Spec.Params) } },
            _ => run,
        };
    }
}
