using System.Collections.Immutable;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;

namespace Sluice.Model.Validation;

/// <summary>Checks <c>when</c> expressions (pkg/apis/pipeline/v1/when_validation.go).</summary>
public static class WhenValidator
{
    /// <summary>Checks a list of guards.</summary>
    public static void Validate(ValidationContext context, ImmutableArray<WhenExpression> expressions, string path, bool allowCel)
    {
        for (var i = 0; i < expressions.Length; i++)
        {
            var when = expressions[i];
            var itemPath = $"{path}[{i}]";
            if (when.Cel is not null)
            {
                if (when.Input is not null || when.Operator is not null || !when.Values.IsEmpty)
                {
                    context.Error(when, "cel", itemPath, "cel and input+operator+values cannot be set in one WhenExpression", "use either cel or input, operator and values");
                }
                else if (!allowCel)
                {
                    context.Error(when, "cel", itemPath, "CEL is only supported in pipeline tasks' when expressions", "use input, operator and values here");
                }

                continue;
            }

            if (when.Operator is not ("in" or "notin"))
            {
                context.Error(when, when.Operator is null ? null : "operator", itemPath, $"invalid value: operator {GoQuote.Of(when.Operator)} is not recognized. valid operators: in,notin", "use in or notin");
            }

            if (when.Values.IsEmpty)
            {
                context.Error(when, null, itemPath, "invalid value: expecting non-empty values field", "list the values to compare with");
            }
        }
    }
}
