using System.Collections.Immutable;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// Tekton's matrix fan-out (pkg/apis/pipeline/v1/matrix_types.go): the cross product of array params
/// with the first param varying fastest; <c>include</c> entries add params to the combinations they
/// match, or become new combinations when they match none.
/// </summary>
public static class MatrixFanOut
{
    /// <summary>The param set of each combination, keys sorted as Tekton sorts them.</summary>
    public static ImmutableArray<ImmutableArray<Param>> Combinations(Matrix matrix)
    {
        var includes = matrix.Include.Select(i => i.Params.ToDictionary(p => p.Name, p => p.Value.StringValue, StringComparer.Ordinal)).ToList();
        if (matrix.Params.IsEmpty)
        {
            return [.. includes.Select(ToParams)];
        }

        var combinations = new List<Dictionary<string, string>>();
        foreach (var param in matrix.Params)
        {
            if (combinations.Count == 0)
            {
                combinations = [.. param.Value.ArrayValue.Select(v => new Dictionary<string, string>(StringComparer.Ordinal) { [param.Name] = v })];
                continue;
            }

            var expanded = new List<Dictionary<string, string>>();
            foreach (var value in param.Value.ArrayValue)
            {
                foreach (var combination in combinations)
                {
                    expanded.Add(new Dictionary<string, string>(combination, StringComparer.Ordinal) { [param.Name] = value });
                }
            }

            combinations = expanded;
        }

        foreach (var combination in combinations)
        {
            foreach (var include in includes)
            {
                if (include.All(kv => !combination.TryGetValue(kv.Key, out var existing) || existing == kv.Value))
                {
                    foreach (var (key, value) in include)
                    {
                        combination[key] = value;
                    }
                }
            }
        }

        foreach (var include in includes)
        {
            if (include.Count > 0 && !combinations.Any(c => include.Any(kv => c.TryGetValue(kv.Key, out var v) && v == kv.Value)))
            {
                combinations.Add(include);
            }
        }

        return [.. combinations.Select(ToParams)];
    }

    /// <summary>How many combinations a matrix has (what <c>$(tasks.t.matrix.length)</c> gives).</summary>
    public static int Count(Matrix matrix) => Combinations(matrix).Length;

    private static ImmutableArray<Param> ToParams(Dictionary<string, string> combination) =>
        [.. combination.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new Param { Name = kv.Key, Value = ParamValue.Of(kv.Value) })];
}
