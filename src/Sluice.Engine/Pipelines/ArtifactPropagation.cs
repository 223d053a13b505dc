using Sluice.Engine.Substitution;
using Sluice.Engine.Tasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// Tekton's <c>PropagateArtifacts</c> (pkg/reconciler/pipelinerun/resources/apply.go): before an inline
/// task starts, <c>$(tasks.&lt;t&gt;.inputs|outputs.&lt;name&gt;)</c> becomes json.Marshal of the values of that
/// artifact in the finished task's <c>status.artifacts</c>, and <c>$(tasks.&lt;t&gt;.inputs|outputs)</c> those of
/// its first one. A matrixed task's TaskRuns are merged first (<c>GetTaskRunsArtifacts</c>).
/// </summary>
internal static class ArtifactPropagation
{
    /// <summary>The spec with the artifacts of finished tasks substituted; a referenced Task's spec is left alone, as Tekton runs it by reference.</summary>
    public static TaskSpec? Apply(TaskSpec? spec, PipelineTaskState state, IEnumerable<PipelineTaskState> states)
    {
        if (spec is null || state.TaskName is not null || !VariableScan.Mentions(spec) ||
            !state.Original.SpecExpressions().Any(e => e.StartsWith("tasks.", StringComparison.Ordinal)))
        {
            return spec;
        }

        var replacements = new Replacements();
        foreach (var finished in states)
        {
            if (finished.IsChildPipeline || !(finished.IsSuccessful || finished.IsFailure) || Artifacts(finished) is not { } provenance)
            {
                continue;
            }

            Add(replacements, $"tasks.{finished.Name}.inputs", provenance.Inputs);
            Add(replacements, $"tasks.{finished.Name}.outputs", provenance.Outputs);
        }

        return replacements.IsEmpty ? spec : TaskSpecSubstitution.Apply(spec, replacements);
    }

    private static Provenance? Artifacts(PipelineTaskState state)
    {
        if (!state.Original.IsMatrixed())
        {
            return state.TaskRuns.Count == 0 ? null : Provenance.FromNode(state.TaskRuns[0].Status?.Artifacts);
        }

        var merged = Provenance.Empty;
        foreach (var run in state.TaskRuns)
        {
            merged = merged.Merge(Provenance.FromNode(run.Status?.Artifacts) ?? Provenance.Empty);
        }

        return merged;
    }

    private static void Add(Replacements replacements, string prefix, IReadOnlyList<Artifact> artifacts)
    {
        for (var i = 0; i < artifacts.Count; i++)
        {
            var values = Provenance.Marshal(artifacts[i]);
            replacements.Strings[$"{prefix}.{artifacts[i].Name}"] = values;
            if (i == 0)
            {
                replacements.Strings[prefix] = values;
            }
        }
    }
}
