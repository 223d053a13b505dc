using System.Collections.Immutable;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Pipelines;

/// <summary>
/// The DAG of a pipeline's tasks (not finally): edges from runAfter and result references. Built once;
/// the engine asks it which tasks are ready.
/// </summary>
public sealed class PipelineGraph
{
    private PipelineGraph(ImmutableDictionary<string, ImmutableArray<string>> parents, ImmutableDictionary<string, ImmutableArray<string>> children, ImmutableArray<string> order)
    {
        Parents = parents;
        Children = children;
        Order = order;
    }

    /// <summary>Each task's parents (what it waits for).</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Parents { get; }

    /// <summary>Each task's children.</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Children { get; }

    /// <summary>The tasks in spec order.</summary>
    public ImmutableArray<string> Order { get; }

    /// <summary>Builds the graph, or returns Tekton's error (missing dependency, duplicate, cycle).</summary>
    public static (PipelineGraph? Graph, string? Error) Build(IReadOnlyList<PipelineTask> tasks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (!names.Add(task.Name))
            {
                return (null, $"task {task.Name} is already present in Graph, can't add it again: duplicate pipeline task");
            }
        }

        var deps = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            deps[task.Name] = task.Dependencies();
        }

        if (FindCycle(deps) is { } cycle)
        {
            return (null, $"cycle detected; {cycle}");
        }

        foreach (var task in tasks)
        {
            foreach (var dependency in deps[task.Name])
            {
                if (!names.Contains(dependency))
                {
                    return (null, $"couldn't add link between {task.Name} and {dependency}: task {task.Name} depends on {dependency} but {dependency} wasn't present in Pipeline");
                }
            }
        }

        var children = tasks.ToDictionary(t => t.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (task, parents) in deps)
        {
            foreach (var parent in parents)
            {
                children[parent].Add(task);
            }
        }

        return (new PipelineGraph(
            deps.ToImmutableDictionary(StringComparer.Ordinal),
            children.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal),
            [.. tasks.Select(t => t.Name)]), null);
    }

    /// <summary>Whether <paramref name="ancestor"/> is reachable from <paramref name="task"/> through parents.</summary>
    public bool DependsOn(string task, string ancestor)
    {
        var stack = new Stack<string>([task]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.TryPop(out var current))
        {
            foreach (var parent in Parents.GetValueOrDefault(current, []))
            {
                if (parent == ancestor)
                {
                    return true;
                }

                if (seen.Add(parent))
                {
                    stack.Push(parent);
                }
            }
        }

        return false;
    }

    private static string? FindCycle(Dictionary<string, ImmutableArray<string>> deps)
    {
        var remaining = deps
            .Where(kv => !kv.Value.IsEmpty)
            .ToDictionary(kv => kv.Key, kv => new SortedSet<string>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        var independent = new Queue<string>(deps.Values.SelectMany(v => v).Where(d => !deps.TryGetValue(d, out var dd) || dd.IsEmpty).Distinct(StringComparer.Ordinal));
        var childrenOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (task, parents) in remaining)
        {
            foreach (var parent in parents)
            {
                if (!childrenOf.TryGetValue(parent, out var list))
                {
                    childrenOf[parent] = list = [];
                }

                list.Add(task);
            }
        }

        while (independent.TryDequeue(out var parent))
        {
            foreach (var child in childrenOf.GetValueOrDefault(parent, []))
            {
                if (remaining.TryGetValue(child, out var set) && set.Remove(parent) && set.Count == 0)
                {
                    remaining.Remove(child);
                    independent.Enqueue(child);
                }
            }
        }

        if (remaining.Count == 0)
        {
            return null;
        }

        var first = remaining.Keys.Order(StringComparer.Ordinal).First();
        return $"task {GoQuote.Of(first)} depends on {string.Join(", ", remaining[first].Select(GoQuote.Of))}";
    }
}
