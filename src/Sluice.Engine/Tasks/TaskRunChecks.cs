using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Substitution;
using Sluice.Model.Tasks;

namespace Sluice.Engine.Tasks;

/// <summary>The checks Tekton makes when a TaskRun starts (pkg/reconciler/taskrun/validate_taskrun.go), with its messages.</summary>
public static class TaskRunChecks
{
    /// <summary>Checks params against the Task's declarations: missing values, types, object keys, enums.</summary>
    /// <exception cref="TaskRunFailure">A check failed.</exception>
    public static void ValidateParams(string taskName, TaskSpec spec, ImmutableArray<Param> given)
    {
        var declared = spec.Params;
        if (declared.IsEmpty)
        {
            return;
        }

        var names = given.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = declared.Where(p => !names.Contains(p.Name) && p.Default is null).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}invalid input params for task {taskName}: missing values for these params which have no default values: [{string.Join(" ", missing)}]");
        }

        var types = declared.ToDictionary(p => p.Name, p => p.Type, StringComparer.Ordinal);
        var wrong = given
            .Where(p => types.TryGetValue(p.Name, out var type) && p.Value.Type != type &&
                        !(p.Value.Type == ParamType.String && type is ParamType.Array or ParamType.Object && Variables.Expressions(p.Value.StringValue).Any()))
            .Select(p => p.Name)
            .ToList();
        if (wrong.Count > 0)
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}invalid input params for task {taskName}: param types don't match the user-specified type: [{string.Join(" ", wrong)}]");
        }

        var missingKeys = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var spec1 in declared.Where(p => p.Type == ParamType.Object))
        {
            var provided = new HashSet<string>(spec1.Default?.ObjectValue.Keys ?? [], StringComparer.Ordinal);
            var value = given.FirstOrDefault(p => p.Name == spec1.Name && p.Value.Type == ParamType.Object);
            if (value is null)
            {
                continue;
            }

            provided.UnionWith(value.Value.ObjectValue.Keys);
            var lacking = spec1.Properties.Keys.Where(k => !provided.Contains(k)).ToList();
            if (lacking.Count > 0)
            {
                missingKeys[spec1.Name] = lacking;
            }
        }

        if (missingKeys.Count > 0)
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}invalid input params for task {taskName}: missing keys for these params which are required in ParamSpec's properties map[{string.Join(" ", missingKeys.Select(kv => $"{kv.Key}:[{string.Join(" ", kv.Value)}]"))}]");
        }

        foreach (var param in given)
        {
            var spec2 = declared.FirstOrDefault(p => p.Name == param.Name);
            if (spec2 is { Enum.IsEmpty: false } && param.Value is { Type: ParamType.String, StringValue.Length: > 0 } && !spec2.Enum.Contains(param.Value.StringValue))
            {
                throw new TaskRunFailure("InvalidParamValue", $"{TektonMessages.UserError}param `{param.Name}` value: {param.Value.StringValue} is not in the enum list");
            }
        }
    }

    /// <summary>Checks that every required workspace is bound and no binding is unknown to an inline spec's caller.</summary>
    /// <exception cref="TaskRunFailure">A check failed.</exception>
    public static void ValidateWorkspaces(TaskSpec spec, ImmutableArray<WorkspaceBinding> bindings)
    {
        if (spec.Workspaces.IsEmpty)
        {
            return;
        }

        var bound = bindings.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var declaration in spec.Workspaces)
        {
            if (declaration.Optional != true && !bound.Contains(declaration.Name))
            {
                throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}declared workspace \"{declaration.Name}\" is required but has not been bound");
            }
        }
    }

    /// <summary>Checks step and sidecar overrides name existing steps and sidecars.</summary>
    /// <exception cref="TaskRunFailure">A check failed.</exception>
    public static void ValidateOverrides(TaskSpec spec, TaskRunSpec runSpec)
    {
        if (runSpec.StepSpecs.IsEmpty && runSpec.SidecarSpecs.IsEmpty)
        {
            return;
        }

        var steps = spec.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var over in runSpec.StepSpecs.Where(o => !steps.Contains(o.Name)))
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}invalid StepOverride: No Step named {over.Name}");
        }

        var sidecars = spec.Sidecars.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var over in runSpec.SidecarSpecs.Where(o => !sidecars.Contains(o.Name)))
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}invalid SidecarOverride: No Sidecar named {over.Name}");
        }
    }

    /// <summary>Checks that indexes into array params are in range (Tekton's <c>ValidateParamArrayIndex</c>).</summary>
    /// <exception cref="TaskRunFailure">A check failed.</exception>
    public static void ValidateArrayIndexes(TaskSpec spec, ImmutableArray<Param> given)
    {
        if (!spec.Params.Any(p => p.Type == ParamType.Array && p.Default is not null) && !given.Any(p => p.Value.Type == ParamType.Array))
        {
            return;
        }

        var lengths = spec.Params.Where(p => p.Type == ParamType.Array && p.Default is not null)
            .ToDictionary(p => p.Name, p => p.Default!.ArrayValue.Length, StringComparer.Ordinal);
        foreach (var param in given.Where(p => p.Value.Type == ParamType.Array))
        {
            lengths[param.Name] = param.Value.ArrayValue.Length;
        }

        if (lengths.Count == 0)
        {
            return;
        }

        var outOfBound = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in Texts(spec))
        {
            foreach (var expression in Variables.Expressions(text))
            {
                if (!expression.StartsWith("params.", StringComparison.Ordinal))
                {
                    continue;
                }

                var (name, index) = Variables.SplitIndex(expression["params.".Length..]);
                if (index.Length > 0 && index != "*" && lengths.TryGetValue(name, out var length) && int.Parse(index, System.Globalization.CultureInfo.InvariantCulture) >= length)
                {
                    outOfBound.Add($"$({expression})");
                }
            }
        }

        if (outOfBound.Count > 0)
        {
            throw new TaskRunFailure("TaskRunValidationFailed", $"{TektonMessages.UserError}non-existent param references:[{string.Join(" ", outOfBound)}]");
        }
    }

    private static IEnumerable<string?> Texts(TaskSpec spec)
    {
        foreach (var step in spec.Steps)
        {
            yield return step.Image;
            yield return step.Script;
            yield return step.WorkingDir;
            foreach (var text in step.Command.Concat(step.Args))
            {
                yield return text;
            }

            foreach (var env in step.Env)
            {
                yield return env.Value;
            }
        }

        foreach (var workspace in spec.Workspaces)
        {
            yield return workspace.MountPath;
        }
    }
}
