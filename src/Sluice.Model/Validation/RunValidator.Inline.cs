using System.Collections.Immutable;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Model.Validation;

/// <summary>Propagated params of an inline spec (TaskRunSpec.validateInlineParameters).</summary>
public static partial class RunValidator
{
    /// <summary>
    /// An inline taskSpec may use the params its run passes as if it declared them (propagation), but no
    /// others. Tekton merges the run's params with the spec's declarations (createParamSpecFromParam,
    /// combineParamSpec) and checks the steps against the result, reporting under <c>spec</c>.
    /// </summary>
    private static void ValidateInlineParameters(ValidationContext context, TaskRunSpec spec)
    {
        if (spec.TaskSpec is not { } taskSpec)
        {
            return;
        }

        var merged = new Dictionary<string, ParamSpec>(StringComparer.Ordinal);
        var fromValues = new HashSet<ParamSpec>(ReferenceEqualityComparer.Instance);
        foreach (var param in spec.Params)
        {
            var made = FromValue(param);
            merged[param.Name] = made;
            fromValues.Add(made);
        }

        foreach (var declared in taskSpec.Params)
        {
            if (!merged.TryGetValue(declared.Name, out var given))
            {
                merged[declared.Name] = declared;
                continue;
            }

            var hasProperties = !declared.Properties.IsEmpty || context.Wrote(declared, "properties");
            if ((declared.Default is { Type: ParamType.Object } || given.Type == ParamType.Object) && !hasProperties)
            {
                context.Error(declared, null, $"spec.{declared.Name}.properties", "missing field(s)", "declare the object's keys under properties");
                continue;
            }

            if (given.Type == ParamType.Object)
            {
                var keyed = given with { Properties = declared.Properties };
                merged[declared.Name] = keyed;
                fromValues.Add(keyed);
            }
        }

        if (!taskSpec.Steps.IsEmpty)
        {
            TaskValidator.ValidateParameterUsage(context, taskSpec, merged.Values, "spec", merged.Values.Where(p => !fromValues.Contains(p)), propagatedArrays: true);
        }
    }

    /// <summary>createParamSpecFromParam: a declaration made from a passed value, typed by it, with an object's keys as properties.</summary>
    private static ParamSpec FromValue(Param param) => new()
    {
        Name = param.Name,
        TypeName = TaskValidator.TypeName(param.Value.Type),
        Default = param.Value,
        Properties = param.Value.Type == ParamType.Object
            ? param.Value.ObjectValue.Keys.ToImmutableSortedDictionary(k => k, _ => new PropertySpec { Type = "string" }, StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, PropertySpec>.Empty,
    };
}
