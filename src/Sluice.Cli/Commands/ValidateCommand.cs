using System.CommandLine;
using Sluice.Catalog;
using Sluice.Cli.Rendering;
using Sluice.Engine;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice validate</c>: every problem of the given files at once, positioned, without running anything.</summary>
internal static class ValidateCommand
{
    private static readonly Argument<string[]> FilesArgument = CommonOptions.Files("YAML files or directories to check; - reads standard input");

    public static Command Create()
    {
        var command = new Command("validate", "Check Tekton YAML as Tekton's admission webhook and reconciler would, reporting every problem with file:line:column, field and fix.\n\nExamples:\n  sluice validate pipeline.yaml\n  sluice validate .tekton/\n  sluice catalog show version | sluice validate -")
        {
            FilesArgument, CommonOptions.NoColor,
        };
        command.SetAction(Execute);
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var color = CommonOptions.ColorOnStderr(parse);
        var diagnostics = new DiagnosticBag();
        var files = parse.GetValue(FilesArgument) ?? [];
        var resources = Load(files, diagnostics);
        if (!diagnostics.HasErrors)
        {
            foreach (var run in resources.Runs)
            {
                var resolver = new CatalogResolver(new ResourceSetResolver(resources.Scoped(run.File)));
                foreach (var problem in Preflight.Check(run.Resource, resolver, new EngineOptions()).Where(p => !p.NeedsCluster))
                {
                    diagnostics.Add(PreflightDiagnostics.From(problem, run, resources, refusal: false));
                }
            }
        }

        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.ToImmutable(), Console.Error, color, "the files are not valid");
            return ExitCodes.InvalidInput;
        }

        var count = resources.Resources.Length;
        Console.Out.WriteLine($"{count} resource{(count == 1 ? string.Empty : "s")} in {files.Length} path{(files.Length == 1 ? string.Empty : "s")}: valid");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The resources of the files, and of standard input for <c>-</c>, so that a Task can be checked before
    /// it is saved (<c>sluice catalog show NAME | sluice validate -</c>). A file's definition wins over one
    /// of the same kind and name on standard input.
    /// </summary>
    private static ResourceSet Load(string[] files, DiagnosticBag diagnostics)
    {
        var resources = ResourceSet.Load(files.Where(f => f != "-"), diagnostics);
        if (!files.Contains("-"))
        {
            return resources;
        }

        var standardInput = ResourceReader.ReadText(Console.In.ReadToEnd(), "-", diagnostics);
        return resources.With(ResourceSet.FromResources(standardInput, diagnostics));
    }
}
