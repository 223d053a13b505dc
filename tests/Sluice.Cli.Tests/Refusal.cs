using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.BadInput;

namespace Sluice.Cli.Tests;

/// <summary>
/// Checks that a command refused a corpus file the way the CLI promises: exit code 2, every problem as
/// <c>file:line:col: error: field: message</c> on one line followed by a <c>fix:</c> line, a count line,
/// no stack trace, and the expected problem (message or fix) at the expected position.
/// </summary>
internal static partial class Refusal
{
    public static void Assert(CommandOutcome outcome, CorpusEntry entry, string path, string outcomeText)
    {
        var violations = Violations(outcome, entry, path, outcomeText);
        if (violations.Count > 0)
        {
            Xunit.Assert.Fail($"{entry.Name}:\n  - {string.Join("\n  - ", violations)}\nexit code {outcome.ExitCode}; stderr:\n{outcome.Stderr}");
        }
    }

    public static IReadOnlyList<string> Violations(CommandOutcome outcome, CorpusEntry entry, string path, string outcomeText)
    {
        var violations = new List<string>();
        if (outcome.ExitCode != ExitCodes.InvalidInput)
        {
            violations.Add($"exit code {outcome.ExitCode}, expected {ExitCodes.InvalidInput} (invalid input)");
        }

        var lines = outcome.StderrLines;
        if (lines.FirstOrDefault(l => StackTrace().IsMatch(l)) is { } trace)
        {
            violations.Add($"a stack trace or exception name reached the user: \"{trace.Trim()}\"");
        }

        var errors = CheckLayout(lines, outcomeText, violations);
        if (errors.Count != 1)
        {
            violations.Add($"{errors.Count} problems reported; the file has exactly one");
        }

        var withMessage = errors.Where(e => e.Problem.Contains(entry.Message, StringComparison.Ordinal)).ToList();
        var atPosition = errors.Where(e => e.File == path && e.Line == entry.Line && e.Column == entry.Column).ToList();
        if ((withMessage.FirstOrDefault(atPosition.Contains) ?? withMessage.FirstOrDefault()) is { } match)
        {
            if (!atPosition.Contains(match))
            {
                violations.Add($"the problem is reported at {match.File}:{match.Line}:{match.Column}, expected {entry.Line}:{entry.Column}");
            }

            if (entry.Absent is { } absent && match.Problem.Contains(absent, StringComparison.Ordinal))
            {
                violations.Add($"the message says \"{absent}\", which does not apply to this input");
            }
        }
        else if (atPosition.FirstOrDefault() is { } other)
        {
            violations.Add($"the message at {entry.Line}:{entry.Column} is \"{other.Problem}\", expected it to contain \"{entry.Message}\"");
        }
        else
        {
            violations.Add($"no line \"{path}:{entry.Line}:{entry.Column}: error: ...{entry.Message}...\"");
        }

        return violations;
    }

    private static List<ErrorLine> CheckLayout(IReadOnlyList<string> lines, string outcomeText, List<string> violations)
    {
        var errors = new List<ErrorLine>();
        var stray = new List<string>();
        var countLine = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var error = ErrorLinePattern().Match(line);
            if (error.Success)
            {
                errors.Add(new ErrorLine(
                    error.Groups["file"].Value,
                    int.Parse(error.Groups["line"].Value, CultureInfo.InvariantCulture),
                    int.Parse(error.Groups["column"].Value, CultureInfo.InvariantCulture),
                    error.Groups["text"].Value));
                var next = i + 1;
                while (next < lines.Count && !IsStructured(lines[next]))
                {
                    next++;
                }

                if (next > i + 1)
                {
                    violations.Add($"the message of \"{Shorten(line)}\" goes on over {next - i - 1} more line(s); quote values with escapes (Tekton's %q) so that each problem is one line");
                }

                if (next >= lines.Count || !FixLinePattern().IsMatch(lines[next]))
                {
                    violations.Add($"no fix: line after \"{Shorten(line)}\"");
                    i = next - 1;
                }
                else
                {
                    errors[^1] = errors[^1] with { Fix = lines[next] };
                    i = next;
                }
            }
            else if (CountLinePattern().IsMatch(line))
            {
                countLine = i;
                if (!line.EndsWith(outcomeText, StringComparison.Ordinal))
                {
                    violations.Add($"the count line \"{line}\" does not end with \"{outcomeText}\"");
                }
            }
            else
            {
                stray.Add(line);
            }
        }

        if (stray.Count > 0)
        {
            violations.Add($"{stray.Count} line(s) outside the file:line:col: error / fix: / count format, the first: \"{Shorten(stray[0])}\"");
        }

        if (countLine != lines.Count - 1)
        {
            violations.Add("the output does not end with the count line (\"N problems found; ...\")");
        }
        else if (!lines[countLine].StartsWith(errors.Count == 1 ? "1 problem found" : $"{errors.Count} problems found", StringComparison.Ordinal))
        {
            violations.Add($"the count line \"{lines[countLine]}\" does not count the {errors.Count} problem(s) printed");
        }

        return errors;
    }

    private static bool IsStructured(string line) => ErrorLinePattern().IsMatch(line) || FixLinePattern().IsMatch(line) || CountLinePattern().IsMatch(line);

    private static string Shorten(string line) => line.Length <= 160 ? line : line[..157] + "...";

    [GeneratedRegex(@"^(?<file>.+?):(?<line>[0-9]+):(?<column>[0-9]+): error: (?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLinePattern();

    [GeneratedRegex(@"^  fix: \S", RegexOptions.CultureInvariant)]
    private static partial Regex FixLinePattern();

    [GeneratedRegex(@"^(1 problem|[0-9]+ problems) found; ", RegexOptions.CultureInvariant)]
    private static partial Regex CountLinePattern();

    [GeneratedRegex(@"^\s+at \S|\b\w+Exception\b", RegexOptions.CultureInvariant)]
    private static partial Regex StackTrace();

    private sealed record ErrorLine(string File, int Line, int Column, string Text)
    {
        public string? Fix { get; init; }

        /// <summary>The message and its fix, where a "did you mean" belongs.</summary>
        public string Problem => Fix is null ? Text : $"{Text}\n{Fix}";
    }
}
