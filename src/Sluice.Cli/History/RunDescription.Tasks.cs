using System.Text;
using Sluice.Model;
using Sluice.Model.Runs;
using Sluice.Store;

namespace Sluice.Cli.History;

/// <summary>The TaskRuns, steps, skipped tasks, artifacts and failure of a description.</summary>
internal static partial class RunDescription
{
    private static void WriteTaskRuns(TextWriter output, RunSummary summary, List<(RunSummary Summary, TaskRun? Run)> children, DateTimeOffset now)
    {
        if (summary.Kind != "PipelineRun")
        {
            return;
        }

        Section(output, "TaskRuns");
        if (children.Count == 0)
        {
            output.Write(" No taskruns\n");
            return;
        }

        var table = new TextTable("NAME", "TASK NAME", "STARTED", "DURATION", "STATUS");
        foreach (var (child, run) in children.OrderBy(c => c.Summary.Started ?? DateTimeOffset.MaxValue).ThenBy(c => c.Summary.Seq))
        {
            var outcome = CachedFrom(run) is { } source ? $"{Outcome(child)} (cached from {source})" : Outcome(child);
            table.Add(child.Name, child.PipelineTask ?? child.DefinitionName, child.Started is { } s ? Ages.Human(now - s) + " ago" : "---", Ages.Duration(child.Started, child.Completed), outcome);
        }

        table.Write(output, " ");
    }

    private static void WriteSteps(TextWriter output, List<(RunSummary Summary, TaskRun? Run)> children)
    {
        var table = new TextTable("TASK", "STEP", "STATUS", "EXIT", "DURATION");
        foreach (var (child, run) in children.OrderBy(c => c.Summary.Started ?? DateTimeOffset.MaxValue).ThenBy(c => c.Summary.Seq))
        {
            foreach (var step in run?.Status?.Steps ?? [])
            {
                var terminated = step.Terminated;
                var status = terminated is null ? (step.Running is not null ? "Running" : step.Waiting?.Reason ?? "Waiting")
                    : CachedFrom(run) is not null ? "Cached" : step.TerminationReason ?? terminated.Reason ?? "Completed";
                var started = Engine.Runs.Timestamps.Parse(terminated?.StartedAt ?? step.Running?.StartedAt);
                var finished = Engine.Runs.Timestamps.Parse(terminated?.FinishedAt);
                table.Add(child.PipelineTask ?? child.Name, step.Name, status, terminated is null ? "---" : terminated.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), Ages.Duration(started, finished));
            }
        }

        if (!table.IsEmpty)
        {
            Section(output, "Steps");
            table.Write(output, " ");
        }
    }

    private static void WriteSkipped(TextWriter output, IResource? run)
    {
        if (run is PipelineRun { Status.SkippedTasks: { IsDefaultOrEmpty: false } skipped })
        {
            Section(output, "Skipped Tasks");
            var table = new TextTable("NAME", "REASON");
            foreach (var task in skipped)
            {
                table.Add(task.Name, task.Reason);
            }

            table.Write(output, " ");
        }
    }

    private static void WriteArtifacts(TextWriter output, StoredRun stored)
    {
        if (stored.Artifacts.IsDefaultOrEmpty)
        {
            return;
        }

        Section(output, "Artifacts");
        var table = new TextTable("KIND", "NAME", "DIGEST", "PUBLISHED TO", "FROM");
        // A pipeline's results usually repeat its tasks' results: show each artifact once, where it was made.
        foreach (var artifact in stored.Artifacts.OrderBy(a => a.TaskRun == stored.Summary.Name ? 1 : 0).DistinctBy(a => (a.Kind, a.Name, a.Uri, a.Digest)))
        {
            table.Add(artifact.Kind, artifact.Name, artifact.Digest ?? "---", artifact.Uri ?? "---", artifact.TaskRun);
        }

        table.Write(output, " ");
    }

    private static void WriteFailure(TextWriter output, StoredRun stored, RunSummary summary, List<(RunSummary Summary, TaskRun? Run)> children)
    {
        if (summary.Succeeded != "False")
        {
            return;
        }

        Section(output, "Failure");
        output.Write($" {summary.Reason}: {summary.Message}\n");
        foreach (var (child, run) in children.Where(c => c.Summary.Succeeded == "False" && c.Summary.Uid != summary.Uid))
        {
            output.Write($" {child.PipelineTask ?? child.Name} ({child.Name}) {child.Reason}: {child.Message}\n");
        }

        foreach (var (child, run) in children.Where(c => c.Summary.Succeeded == "False"))
        {
            var step = run?.Status?.Steps.FirstOrDefault(s => s.Terminated is { ExitCode: not 0 } && s.TerminationReason != "Continued");
            if (step is null || stored.Logs.FirstOrDefault(l => l.TaskRun == child.Name && l.Container == (step.Container ?? "step-" + step.Name)) is not { } log)
            {
                continue;
            }

            var lines = Tail(log.Path, FailedLogLines);
            if (lines.Count > 0)
            {
                output.Write($"\n Last lines of {child.PipelineTask ?? child.Name}/{step.Name} (exit code {step.Terminated!.ExitCode}):\n");
                foreach (var line in lines)
                {
                    output.Write($"   {line}\n");
                }
            }
        }
    }

    /// <summary>The last lines of a file, reading only its end.</summary>
    private static List<string> Tail(string path, int count)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = Math.Min(file.Length, 8 * 1024);
        file.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        file.ReadExactly(buffer);
        var text = Encoding.UTF8.GetString(buffer).TrimEnd('\n');
        var lines = text.Split('\n');
        return [.. lines.Skip(Math.Max(0, lines.Length - count)).Select(l => l.TrimEnd('\r'))];
    }
}
