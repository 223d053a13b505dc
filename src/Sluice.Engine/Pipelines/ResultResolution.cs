using System.Collections.Immutable;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// Resolves <c>$(tasks.t.results.r)</c> references against finished tasks
/// (pkg/reconciler/pipelinerun/resources/resultrefresolution.go) and computes pipeline results.
/// </summary>
internal static class ResultResolution
{
    /// <summary>The error Tekton reports when a result is missing.</summary>
    public const string InvalidReference = "Invalid task result reference";

    /// <summary>Resolves the result references a task makes; on the first failure returns its error and the referenced task.</summary>
    public static (Replacements Replacements, string? Error, string? Task) Resolve(ImmutableArray<ResultReference> references, IReadOnlyDictionary<string, PipelineTaskState> states)
    {
        var replacements = new Replacements();
        if (references.IsEmpty)
        {
            return (replacements, null, null);
        }

        foreach (var reference in references.DistinctBy(r => (r.Owner, r.Result)))
        {
            if (!states.TryGetValue(reference.Owner, out var referenced))
            {
                return (replacements, $"could not find task \"{reference.Owner}\" referenced by result", reference.Owner);
            }

            if (!referenced.IsSuccessful && !referenced.IsFailure)
            {
                return (replacements, $"task \"{reference.Owner}\" referenced by result was not finished", reference.Owner);
            }

            ParamValue? value;
            if (referenced.Original.IsMatrixed())
            {
                var items = new List<string>();
                foreach (var run in referenced.TaskRuns)
                {
                    var found = run.Status?.Results.FirstOrDefault(r => r.Name == reference.Result);
                    if (found is not null)
                    {
                        items.Add(found.Value.StringValue);
                    }
                }

                value = items.Count == 0 ? null : ParamValue.Of(items);
                if (value is null)
                {
                    return (replacements, $"{InvalidReference}: Could not find result with name {reference.Result} for task {reference.Owner}", reference.Owner);
                }
            }
            else
            {
                value = referenced.Results.FirstOrDefault(r => r.Name == reference.Result)?.Value;
                if (value is null)
                {
                    return (replacements, $"{InvalidReference}: Could not find result with name {reference.Result} for pipeline task {reference.Owner}", reference.Owner);
                }
            }

            Add(replacements, reference.Owner, reference.Result, value);
        }

        return (replacements, null, null);
    }

    /// <summary>Tekton's <c>CheckMissingResultReferences</c>: the error that keeps a task from starting, if any.</summary>
    public static string? CheckMissing(PipelineTask target, ImmutableArray<ResultReference> references, IReadOnlyDictionary<string, PipelineTaskState> states)
    {
        foreach (var reference in references)
        {
            if (!states.TryGetValue(reference.Owner, out var referenced))
            {
                return $"Result reference error: Could not find ref \"{reference.Owner}\" in internal pipelineRunState";
            }

            if (referenced.TaskRuns.Count == 0)
            {
                return $"Result reference error: Internal result ref \"{reference.Owner}\" has zero-length TaskRuns";
            }

            if (referenced.Original.IsMatrixed())
            {
                continue;
            }

            if (!referenced.Results.Any(r => r.Name == reference.Result))
            {
                return referenced.IsSuccessful
                    ? $"task \"{reference.Owner}\" completed successfully but did not emit the result \"{reference.Result}\", which is referenced by task \"{target.Name}\""
                    : $"{InvalidReference}: Could not find result with name {reference.Result} for pipeline task {reference.Owner}";
            }
        }

        return null;
    }

    /// <summary>Tekton's <c>ApplyTaskResults</c>: results into params, matrix, when, taskRef, displayName and workspace sub-paths.</summary>
    public static PipelineTask Apply(PipelineTask task, Replacements replacements)
    {
        if (replacements.IsEmpty)
        {
            return task;
        }

        return task with
        {
            Params = replacements.Apply(task.Params),
            Matrix = task.Matrix is { } matrix && task.IsMatrixed() ? matrix with
            {
                Params = replacements.Apply(matrix.Params),
                Include = [.. matrix.Include.Select(i => i with { Params = replacements.Apply(i.Params) })],
            }
            : task.Matrix,
            When = replacements.Apply(task.When),
            TaskRef = task.TaskRef is { } reference ? reference with { Params = replacements.Apply(reference.Params), Name = replacements.ApplyOptional(reference.Name) } : null,
            DisplayName = replacements.ApplyOptional(task.DisplayName),
            Workspaces = [.. task.Workspaces.Select(w => w with { SubPath = replacements.ApplyOptional(w.SubPath) })],
        };
    }

