using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json.Nodes;
using Sluice.Cli.History;
using Sluice.Cli.Rendering;
using Sluice.Engine.Runs;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;
using Sluice.Model.Writing;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice apply</c> and <c>sluice get</c>: Tasks and Pipelines stored in the history, versioned.</summary>
internal static class DefinitionCommands
{
    private static readonly Option<string[]> Files = new("--filename", "-f") { Description = "A YAML file or directory of Tasks, Pipelines and StepActions (repeatable)", Required = true };

    private static readonly Argument<string> Kind = new Argument<string>("kind") { Description = "tasks or pipelines" }
        .AcceptOnlyFromAmong("tasks", "task", "pipelines", "pipeline", "stepactions", "stepaction");

    private static readonly Argument<string?> Name = new("name") { Description = "Only this one", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Output = HistoryOptions.Output("json", "yaml");

    public static Command CreateApply()
    {
        var command = new Command("apply", "Store Task, Pipeline and StepAction definitions in the history. A definition that changed becomes a new version; runs keep the exact version they ran.\n\nExamples:\n  sluice apply -f .tekton/\n  sluice apply -f build-pipeline.yaml -f tasks/")
        {
            Files, CommonOptions.NoColor,
        };
        command.SetAction(ApplyAsync);
        return command;
    }

    public static Command CreateGet()
    {
        var command = new Command("get", "List the stored Tasks or Pipelines with their newest version, or print one.\n\nExamples:\n  sluice get pipelines\n  sluice get tasks\n  sluice get pipeline build -o yaml")
        {
            Kind, Name, Output,
        };
        command.SetAction(GetAsync);
        return command;
    }

    /// <summary>The stored definitions (newest versions) as resources a run can use.</summary>
    internal static async Task<ResourceSet> StoredResourcesAsync(Store.RunStore store, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        var loaded = ImmutableArray.CreateBuilder<LoadedResource>();
        foreach (var definition in await store.ListDefinitionsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            loaded.AddRange(ResourceReader.ReadText(definition.Resource, $"stored {definition.Kind} {definition.Name} (version {definition.Version})", diagnostics));
        }

        return ResourceSet.FromResources(loaded.ToImmutable(), diagnostics);
    }

    private static async Task<int> ApplyAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var color = CommonOptions.ColorOnStderr(parse);
        var diagnostics = new DiagnosticBag();
        var resources = ResourceSet.Load(parse.GetValue(Files) ?? [], diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color, "nothing was stored");
            return ExitCodes.InvalidInput;
        }

        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            foreach (var resource in resources.Resources.Select(r => r.Resource))
            {
                if (resource is not (TaskDefinition or PipelineDefinition or StepActionDefinition))
                {
                    await Console.Error.WriteLineAsync($"skipped {resource.Kind} {resource.Metadata.Name ?? resource.Metadata.GenerateName}: apply stores Tasks, Pipelines and StepActions; start runs with sluice run or sluice start").ConfigureAwait(false);
                    continue;
                }

                var (version, changed) = await session.Store.ApplyAsync(resource, cancellationToken).ConfigureAwait(false);
                var what = !changed ? "unchanged" : version == 1 ? "created" : "configured";
                Console.Out.Write($"{resource.Kind.ToLowerInvariant()}.tekton.dev/{resource.Metadata.Name} {what} (version {version})\n");
            }

            return ExitCodes.Success;
        }
    }

    private static async Task<int> GetAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var kind = parse.GetValue(Kind) switch
        {
            "tasks" or "task" => "Task",
            "stepactions" or "stepaction" => "StepAction",
            _ => "Pipeline",
        };
        var (session, exitCode) = await HistorySession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return exitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            var name = parse.GetValue(Name);
            var definitions = (await session.Store.ListDefinitionsAsync(kind, cancellationToken).ConfigureAwait(false)).Where(d => name is null || d.Name == name).ToList();
            if (definitions.Count == 0)
            {
                await Console.Error.WriteLineAsync(name is null ? $"No {kind.ToLowerInvariant()}s stored; store some with sluice apply -f FILE" : $"error: no {kind} named \"{name}\" is stored").ConfigureAwait(false);
                return name is null ? ExitCodes.Success : ExitCodes.InvalidInput;
            }

            switch (parse.GetValue(Output))
            {
                case "json" or "yaml" when name is not null:
                    var single = JsonNode.Parse(definitions[0].Resource);
                    Console.Out.Write(parse.GetValue(Output) == "yaml" ? YamlText.Write(single) : JsonText.Write(single, indented: true) + "\n");
                    break;
                case "json" or "yaml":
                    RunTable.WriteList(Console.Out, [.. definitions.Select(d => d.Resource)], parse.GetValue(Output)!);
                    break;
                default:
                    var now = TimeProvider.System.GetUtcNow();
                    var table = new TextTable("NAME", "VERSION", "AGE", "DIGEST");
                    foreach (var definition in definitions)
                    {
                        table.Add(definition.Name, definition.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Ages.Human(now - definition.Applied), definition.Digest[..Math.Min(definition.Digest.Length, 19)]);
                    }

                    table.Write(Console.Out);
                    break;
            }

            return ExitCodes.Success;
        }
    }

    /// <summary>The stored definition of a kind and name as the version a run records.</summary>
    internal static async Task<DefinitionVersion?> VersionOfAsync(Store.RunStore store, string kind, string name, CancellationToken cancellationToken) =>
        await store.GetDefinitionAsync(kind, name, null, cancellationToken).ConfigureAwait(false) is { } stored ? new DefinitionVersion(kind, name, (int)stored.Version) : null;
}
