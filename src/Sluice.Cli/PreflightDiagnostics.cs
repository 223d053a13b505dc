using Sluice.Engine;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Runs;

namespace Sluice.Cli;

/// <summary>Turns preflight problems into positioned diagnostics: at the object they are about, in whichever file holds it.</summary>
public static class PreflightDiagnostics
{
    /// <summary>The diagnostic of one problem of a run.</summary>
    /// <param name="problem">What the preflight found.</param>
    /// <param name="source">The resource the run came from as loaded: the run itself, or the Pipeline or Task a run was made for.</param>
    /// <param name="resources">Every loaded resource, to find objects in other files.</param>
    /// <param name="refusal">Whether the problem is a feature only a cluster provides.</param>
    public static Diagnostic From(PreflightProblem problem, LoadedResource source, ResourceSet resources, bool refusal)
    {
        var location = SourceLocation.None;
        if (AsWritten(problem.Owner, source) is { } owner)
        {
            foreach (var loaded in resources.Resources.Prepend(source))
            {
                var found = loaded.SourceMap.Locate(owner, problem.Field);
                if (found.IsKnown)
                {
                    location = found;
                    break;
                }
            }
        }

        if (!location.IsKnown)
        {
            location = source.SourceMap.Locate(source.Resource, "spec") is { IsKnown: true } spec ? spec : source.Location;
        }

        var message = refusal ? $"refused: {problem.Message}" : $"{problem.Reason}: {problem.Message}";
        var fix = refusal ? problem.Fix ?? "this feature needs a Kubernetes cluster; Sluice runs Tekton locally" : problem.Fix;
        return new Diagnostic(location, problem.Field ?? "spec", message, fix);
    }

    /// <summary>
    /// The checked run is a copy of the loaded one (the command line may override its params, workspaces
    /// or namespace); the run and its spec are looked up as they were loaded.
    /// </summary>
    private static object? AsWritten(object? owner, LoadedResource source) => (owner, source.Resource) switch
    {
        (TaskRun or PipelineRun, TaskRun or PipelineRun) => source.Resource,
        (TaskRunSpec, TaskRun written) => written.Spec,
        (PipelineRunSpec, PipelineRun written) => written.Spec,
        _ => owner,
    };
}
