using System.Globalization;
using System.Text;
using CsCheck;
using Sluice.Engine.Tests.Harness;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Tests;

/// <summary>
/// Properties over random input: the scheduler against random DAGs and concurrency limits
/// (pkg/reconciler/pipeline/dag/dag.go: a task is a candidate only once all its parents are done), and
/// substitution against random values (pkg/substitution/replacements.go: ApplyReplacements is one pass with a
/// strings.Replacer, so replaced text is never scanned again, #2093).
/// </summary>
public sealed class PropertyTests
{
    private static readonly string[] Keys = ["params.a", "params.b", "params[\"b\"]", "tasks.t.results.r", "context.taskRun.name", "params.list[1]"];

    [Fact]
    public async Task Random_dags_run_every_task_after_all_its_parents_within_the_concurrency_limit()
    {
        var dags =
            from size in Gen.Int[1, 8]
            from masks in Gen.ULong.Array[size]
            from sleeps in Gen.Int[0, 2].Array[size]
            from limit in Gen.Int[1, 3]
            select new RandomDag(Parents(masks), sleeps, limit);

        await dags.SampleAsync(
            async dag =>
            {
                var outcome = await new EngineRun { Concurrency = dag.Limit }.RunAsync(dag.ToYaml());

                Expect.Condition(outcome.Condition, "True", "Succeeded");
                Assert.Equal(dag.Parents.Length, outcome.Executor.Sandboxes.Count);
                Assert.InRange(outcome.Executor.MaxLiveSandboxes, 1, dag.Limit);
                for (var task = 0; task < dag.Parents.Length; task++)
                {
                    var start = outcome.SpanOf($"pr-t{task}").Start;
                    foreach (var parent in dag.Parents[task])
                    {
                        Assert.True(start >= outcome.SpanOf($"pr-t{parent}").End, $"t{task} started before its parent t{parent} ended in {dag}");
                    }
                }
            },
            iter: 25,
            threads: 2,
            print: dag => dag.ToString());
    }

    [Fact]
    public void Apply_replaces_each_reference_once_and_never_scans_what_it_inserted()
    {
        var literal = Gen.Char["xyz -/:.\"'[]{}"].Array[0, 4].Select(chars => new string(chars));
        var reference = Gen.Int[0, Keys.Length].Select(i => i < Keys.Length ? Keys[i] : "params.unknown");
        var segment = Gen.Frequency((2, literal.Select(text => new Segment(text, null))), (1, reference.Select(key => new Segment(null, key))));
        var value = segment.Array[0, 4].Select(parts => string.Concat(parts.Select(p => p.Text)));
        var replacements = Gen.Bool.Array[Keys.Length].SelectMany(present =>
            value.Array[Keys.Length].Select(values =>
                Keys.Select((key, i) => (key, present[i], values[i])).Where(x => x.Item2).ToDictionary(x => x.key, x => x.Item3, StringComparer.Ordinal)));
        var cases = Gen.Select(segment.Array[0, 8], replacements);

        cases.Sample(
            (segments, map) =>
            {
                var input = string.Concat(segments.Select(s => s.Text));
                var expected = string.Concat(segments.Select(s => s.Key is { } key && map.TryGetValue(key, out var inserted) ? inserted : s.Text));
                Assert.Equal(expected, Variables.Apply(input, map));
            },
            iter: 2000);
    }

    private static int[][] Parents(ulong[] masks) =>
        [.. masks.Select((mask, task) => Enumerable.Range(0, task).Where(parent => (mask >> parent & 1) == 1).ToArray())];

    private sealed record Segment(string? Literal, string? Key)
    {
        public string Text => Literal ?? $"$({Key})";
    }

    private sealed record RandomDag(int[][] Parents, int[] Sleeps, int Limit)
    {
        public string ToYaml()
        {
            var yaml = new StringBuilder("""
                apiVersion: tekton.dev/v1
                kind: PipelineRun
                metadata:
                  name: pr
                spec:
                  pipelineSpec:
                    tasks:

                """);
            for (var task = 0; task < Parents.Length; task++)
            {
                var runAfter = string.Join(", ", Parents[task].Select(p => $"t{p}"));
                var sleep = (Sleeps[task] * 0.01).ToString("0.00", CultureInfo.InvariantCulture);
                yaml.Append(CultureInfo.InvariantCulture, $"      - {{name: t{task}, runAfter: [{runAfter}], taskSpec: {{steps: [{{name: work, image: alpine, script: sleep {sleep}}}]}}}}\n");
            }

            return yaml.ToString();
        }

        public override string ToString() =>
            $"limit {Limit}: " + string.Join("; ", Parents.Select((parents, task) => $"t{task} after [{string.Join(",", parents)}] sleeping {Sleeps[task]}0ms"));
    }
}
