using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Model.Tests.Pipelines;

/// <summary>The DAG as pkg/reconciler/pipeline/dag/dag.go builds it from PipelineTask.Deps (pipeline_types.go).</summary>
public sealed class PipelineGraphTests
{
    [Fact]
    public void RunAfter_makes_parents_and_children()
    {
        var graph = Build(Task("a"), Task("b", "a"), Task("c", "a", "b"));

        Assert.Equal(["a", "b", "c"], graph.Order);
        Assert.Empty(graph.Parents["a"]);
        Assert.Equal(["a"], graph.Parents["b"]);
        Assert.Equal(["a", "b"], graph.Parents["c"]);
        Assert.Equal(["b", "c"], graph.Children["a"]);
        Assert.Equal(["c"], graph.Children["b"]);
        Assert.Empty(graph.Children["c"]);
        Assert.True(graph.DependsOn("c", "a"));
        Assert.False(graph.DependsOn("a", "c"));
    }

    [Theory]
    [InlineData("$(tasks.a.results.r)")]
    [InlineData("prefix-$(tasks.a.results.r[0])-suffix")]
    [InlineData("$(tasks.a.results.r[*])")]
    [InlineData("$(tasks.a.results.obj.key)")]
    public void A_result_reference_in_a_string_param_is_a_dependency(string value) =>
        Assert.Equal(["a"], Build(Task("a"), Task("b") with { Params = [Param("x", ParamValue.Of(value))] }).Parents["b"]);

    [Fact]
    public void Result_references_in_array_and_object_params_are_dependencies()
    {
        var b = Task("b") with
        {
            Params =
            [
                Param("list", ParamValue.Of(["x", "$(tasks.a.results.r)"])),
                Param("obj", ParamValue.Of([new KeyValuePair<string, string>("k", "$(tasks.c.results.r)")])),
            ],
        };

        Assert.Equal(["a", "c"], Build(Task("a"), b, Task("c")).Parents["b"]);
    }

    [Fact]
    public void Result_references_in_a_matrix_are_dependencies()
    {
        var b = Task("b") with
        {
            Matrix = new Matrix
            {
                Params = [Param("os", ParamValue.Of(["$(tasks.a.results.os)"]))],
                Include = [new MatrixInclude { Name = "extra", Params = [Param("arch", ParamValue.Of("$(tasks.c.results.arch)"))] }],
            },
        };

        Assert.Equal(["a", "c"], Build(Task("a"), b, Task("c")).Parents["b"]);
    }

    [Fact]
    public void Result_references_in_when_input_values_and_cel_are_dependencies()
    {
        var b = Task("b") with
        {
            When =
            [
                new WhenExpression { Input = "$(tasks.a.results.r)", Operator = "in", Values = ["x"] },
                new WhenExpression { Input = "x", Operator = "in", Values = ["$(tasks.c.results.r)"] },
                new WhenExpression { Cel = "'$(tasks.d.results.r)' == 'x'" },
            ],
        };

        Assert.Equal(["a", "c", "d"], Build(Task("a"), b, Task("c"), Task("d")).Parents["b"]);
    }

