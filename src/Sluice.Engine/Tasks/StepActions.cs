using System.Collections.Immutable;
using Sluice.Engine.Substitution;
using Sluice.Model.Pipelines;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Replaces steps that reference a StepAction by the StepAction's container, with its params applied
/// in Tekton's order: the TaskRun's params inside the step's params, then the step's values, then
/// defaults (resolving defaults that refer to other params), then step-result references.
/// </summary>
public static class StepActions
{
    /// <summary>Resolves every StepAction reference of a Task spec.</summary>
    /// <exception cref="TaskRunFailure">A StepAction is missing, remote, or its params do not fit.</exception>
    public static TaskSpec Resolve(TaskSpec spec, IReadOnlyList<Param> taskRunParams, ITaskResolver resolver, string @namespace)
    {
        if (!spec.Steps.Any(s => s.Ref is not null))
        {
            return spec;
        }

        var steps = ImmutableArray.CreateBuilder<Step>(spec.Steps.Length);
        for (var i = 0; i < spec.Steps.Length; i++)
        {
            var step = spec.Steps[i];
            steps.Add(step.Ref is { } reference ? Resolve(step, reference, spec, taskRunParams, resolver, @namespace, i) : step);
        }

        return spec with { Steps = steps.ToImmutable() };
    }

    private static Step Resolve(Step step, StepReference reference, TaskSpec spec, IReadOnlyList<Param> taskRunParams, ITaskResolver resolver, string @namespace, int index)
    {
        if (reference.Resolver is not null)
        {
            throw new TaskRunFailure("TaskRunResolutionFailed", $"failed to resolve step ref for step \"{step.Name}\" (index {index}): remote resolver \"{reference.Resolver}\" needs a cluster; Sluice resolves StepActions from the files given to it", needsCluster: true);
        }

        var action = resolver.FindStepAction(reference.Name ?? string.Empty, @namespace)
            ?? throw new TaskRunFailure("TaskRunResolutionFailed", $"failed to resolve step ref for step \"{step.Name}\" (index {index}): stepactions.tekton.dev \"{reference.Name}\" not found");
        var actionSpec = action.Spec;
        var missing = actionSpec.Params.Where(p => p.Default is null && !step.Params.Any(sp => sp.Name == p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            throw new TaskRunFailure("TaskRunResolutionFailed", $"failed to resolve step ref for step \"{step.Name}\" (index {index}): non-existent params for step \"{step.Name}\": [{string.Join(" ", missing)}]");
        }

        var taskReplacements = Replacements.ForTaskParams(spec.Params, taskRunParams);
        var stepParams = taskReplacements.Apply(step.Params);
        var provided = stepParams.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var processed = ResolveDefaults(actionSpec.Params, provided, step.Name);
        var replacements = Replacements.FromDefaults(actionSpec.Params);
        foreach (var (name, value) in processed)
        {
            if (value.Type == ParamType.Object)
            {
                replacements.MergeObjectParam(name, value);
            }
            else
            {
                replacements.AddParam(name, value);
            }
        }

        AddStepResultReferences(replacements, stepParams, actionSpec);
        var fromAction = new Step
        {
            Image = actionSpec.Image,
            Command = actionSpec.Command,
            Args = actionSpec.Args,
            Env = actionSpec.Env,
            Script = actionSpec.Script,
            WorkingDir = actionSpec.WorkingDir,
            SecurityContext = actionSpec.SecurityContext,
            VolumeMounts = actionSpec.VolumeMounts,
            Results = actionSpec.Results,
        };
        fromAction = TaskSpecSubstitution.Apply(fromAction, replacements);
        return step with
        {
            Image = fromAction.Image,
            SecurityContext = fromAction.SecurityContext,
            Command = fromAction.Command.IsEmpty ? step.Command : fromAction.Command,
            Args = fromAction.Args.IsEmpty ? step.Args : fromAction.Args,
            Script = fromAction.Script ?? step.Script,
            WorkingDir = fromAction.WorkingDir,
            Env = fromAction.Env.IsEmpty ? step.Env : fromAction.Env,
            VolumeMounts = fromAction.VolumeMounts.IsEmpty ? step.VolumeMounts : fromAction.VolumeMounts,
            Results = fromAction.Results.IsEmpty ? step.Results : fromAction.Results,
            Ref = null,
            Params = [],
        };
    }

    private static List<(string Name, ParamValue Value)> ResolveDefaults(ImmutableArray<ParamSpec> declared, Dictionary<string, ParamValue> provided, string? stepName)
    {
        var processed = new List<(string Name, ParamValue Value)>();
        var pending = new Dictionary<string, (ParamSpec Spec, List<string> References)>(StringComparer.Ordinal);
        foreach (var spec in declared)
        {
            if (provided.TryGetValue(spec.Name, out var value))
            {
                processed.Add((spec.Name, value));
            }
            else if (spec.Default is { } fallback)
            {
                if (!fallback.StringValue.Contains("$(params.", StringComparison.Ordinal))
                {
                    processed.Add((spec.Name, fallback));
                }
                else
                {
                    pending[spec.Name] = (spec, [.. Variables.Expressions(fallback.StringValue).Where(e => e.StartsWith("params.", StringComparison.Ordinal)).Select(e => e["params.".Length..])]);
                }
            }
        }

        while (pending.Count > 0)
        {
            var resolvedAny = false;
            foreach (var (name, (spec, references)) in pending.ToList())
            {
                if (!references.All(r => processed.Any(p => p.Name == r)))
                {
                    continue;
                }

                var text = spec.Default!.StringValue;
                foreach (var reference in references)
                {
                    text = text.Replace($"$(params.{reference})", processed.First(p => p.Name == reference).Value.StringValue, StringComparison.Ordinal);
                }

                processed.Add((name, ParamValue.Of(text)));
                pending.Remove(name);
                resolvedAny = true;
            }

            if (!resolvedAny)
            {
                var (name, (_, references)) = pending.First();
                var unknown = references.FirstOrDefault(r => !declared.Any(d => d.Name == r));
                throw new TaskRunFailure(
                    "TaskRunResolutionFailed",
                    unknown is not null
                        ? $"failed to resolve step ref for step \"{stepName}\": parameter \"{name}\" references non-existent parameter \"{unknown}\""
                        : $"failed to resolve step ref for step \"{stepName}\": circular dependency detected in parameter references");
            }
        }

        return processed;
    }

    private static void AddStepResultReferences(Replacements replacements, ImmutableArray<Param> stepParams, StepActionSpec actionSpec)
    {
        foreach (var param in stepParams)
        {
            if (param.Value.Type != ParamType.String || !param.Value.StringValue.StartsWith("$(steps.", StringComparison.Ordinal))
            {
                continue;
            }

            var reference = ResultReference.ParseStep(param.Value.StringValue[2..^1]);
            var declared = actionSpec.Params.FirstOrDefault(p => p.Name == param.Name);
            if (reference is null || declared is null)
            {
                continue;
            }

            switch (declared.Type)
            {
                case ParamType.Object:
                    foreach (var key in declared.Properties.Keys)
                    {
                        replacements.Strings[$"params.{declared.Name}.{key}"] = $"$(steps.{reference.Owner}.results.{reference.Result}.{key})";
                    }

                    break;
                case ParamType.Array:
                    foreach (var prefix in new[] { $"params.{declared.Name}", $"params[\"{declared.Name}\"]", $"params['{declared.Name}']" })
                    {
                        replacements.Strings[$"{prefix}[*]"] = $"$(steps.{reference.Owner}.results.{reference.Result}[*])";
                        replacements.Arrays.Remove(prefix);
                        for (var i = 0; i < 64; i++)
                        {
                            replacements.Strings[$"{prefix}[{i}]"] = $"$(steps.{reference.Owner}.results.{reference.Result}[{i}])";
                        }
                    }

                    break;
                default:
                    foreach (var key in new[] { $"params.{declared.Name}", $"params[\"{declared.Name}\"]", $"params['{declared.Name}']", $"inputs.params.{declared.Name}" })
                    {
                        replacements.Strings[key] = param.Value.StringValue;
                    }

                    break;
            }
        }
    }
}
