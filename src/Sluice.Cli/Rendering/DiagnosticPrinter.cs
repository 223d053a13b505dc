using Sluice.Model.Diagnostics;

namespace Sluice.Cli.Rendering;

/// <summary>Prints problems in input, one per line, positioned, with the fix.</summary>
public static class DiagnosticPrinter
{
    /// <summary>Prints every diagnostic to standard error and a count line.</summary>
    public static void Print(IEnumerable<Diagnostic> diagnostics, TextWriter error, bool color, string outcome = "nothing was run")
    {
        var count = 0;
        foreach (var diagnostic in diagnostics)
        {
            count++;
            var where = diagnostic.Location.IsKnown ? diagnostic.Location.ToString() : diagnostic.Location.File;
            var prefix = where.Length > 0 ? where + ": " : string.Empty;
            var field = diagnostic.FieldPath.Length > 0 ? diagnostic.FieldPath + ": " : string.Empty;
            var label = color ? "\e[31merror\e[0m" : "error";
            error.WriteLine($"{prefix}{label}: {field}{diagnostic.Message}");
            if (diagnostic.Fix is { } fix)
            {
                error.WriteLine($"  {(color ? "\e[2m" : string.Empty)}fix: {fix}{(color ? "\e[0m" : string.Empty)}");
            }
        }

        if (count > 0)
        {
            error.WriteLine(count == 1 ? $"1 problem found; {outcome}." : $"{count} problems found; {outcome}.");
        }
    }
}
