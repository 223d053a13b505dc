using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Engine.Pipelines;

/// <summary>The DAG: which tasks each task waits for, and which wait for it.</summary>
public sealed partial class PipelineRunRunner
{
    /// <summary>
    /// The parents of each DAG task, by position: runAfter and the owners of result references, as
    /// <see cref="PipelineGraph"/> has them. A valid graph, the common case, is checked here in one pass
    /// over positions; an invalid one goes to <see cref="PipelineGraph.Build"/> for Tekton's error.
    /// </summary>
    /// <exception cref="PipelineRunFailure">Duplicate tasks, a missing dependency or a cycle.</exception>
    private static int[][] DagParents(PipelineSpec spec, string ns, string name)
    {
        if (ValidParents(spec.Tasks) is { } parents)
        {
            return parents;
        }

        var (graph, graphError) = PipelineGraph.Build(spec.Tasks);
        if (graph is null)
        {
            throw new PipelineRunFailure("PipelineInvalidGraph", $"{TektonMessages.UserError}PipelineRun {ns}/{name}'s Pipeline DAG is invalid: {graphError}")
            {
                Owner = spec,
                Field = "tasks",
                Fix = "remove the dependency that closes the cycle, or add the missing task",
            };
        }

        var positions = spec.Tasks.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return [.. spec.Tasks.Select(t => graph.Parents[t.Name].Select(p => positions[p]).ToArray())];
    }

    /// <summary>The parents of each task by position, or null when names repeat, a dependency is missing or the tasks form a cycle.</summary>
    private static int[][]? ValidParents(ImmutableArray<PipelineTask> tasks)
    {
        var positions = new Dictionary<string, int>(tasks.Length, StringComparer.Ordinal);
        for (var i = 0; i < tasks.Length; i++)
        {
            if (!positions.TryAdd(tasks[i].Name, i))
            {
                return null;
            }
        }

        var parents = new int[tasks.Length][];
        var waiting = new int[tasks.Length];
        var children = new List<int>?[tasks.Length];
        var found = new List<int>();
        for (var i = 0; i < tasks.Length; i++)
        {
            found.Clear();
            foreach (var dependency in DependencyNames(tasks[i]))
            {
                if (!positions.TryGetValue(dependency, out var parent))
                {
                    return null;
                }

                if (!found.Contains(parent))
                {
                    found.Add(parent);
                    (children[parent] ??= []).Add(i);
                }
            }

            parents[i] = found.Count == 0 ? [] : [.. found];
            waiting[i] = found.Count;
        }

        // Kahn's walk: every task is reached exactly when no cycle exists.
        var ready = new Queue<int>();
        for (var i = 0; i < tasks.Length; i++)
        {
            if (waiting[i] == 0)
            {
                ready.Enqueue(i);
            }
        }

        var reached = 0;
        while (ready.TryDequeue(out var done))
        {
            reached++;
            foreach (var child in children[done] ?? [])
            {
                if (--waiting[child] == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }

        return reached == tasks.Length ? parents : null;
    }

    /// <summary>What <see cref="PipelineTaskReferences.Dependencies"/> names, possibly repeated: runAfter and result reference owners.</summary>
    private static IEnumerable<string> DependencyNames(PipelineTask task) =>
        PipelineTaskState.MentionsVariables(task) ? task.Dependencies() : task.RunAfter;

    /// <summary>Gives each state its parents, dependents and TaskRunSpecs entry, so scheduling looks nothing up by name.</summary>
    private static void Link(ImmutableArray<PipelineTaskState>.Builder ordered, int[][] dagParents, PipelineRun run)
    {
        var dependents = new List<PipelineTaskState>?[dagParents.Length];
        for (var i = 0; i < dagParents.Length; i++)
        {
            var linked = new PipelineTaskState[dagParents[i].Length];
            for (var j = 0; j < linked.Length; j++)
            {
                var parent = dagParents[i][j];
                linked[j] = ordered[parent];
                (dependents[parent] ??= []).Add(ordered[i]);
            }

            ordered[i].Parents = ImmutableCollectionsMarshal.AsImmutableArray(linked);
        }

        for (var i = 0; i < dagParents.Length; i++)
        {
            ordered[i].Dependents = dependents[i] is { } list ? [.. list] : [];
        }

        if (run.Spec.TaskRunSpecs.IsEmpty)
        {
            return;
        }

        var byName = new Dictionary<string, PipelineTaskState>(StringComparer.Ordinal);
        foreach (var state in ordered)
        {
            byName.TryAdd(state.Name, state);
        }

        foreach (var taskRunSpec in run.Spec.TaskRunSpecs)
        {
            if (byName.TryGetValue(taskRunSpec.PipelineTaskName, out var state))
            {
                state.RunSpec ??= taskRunSpec;
            }
        }
    }

    /// <summary>The labels every TaskRun of the run carries, before its own pipeline task's.</summary>
    private static ImmutableSortedDictionary<string, string> MemberLabels(PipelineRun run, string pipelineName, string memberOf) =>
        run.Metadata.Labels
            .SetItem("tekton.dev/pipelineRun", run.Metadata.Name ?? string.Empty)
            .SetItem("tekton.dev/pipeline", pipelineName)
            .SetItem("tekton.dev/memberOf", memberOf);
}
