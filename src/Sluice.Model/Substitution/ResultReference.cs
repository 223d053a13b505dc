namespace Sluice.Model.Substitution;

/// <summary>
/// A reference to a result: <c>tasks.t.results.r</c>, <c>tasks.t.results.r[1]</c>, <c>tasks.t.results.r[*]</c>,
/// <c>tasks.t.results.r.key</c>, and the same under <c>finally.</c> or <c>steps.</c>.
/// </summary>
/// <param name="Scope"><c>tasks</c>, <c>finally</c> or <c>steps</c>.</param>
/// <param name="Owner">The pipeline task or step name.</param>
/// <param name="Result">The result name.</param>
/// <param name="Index">An array index, or null.</param>
/// <param name="Whole">Whether the reference ends in <c>[*]</c>.</param>
/// <param name="Key">An object key, or null.</param>
public sealed record ResultReference(string Scope, string Owner, string Result, int? Index, bool Whole, string? Key)
{
    /// <summary>Whether an expression looks like a task result reference (four or more dotted parts, <c>tasks|finally.x.results.y</c>).</summary>
    public static bool LooksLikeTaskResult(string expression)
    {
        var parts = expression.Split('.');
        return parts.Length >= 4 && parts[0] is "tasks" or "finally" && parts[2] == "results";
    }

    /// <summary>Parses a task (or finally) result reference, or returns null.</summary>
    public static ResultReference? ParseTask(string expression) =>
        LooksLikeTaskResult(expression) ? Parse(expression) : null;

    /// <summary>Parses a step result reference, or returns null.</summary>
    public static ResultReference? ParseStep(string expression)
    {
        var parts = expression.Split('.');
        return parts.Length >= 4 && parts[0] == "steps" && parts[2] == "results" ? Parse(expression) : null;
    }

    private static ResultReference? Parse(string expression)
    {
        var parts = expression.Split('.');
        if (parts.Length == 4)
        {
            var (name, index) = Variables.SplitIndex(parts[3]);
            return index switch
            {
                "" => new ResultReference(parts[0], parts[1], name, null, false, null),
                "*" => new ResultReference(parts[0], parts[1], name, null, true, null),
                _ => new ResultReference(parts[0], parts[1], name, int.TryParse(index, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : 0, false, null),
            };
        }

        return parts.Length == 5 ? new ResultReference(parts[0], parts[1], parts[3], null, false, parts[4]) : null;
    }
}
