namespace Sluice.Model.Tests.Support;

/// <summary>Wraps a spec body in a resource header, indenting it under <c>spec:</c>.</summary>
internal static class Samples
{
    public static string Task(string spec, string name = "t") => Resource("Task", name, spec);

    public static string Pipeline(string spec, string name = "p") => Resource("Pipeline", name, spec);

    public static string TaskRun(string spec, string name = "r") => Resource("TaskRun", name, spec);

    public static string PipelineRun(string spec, string name = "pr") => Resource("PipelineRun", name, spec);

    public static string Resource(string kind, string name, string spec) =>
        $"apiVersion: tekton.dev/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n{Indent(spec)}";

    public static string Indent(string text) =>
        string.Concat(text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Length == 0 ? "\n" : "  " + line + "\n"));
}
