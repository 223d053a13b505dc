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
            error.WriteLine($"{prefix}{label}: {OneLine(field)}{OneLine(diagnostic.Message)}");
            if (diagnostic.Fix is { } fix)
            {
                error.WriteLine($"  {(color ? "\e[2m" : string.Empty)}fix: {OneLine(fix)}{(color ? "\e[0m" : string.Empty)}");
            }
        }

        if (count > 0)
        {
            error.WriteLine(count == 1 ? $"1 problem found; {outcome}." : $"{count} problems found; {outcome}.");
        }
    }

    /// <summary>
    /// Keeps a problem on its line: messages quote values as Go's %q does, and a line break that still gets
    /// through is shown escaped, so that every problem is one line followed by its fix.
    /// </summary>
    private static string OneLine(string text) =>
        text.AsSpan().IndexOfAny('\r', '\n') < 0
            ? text
            : text.Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
