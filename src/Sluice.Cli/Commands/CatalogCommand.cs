using System.CommandLine;
using System.Text.Json.Nodes;
using Sluice.Catalog;
using Sluice.Catalog.Custom;
using Sluice.Cli.History;
using Sluice.Cli.Rendering;
using Sluice.Model.Diagnostics;
using Sluice.Model.Writing;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice catalog list|show</c>: the Tasks built into Sluice, which a taskRef finds when no file defines its name.</summary>
internal static class CatalogCommand
{
    private static readonly Argument<string> Name = new("name") { Description = "A catalog Task, as catalog list names it" };
    private static readonly Option<string?> Output = HistoryOptions.Output("json");

    public static Command Create()
    {
        var list = new Command("list", "List the catalog's Tasks and custom tasks with their version and what they do.\n\nExamples:\n  sluice catalog list\n  sluice catalog list -o json") { Output };
        list.Aliases.Add("ls");
        list.SetAction(List);
        var show = new Command("show", "Print a catalog Task's YAML, to read its params and results or to copy and change it: a file that defines a Task of the same name wins over the catalog.\n\nExamples:\n  sluice catalog show version\n  sluice catalog show version > .tekton/version.yaml") { Name, CommonOptions.NoColor };
        show.SetAction(Show);
        return new Command("catalog", "The Tasks built into Sluice: a taskRef to one of these names works without a file defining it") { list, show };
    }

    private static int List(ParseResult parse)
    {
        var tasks = TaskCatalog.BuiltIn.Tasks;
        var custom = new CustomTaskCatalog(CatalogServices.Default).Tasks;
        if (parse.GetValue(Output) == "json")
        {
            var array = new JsonArray([
                .. tasks.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Name,
                    ["kind"] = "Task",
                    ["version"] = t.Version,
                    ["description"] = t.Summary,
                }),
                .. custom.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Kind,
                    ["kind"] = "custom",
                    ["apiVersion"] = t.ApiVersion,
                    ["version"] = t.Version,
                    ["description"] = Summary(t),
                })]);
            Console.Out.Write(JsonText.Write(array, indented: true) + "\n");
            return ExitCodes.Success;
        }

        var table = new TextTable("NAME", "KIND", "VERSION", "DESCRIPTION");
        foreach (var task in tasks)
        {
            table.Add(task.Name, "Task", task.Version, task.Summary);
        }

        foreach (var task in custom)
        {
            table.Add(task.Kind, "custom", task.Version, Summary(task));
        }

        table.Write(Console.Out);
        return ExitCodes.Success;
    }

    private static int Show(ParseResult parse)
    {
        var name = parse.GetValue(Name)!;
        var custom = new CustomTaskCatalog(CatalogServices.Default).Tasks;
        if (custom.FirstOrDefault(t => t.Kind == name) is { } customTask)
        {
            Console.Out.Write(Describe(customTask));
            return ExitCodes.Success;
        }

        if (TaskCatalog.BuiltIn.Find(name) is not { } task)
        {
            var names = TaskCatalog.BuiltIn.Names.AddRange(custom.Select(t => t.Kind));
            var fix = Spelling.Closest(name, names) is { } closest
                ? $"did you mean \"{closest}\"?"
                : $"the catalog holds {string.Join(", ", names)}";
            DiagnosticPrinter.Print([new Diagnostic(SourceLocation.None, "name", $"the catalog has no Task named {GoQuote.Of(name)}", fix)], Console.Error, CommonOptions.ColorOnStderr(parse), "nothing was printed");
            return ExitCodes.InvalidInput;
        }

        Console.Out.Write(task.Yaml.EndsWith('\n') ? task.Yaml : task.Yaml + "\n");
        return ExitCodes.Success;
    }

    private static string Summary(CatalogCustomTask task) => (task.Declaration.Description ?? string.Empty).Split('\n', 2)[0].Trim();

    /// <summary>A custom task's declaration as YAML, under comments that say how a pipeline refers to it.</summary>
    private static string Describe(CatalogCustomTask task) =>
        $$"""
        # {{task.Kind}} {{task.Version}}: a custom task that Sluice runs in its own process (no container).
        # A pipeline task refers to it with:
        #   taskRef: {apiVersion: {{task.ApiVersion}}, kind: {{task.Kind}}}
        # Its params, results and workspaces, as a Task would declare them:

        """ + YamlText.Write(ResourceWriter.ToNode(task.Declaration));
}