    /// <summary>Replacements of every finished task's results (Tekton's <c>PropagateResults</c> into inline specs).</summary>
    public static Replacements AllResults(IEnumerable<PipelineTaskState> states)
    {
        var replacements = new Replacements();
        foreach (var state in states.Where(s => s.IsDone && s.TaskRuns.Count > 0 && !s.Original.IsMatrixed()))
        {
            foreach (var result in state.Results)
            {
                var key = $"tasks.{state.Name}.results.{result.Name}";
                switch (result.Value.Type)
                {
                    case ParamType.Array:
                        replacements.Arrays[key] = result.Value.ArrayValue;
                        break;
                    case ParamType.Object:
                        foreach (var (k, v) in result.Value.ObjectValue)
                        {
                            replacements.Strings[$"{key}.{k}"] = v;
                        }

                        break;
                    default:
                        replacements.Strings[key] = result.Value.StringValue;
                        break;
                }
            }
        }

        return replacements;
    }

    /// <summary>Tekton's <c>ApplyTaskResultsToPipelineResults</c>: results whose references all resolve, and the names of those that do not.</summary>
    public static (ImmutableArray<RunResult> Results, ImmutableArray<string> Invalid) PipelineResults(ImmutableArray<PipelineResult> declared, IReadOnlyDictionary<string, PipelineTaskState> states)
    {
        var results = ImmutableArray.CreateBuilder<RunResult>();
        var invalid = ImmutableArray.CreateBuilder<string>();
        foreach (var result in declared)
        {
            var expressions = result.Value.Expressions().ToList();
            if (expressions.Count == 0)
            {
                continue;
            }

            var replacements = new Replacements();
            var valid = true;
            foreach (var expression in expressions)
            {
                var parts = expression.Split('.');
                if (parts.Length < 4 || parts[0] is not ("tasks" or "finally") || parts[2] != "results")
                {
                    valid = false;
                    invalid.Add(result.Name);
                    continue;
                }

                var reference = ResultReference.ParseTask(expression);
                if (reference is null || !states.TryGetValue(reference.Owner, out var state))
                {
                    valid = false;
                    invalid.Add(result.Name);
                    continue;
                }

                var value = state.Original.IsMatrixed()
                    ? MatrixValue(state, reference.Result)
                    : state.Results.FirstOrDefault(r => r.Name == reference.Result)?.Value;
                if (value is null)
                {
                    valid = false;
                    if (state.ExecutionStatus == "Succeeded")
                    {
                        invalid.Add(result.Name);
                    }

                    continue;
                }

                if (reference.Index is { } index && (value.Type != ParamType.Array || index >= value.ArrayValue.Length))
                {
                    valid = false;
                    invalid.Add(result.Name);
                    continue;
                }

                if (reference.Key is { } key && (value.Type != ParamType.Object || !value.ObjectValue.ContainsKey(key)))
                {
                    valid = false;
                    invalid.Add(result.Name);
                    continue;
                }

                Add(replacements, reference.Owner, reference.Result, value, reference.Scope);
            }

            if (valid)
            {
                var value = replacements.Apply(result.Value);
                results.Add(new RunResult { Name = result.Name, Value = value });
            }
        }

        return (results.ToImmutable(), invalid.Distinct().ToImmutableArray());
    }

    private static ParamValue? MatrixValue(PipelineTaskState state, string result)
    {
        var items = state.TaskRuns.Select(r => r.Status?.Results.FirstOrDefault(x => x.Name == result)?.Value.StringValue).OfType<string>().ToList();
        return items.Count == 0 ? null : ParamValue.Of(items);
    }

    private static void Add(Replacements replacements, string task, string result, ParamValue value, string scope = "tasks")
    {
        var targets = new[] { $"{scope}.{task}.results.{result}", $"{scope}.{task}.results[\"{result}\"]", $"{scope}.{task}.results['{result}']" };
        foreach (var target in targets)
        {
            switch (value.Type)
            {
                case ParamType.Array:
                    replacements.Arrays[target] = value.ArrayValue;
                    for (var i = 0; i < value.ArrayValue.Length; i++)
                    {
                        replacements.Strings[$"{target}[{i}]"] = value.ArrayValue[i];
                    }

                    break;
                case ParamType.Object:
                    replacements.Objects[target] = value.ObjectValue;
                    foreach (var (k, v) in value.ObjectValue)
                    {
                        replacements.Strings[$"{target}.{k}"] = v;
                    }

                    break;
                default:
                    replacements.Strings[target] = value.StringValue;
                    break;
            }
        }
    }
}
