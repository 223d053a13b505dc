using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Writing;

namespace Sluice.Cli.Tests.Examples;

/// <summary>The conference app's pipelines as Tekton YAML, read with the model's own loader, and how two Pipelines are compared.</summary>
internal static class ConferencePipelineFiles
{
    public static string Tekton => Path.Combine(RepositoryPaths.Root, "examples", "conference-app", ".tekton");

    /// <summary>The one Pipeline of a file of <c>.tekton/</c>, loaded and checked as <c>sluice run</c> loads it.</summary>
    public static PipelineDefinition Read(string file)
    {
        var path = Path.Combine(Tekton, file);
        var diagnostics = new DiagnosticBag();
        return Single(ResourceReader.ReadFile(path, path, diagnostics), diagnostics, path);
    }

    /// <summary>The one Pipeline of YAML text, as <see cref="Read"/> loads a file.</summary>
    public static PipelineDefinition ReadText(string yaml, string file)
    {
        var diagnostics = new DiagnosticBag();
        return Single(ResourceReader.ReadText(yaml, file, diagnostics), diagnostics, file);
    }

    /// <summary>
    /// The Pipeline as canonical JSON, with Tekton's default for a param that names no type (string) written
    /// out, so that <c>type: string</c> left implicit in YAML and written by a builder compare equal. Records
    /// hold immutable arrays, which compare by reference; their JSON compares every field, in order.
    /// </summary>
    public static string Canonical(PipelineDefinition pipeline)
    {
        var spec = pipeline.Spec with { Params = [.. pipeline.Spec.Params.Select(p => p with { TypeName = p.TypeName ?? "string" })] };
        return JsonText.Write(pipeline with { Spec = spec }, indented: true);
    }

    private static PipelineDefinition Single(ImmutableArray<LoadedResource> loaded, DiagnosticBag diagnostics, string file)
    {
        ResourceSet.FromResources(loaded, diagnostics);
        Assert.True(!diagnostics.HasErrors, $"{file} does not load:\n{string.Join('\n', diagnostics.ToImmutable())}");
        return Assert.IsType<PipelineDefinition>(Assert.Single(loaded).Resource);
    }
}
