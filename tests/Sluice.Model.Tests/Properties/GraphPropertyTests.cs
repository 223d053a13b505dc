using CsCheck;
using Sluice.Model.Pipelines;
using Sluice.Model.Tests.Pipelines;

namespace Sluice.Model.Tests.Properties;

public sealed class GraphPropertyTests
{
    /// <summary>For task i, the tasks it runs after (any index, so cycles happen).</summary>
    private static Gen<int[][]> Edges { get; } = Gen.Int[1, 9].SelectMany(n => Gen.Int[0, n - 1].Array[0, 3].Array[n]);

    [Fact]
    public void The_graph_or_the_cycle_error_is_Tekton_s()
    {
        Edges.Sample(
            edges =>
            {
                var tasks = edges.Select((after, i) => PipelineGraphTests.Task($"t{i}", [.. after.Select(a => $"t{a}")])).ToList();
                var (graph, error) = PipelineGraph.Build(tasks);
                var expected = TektonCycleError(tasks.ToDictionary(t => t.Name, t => t.RunAfter.Distinct().ToList()));
                if (expected is not null)
                {
                    Assert.Null(graph);
                    Assert.Equal(expected, error);
                    return;
                }

                Assert.Null(error);
                Assert.NotNull(graph);
                Assert.Equal(tasks.Select(t => t.Name), graph.Order);
                foreach (var task in tasks)
                {
                    Assert.Equal(task.RunAfter.Distinct().Order(StringComparer.Ordinal), graph.Parents[task.Name]);
                    foreach (var parent in graph.Parents[task.Name])
                    {
                        Assert.Contains(task.Name, graph.Children[parent]);
                        Assert.True(graph.DependsOn(task.Name, parent));
                        Assert.False(graph.DependsOn(parent, task.Name));
                    }
                }
            },
            iter: 3000);
    }

    /// <summary>dag.go findCyclesInDependencies (Kahn) and getInterdependencyError.</summary>
    private static string? TektonCycleError(Dictionary<string, List<string>> deps)
    {
        var dag = deps.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => new SortedSet<string>(kv.Value, StringComparer.Ordinal));
        var independent = new Queue<string>(dag.Values.SelectMany(v => v).Where(d => !dag.ContainsKey(d)).Distinct());
        while (independent.TryDequeue(out var parent))
        {
            foreach (var child in dag.Where(kv => kv.Value.Contains(parent)).Select(kv => kv.Key).ToList())
            {
                dag[child].Remove(parent);
                if (dag[child].Count == 0)
                {
                    dag.Remove(child);
                    independent.Enqueue(child);
                }
            }
        }

        if (dag.Count == 0)
        {
            return null;
        }

        var first = dag.Keys.Order(StringComparer.Ordinal).First();
        return $"cycle detected; task \"{first}\" depends on {string.Join(", ", dag[first].Select(d => $"\"{d}\""))}";
    }
}
