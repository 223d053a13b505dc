using System.Collections;
using System.Globalization;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Conformance.Tests;

/// <summary>Compares an example's outcome with its expectation; every difference becomes one line.</summary>
public static class OutcomeComparison
{
    public static List<string> Differences(Expectation expected, ExampleOutcome actual)
    {
        var differences = new List<string>();
        if (expected.Refused is { } refusal)
        {
            if (actual.Refusals.IsEmpty)
            {
                differences.Add($"expected Sluice to refuse the file (\"{refusal}\") but it ran");
            }
            else if (!actual.Refusals.Any(r => r.Contains(refusal, StringComparison.Ordinal)))
            {
                differences.Add($"refused, but no message contains \"{refusal}\": {string.Join(" | ", actual.Refusals)}");
            }

            return differences;
        }

        if (!actual.Refusals.IsEmpty)
        {
            differences.Add("refused: " + string.Join(" | ", actual.Refusals));
            return differences;
        }

        if (expected.Runs.Count != actual.Runs.Length)
        {
            differences.Add($"expected {expected.Runs.Count} runs, got {actual.Runs.Length}");
        }

        foreach (var (want, got) in expected.Runs.Zip(actual.Runs))
        {
            Compare(want, got, differences);
        }

        return differences;
    }

    private static void Compare(ExpectedRun want, RunOutcome got, List<string> differences)
    {
        var run = got.Run;
        var name = run.Metadata.Name ?? string.Empty;
        var prefix = $"{want.Kind} {name}";
        if (run.Kind != want.Kind)
        {
            differences.Add($"{prefix}: kind {run.Kind}, expected {want.Kind}");
        }

        var condition = run switch
        {
            PipelineRun p => p.Status?.Conditions.FirstOrDefault(),
            TaskRun t => t.Status?.Conditions.FirstOrDefault(),
            _ => null,
        };
        if (condition?.Status != want.Status || condition?.Reason != want.Reason)
        {
            differences.Add($"{prefix}: {condition?.Status}/{condition?.Reason} ({condition?.Message}), expected {want.Status}/{want.Reason}");
        }

        if (run is PipelineRun pipelineRun && want.Tasks is { } tasks)
        {
            foreach (var task in tasks)
            {
                CompareTask(prefix, task, pipelineRun, got, differences);
            }
        }

        if (want.Results is { } results)
        {
            var actual = run switch
            {
                PipelineRun p => p.Status?.Results ?? [],
                TaskRun t => t.Status?.Results ?? [],
                _ => [],
            };
            foreach (var (key, value) in results)
            {
                var found = actual.FirstOrDefault(r => r.Name == key);
                if (found is null)
                {
                    differences.Add($"{prefix}: result {key} missing, expected {Show(value)}");
                }
                else if (!Matches(value, found.Value))
                {
                    differences.Add($"{prefix}: result {key} = {found.Value}, expected {Show(value)}");
                }
            }

            foreach (var extra in actual.Where(r => !results.ContainsKey(r.Name)))
            {
                differences.Add($"{prefix}: unexpected result {extra.Name} = {extra.Value}");
            }
        }

        if (run is TaskRun taskRun && want.Steps is { } steps)
        {
            foreach (var step in steps)
            {
                var state = taskRun.Status?.Steps.FirstOrDefault(s => s.Name == step.Name);
                if (state is null)
                {
                    differences.Add($"{prefix}: step {step.Name} missing from status");
                    continue;
                }

                if (step.ExitCode is { } code && state.Terminated?.ExitCode != code)
                {
                    differences.Add($"{prefix}: step {step.Name} exit code {state.Terminated?.ExitCode}, expected {code}");
                }

                if (step.TerminationReason is { } reason && state.TerminationReason != reason)
                {
                    differences.Add($"{prefix}: step {step.Name} termination reason {state.TerminationReason}, expected {reason}");
                }
            }
        }

        // A TaskRun the cache served ran no step, so it printed nothing (docs/caching.md): the text a
        // run prints is checked only when every TaskRun of it ran. Its status, results and steps are checked as always.
        foreach (var text in got.CacheHits == 0 ? want.LogContains ?? [] : [])
        {
            if (!got.Logs.Contains(text, StringComparison.Ordinal))
            {
                differences.Add($"{prefix}: logs lack \"{text}\"");
            }
        }
    }

    private static void CompareTask(string prefix, ExpectedTask task, PipelineRun run, RunOutcome got, List<string> differences)
    {
        var children = got.TaskRuns.Where(t => t.PipelineTask == task.Name).Select(t => t.TaskRun).ToList();
        var skipped = run.Status?.SkippedTasks.FirstOrDefault(s => s.Name == task.Name);
        var conditions = children.Select(c => c.Status?.Conditions.FirstOrDefault()).ToList();
        var childPipelines = run.Status?.ChildReferences.Count(c => c.PipelineTaskName == task.Name && c.Kind == "PipelineRun") ?? 0;
        string status;
        if (childPipelines > 0 && children.Count == 0)
        {
            status = skipped is null ? "Succeeded" : "None";
        }
        else
        {
            status = conditions.Count > 0 && conditions.All(c => c?.Status == "True") ? "Succeeded"
                : conditions.Any(c => c?.Status == "False") ? "Failed" : "None";
        }

        if (status != task.Status && !(childPipelines > 0 && children.Count == 0))
        {
            differences.Add($"{prefix}: task {task.Name} status {status}, expected {task.Status}");
        }

        if (task.Reason is { } reason && childPipelines == 0)
        {
            var actual = conditions.Select(c => c?.Reason).FirstOrDefault(r => r is not null && r != "Succeeded") ?? conditions.Select(c => c?.Reason).FirstOrDefault();
            if (actual != reason)
            {
                differences.Add($"{prefix}: task {task.Name} reason {actual}, expected {reason}");
            }
        }

        if (skipped?.Reason != task.SkipReason)
        {
            differences.Add($"{prefix}: task {task.Name} skip reason \"{skipped?.Reason}\", expected \"{task.SkipReason}\"");
        }

        if (task.TaskRuns is { } count && children.Count != count)
        {
            differences.Add($"{prefix}: task {task.Name} ran {children.Count} TaskRuns, expected {count}");
        }
    }

    private static bool Matches(object expected, ParamValue actual) => expected switch
    {
        string s => actual.Type == ParamType.String && actual.StringValue == s,
        IDictionary map => actual.Type == ParamType.Object && actual.ObjectValue.Count == map.Count &&
                           map.Keys.Cast<object>().All(k => actual.ObjectValue.TryGetValue(Convert.ToString(k, CultureInfo.InvariantCulture)!, out var v) && v == Convert.ToString(map[k], CultureInfo.InvariantCulture)),
        IEnumerable list => actual.Type == ParamType.Array && actual.ArrayValue.SequenceEqual(list.Cast<object>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? string.Empty)),
        _ => actual.ToString() == Convert.ToString(expected, CultureInfo.InvariantCulture),
    };

    private static string Show(object value) => value switch
    {
        string s => $"\"{s}\"",
        IDictionary map => "{" + string.Join(",", map.Keys.Cast<object>().Select(k => $"{k}:{map[k]}")) + "}",
        IEnumerable list => "[" + string.Join(",", list.Cast<object>()) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