    [Fact]
    public void Result_references_in_an_inline_spec_are_dependencies()
    {
        var spec = new TaskSpec
        {
            Steps =
            [
                new Step { Image = "busybox", Script = "echo $(tasks.a.results.r)" },
                new Step { Image = "$(tasks.c.results.image)", Args = ["$(tasks.d.results.r)"] },
                new Step
                {
                    Image = "busybox",
                    Env =
                    [
                        new EnvVar { Name = "A", Value = "$(tasks.e.results.r)" },
                        new EnvVar { Name = "B", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = "$(tasks.f.results.secret)", Key = "k" } } },
                    ],
                },
            ],
            Sidecars = [new Sidecar { Image = "busybox", Command = ["$(tasks.g.results.r)"] }],
        };
        var b = Task("b") with { TaskRef = null, TaskSpec = new EmbeddedTask { Task = spec } };

        var graph = Build(Task("a"), b, Task("c"), Task("d"), Task("e"), Task("f"), Task("g"));

        Assert.Equal(["a", "c", "d", "e", "f", "g"], graph.Parents["b"]);
    }

    [Fact]
    public void Execution_status_and_params_are_not_dependencies()
    {
        var b = Task("b") with { Params = [Param("s", ParamValue.Of("$(tasks.a.status) $(params.x) $(context.pipelineRun.name)"))] };

        Assert.Empty(Build(Task("a"), b).Parents["b"]);
    }

    [Fact]
    public void Dependencies_are_sorted_and_counted_once()
    {
        var c = Task("c", "b", "a", "b") with { Params = [Param("x", ParamValue.Of("$(tasks.a.results.r) $(tasks.a.results.s)"))] };

        Assert.Equal(["a", "b"], Build(Task("a"), Task("b"), c).Parents["c"]);
    }

    [Fact]
    public void A_two_task_cycle_is_reported_with_Tekton_s_text()
    {
        var (graph, error) = PipelineGraph.Build([Task("a", "b"), Task("b", "a")]);

        Assert.Null(graph);
        Assert.Equal("cycle detected; task \"a\" depends on \"b\"", error);
    }

    [Fact]
    public void A_task_after_itself_is_a_cycle() =>
        Assert.Equal("cycle detected; task \"a\" depends on \"a\"", PipelineGraph.Build([Task("a", "a")]).Error);

    [Fact]
    public void The_cycle_error_names_the_first_task_left_and_its_remaining_parents()
    {
        // getInterdependencyError: the smallest name left after Kahn's algorithm, its deps sorted and quoted.
        var tasks = new[] { Task("root"), Task("z", "y", "root"), Task("y", "z"), Task("x", "y", "z") };

        Assert.Equal("cycle detected; task \"x\" depends on \"y\", \"z\"", PipelineGraph.Build(tasks).Error);
    }

    [Fact]
    public void A_cycle_through_results_is_a_cycle()
    {
        var a = Task("a") with { Params = [Param("x", ParamValue.Of("$(tasks.b.results.r)"))] };

        Assert.Equal("cycle detected; task \"a\" depends on \"b\"", PipelineGraph.Build([a, Task("b", "a")]).Error);
    }

    [Fact]
    public void A_missing_task_is_reported_with_Tekton_s_text() =>
        Assert.Equal(
            "couldn't add link between b and nope: task b depends on nope but nope wasn't present in Pipeline",
            PipelineGraph.Build([Task("a"), Task("b", "a", "nope")]).Error);

    [Fact]
    public void A_missing_result_owner_is_a_missing_link()
    {
        var b = Task("b") with { Params = [Param("x", ParamValue.Of("$(tasks.gone.results.r)"))] };

        Assert.Equal(
            "couldn't add link between b and gone: task b depends on gone but gone wasn't present in Pipeline",
            PipelineGraph.Build([Task("a"), b]).Error);
    }

    [Fact]
    public void A_cycle_is_found_before_a_missing_link() =>
        Assert.StartsWith("cycle detected; ", PipelineGraph.Build([Task("a", "b", "nope"), Task("b", "a")]).Error, StringComparison.Ordinal);

    [Fact]
    public void A_duplicate_task_is_reported_with_Tekton_s_text()
    {
        // Build: fmt.Errorf("task %s is already present in Graph, can't add it again: %w", ...) around "duplicate pipeline task".
        Assert.Equal(
            "task a is already present in Graph, can't add it again: duplicate pipeline task",
            PipelineGraph.Build([Task("a"), Task("b"), Task("a")]).Error);
    }

    [Fact]
    public void Building_is_deterministic()
    {
        var tasks = new[] { Task("d", "b", "c"), Task("b", "a"), Task("c", "a"), Task("a"), Task("e", "d", "missing"), Task("f", "missing2") };
        var errors = Enumerable.Range(0, 20).Select(_ => PipelineGraph.Build(tasks).Error).Distinct().ToList();
        Assert.Single(errors);

        var valid = tasks.Take(4).ToArray();
        var graphs = Enumerable.Range(0, 5).Select(_ => Build(valid)).ToList();
        Assert.All(graphs, g => Assert.Equal(["d", "b", "c", "a"], g.Order));
        Assert.All(graphs, g => Assert.Equal(["b", "c"], g.Children["a"]));
    }

    internal static PipelineTask Task(string name, params string[] runAfter) =>
        new() { Name = name, TaskRef = new TaskReference { Name = "t" }, RunAfter = [.. runAfter] };

    private static Param Param(string name, ParamValue value) => new() { Name = name, Value = value };

    private static PipelineGraph Build(params PipelineTask[] tasks)
    {
        var (graph, error) = PipelineGraph.Build(tasks);
        Assert.True(graph is not null, $"expected a graph, got: {error}");
        return graph;
    }
}
