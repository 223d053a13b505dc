using System.Collections.Immutable;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Tasks;

/// <summary>Evaluates substituted <c>when</c> expressions: every <c>in</c>/<c>notin</c> must hold.</summary>
public static class WhenEvaluation
{
    /// <summary>Whether the guards allow running. CEL expressions must already be evaluated into <paramref name="celResults"/>.</summary>
    public static bool Allows(ImmutableArray<WhenExpression> expressions, IReadOnlyDictionary<string, bool>? celResults = null)
    {
        foreach (var when in expressions)
        {
            if (when.Cel is { } cel)
            {
                if (celResults is null || !celResults.TryGetValue(cel, out var allowed) || !allowed)
                {
                    return false;
                }

                continue;
            }

            var contained = when.Values.Contains(when.Input ?? string.Empty);
            if (when.Operator == "notin" ? contained : !contained)
            {
                return false;
            }
        }

        return true;
    }
}
