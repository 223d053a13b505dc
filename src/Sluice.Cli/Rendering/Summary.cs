using System.Text;
using Sluice.Model;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Cli.Rendering;

/// <summary>The last lines of a run: outcome in Tekton's words, what failed and why, results, where the logs are.</summary>
public static class Summary
{
    /// <summary>The summary of a finished run, as lines that each end with a newline.</summary>
    internal static string Format(Terminal terminal, IResource run, RunProgress progress, string logDirectory)
    {
        var condition = run switch
        {
            PipelineRun p => p.Status?.Conditions.FirstOrDefault(),
            TaskRun t => t.Status?.Conditions.FirstOrDefault(),
            _ => null,
        };
        var ok = condition?.Status == "True";
        var took = progress.Finished is { } finished ? " in " + Durations.Format(finished - progress.Started) : string.Empty;
        var text = new StringBuilder();
        var outcome = terminal.Paint(condition?.Reason ?? "Unknown", ok ? Tint.Green : Tint.Red);
        text.Append(terminal.Paint(run.Kind, Tint.Bold)).Append(' ').Append(run.Metadata.Name).Append(' ').Append(outcome).Append(took);
        if (!string.IsNullOrEmpty(condition?.Message))
        {
            text.Append(": ").Append(condition.Message.TrimEnd());
        }

        text.Append('\n');
        if (run is PipelineRun pipelineRun && !ok)
        {
            foreach (var task in progress.Tasks.Where(t => t.Condition is { Status: "False" }))
            {
                text.Append("  ").Append(terminal.Paint("✗", Tint.Red)).Append(' ').Append(task.Key)
                    .Append(" (TaskRun ").Append(task.TaskRun).Append(") ").Append(task.Condition!.Reason).Append(": ").Append(task.Condition.Message?.TrimEnd()).Append('\n');
            }

            foreach (var skipped in pipelineRun.Status?.SkippedTasks ?? [])
            {
                text.Append("  ").Append(terminal.Paint("↷", Tint.Magenta)).Append(' ').Append(skipped.Name).Append(" skipped: ").Append(skipped.Reason).Append('\n');
            }
        }

        var results = run switch
        {
            PipelineRun p => p.Status?.Results ?? [],
            TaskRun t => t.Status?.Results ?? [],
            _ => [],
        };
        foreach (var result in results)
        {
            text.Append("  result ").Append(result.Name).Append(" = ").Append(Shorten(result.Value)).Append('\n');
        }

        text.Append("  ").Append(terminal.Paint($"logs: {logDirectory}", Tint.Dim)).Append('\n');
        return text.ToString();
    }

    private static string Shorten(ParamValue value)
    {
        var text = value.ToString();
        return text.Length > 200 ? text[..200] + $"… ({text.Length} characters)" : text.ReplaceLineEndings("\\n");
    }
}
