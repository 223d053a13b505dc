using System.Collections.Immutable;
using Sluice.Model.Substitution;

namespace Sluice.Model.Pipelines;

/// <summary>What a pipeline task refers to: its params' expressions, result references and dependencies.</summary>
public static class PipelineTaskReferences
{
    /// <summary>Params, matrix params and matrix include params, in that order.</summary>
    public static IEnumerable<Param> AllParams(this PipelineTask task)
    {
        foreach (var param in task.Params)
        {
            yield return param;
        }

        if (task.Matrix is { } matrix)
        {
            foreach (var param in matrix.Params)
            {
                yield return param;
            }

            foreach (var include in matrix.Include)
            {
                foreach (var param in include.Params)
                {
                    yield return param;
                }
            }
        }
    }

    /// <summary>The <c>$(...)</c> expressions in a param value.</summary>
    public static IEnumerable<string> Expressions(this ParamValue value) => value.Type switch
    {
        ParamType.Array => value.ArrayValue.SelectMany(Variables.Expressions),
        ParamType.Object => value.ObjectValue.Values.SelectMany(Variables.Expressions),
        _ => Variables.Expressions(value.StringValue),
    };

    /// <summary>The expressions in a when guard: its input and values.</summary>
    public static IEnumerable<string> Expressions(this WhenExpression when) =>
        Variables.Expressions(when.Input).Concat(when.Values.SelectMany(Variables.Expressions)).Concat(Variables.Expressions(when.Cel));

    /// <summary>Every expression of an inline Task's steps and sidecars that can hold a result reference.</summary>
    public static IEnumerable<string> SpecExpressions(this PipelineTask task)
    {
        if (task.TaskSpec?.Task is not { } spec)
        {
            yield break;
        }

        foreach (var step in spec.Steps)
        {
            foreach (var e in ContainerExpressions(step.Name, step.Image, step.ImagePullPolicy, step.Script, step.WorkingDir, step.Command, step.Args, step.Env))
            {
                yield return e;
            }
        }

        foreach (var sidecar in spec.Sidecars)
        {
            foreach (var e in ContainerExpressions(sidecar.Name, sidecar.Image, sidecar.ImagePullPolicy, sidecar.Script, sidecar.WorkingDir, sidecar.Command, sidecar.Args, sidecar.Env))
            {
                yield return e;
            }
        }
    }

    /// <summary>Every task result reference the task makes: in params, matrix, when and its inline spec.</summary>
    public static IEnumerable<ResultReference> ResultReferences(this PipelineTask task) =>
        task.AllParams().SelectMany(p => p.Value.Expressions())
            .Concat(task.When.SelectMany(w => w.Expressions()))
            .Concat(task.SpecExpressions())
            .Select(ResultReference.ParseTask)
            .OfType<ResultReference>();

    /// <summary>The tasks this one depends on: result references and runAfter, sorted, without duplicates.</summary>
    public static ImmutableArray<string> Dependencies(this PipelineTask task) =>
        [.. task.ResultReferences().Select(r => r.Owner).Concat(task.RunAfter).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Whether the task fans out over a matrix.</summary>
    public static bool IsMatrixed(this PipelineTask task) => task.Matrix is { } m && (!m.Params.IsEmpty || !m.Include.IsEmpty);

    private static IEnumerable<string> ContainerExpressions(string? name, string? image, string? pullPolicy, string? script, string? workingDir, ImmutableArray<string> command, ImmutableArray<string> args, ImmutableArray<Kubernetes.EnvVar> env)
    {
        foreach (var text in new[] { name, image, pullPolicy, script, workingDir }.Concat(command).Concat(args))
        {
            foreach (var e in Variables.Expressions(text))
            {
                yield return e;
            }
        }

        foreach (var variable in env)
        {
            foreach (var text in new[] { variable.Value, variable.ValueFrom?.SecretKeyRef?.Key, variable.ValueFrom?.SecretKeyRef?.Name, variable.ValueFrom?.ConfigMapKeyRef?.Key, variable.ValueFrom?.ConfigMapKeyRef?.Name })
            {
                foreach (var e in Variables.Expressions(text))
                {
                    yield return e;
                }
            }
        }
    }
}
