using System.Collections.Immutable;
using Sluice.Engine.Caching;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Store;

namespace Sluice.Cli.History;

/// <summary>
/// <c>sluice describe</c>: what <c>tkn pipelinerun describe</c> prints (name, status, params, results,
/// workspaces, the TaskRuns with status and duration, skipped tasks, the failure), plus each step's
/// outcome and duration, the artifacts, and the end of a failed step's log.
/// </summary>
internal static partial class RunDescription
{
    private const int FailedLogLines = 5;

    /// <summary>Writes the description of a stored run.</summary>
    public static void Write(TextWriter output, StoredRun stored, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var summary = stored.Summary;
        var run = Read(stored.Resource);
        var children = stored.Children.Select(c => (c.Summary, Run: Read(c.Resource) as TaskRun)).ToList();
        if (run is TaskRun taskRun && children.Count == 0)
        {
            children.Add((summary, taskRun));
        }

        output.Write($"Name:        {summary.Name}\n");
        output.Write($"Namespace:   {summary.Namespace}\n");
        output.Write($"UID:         {summary.Uid}\n");
        var definition = summary.DefinitionName ?? "(inline)";
        var version = summary.DefinitionVersion is { } v ? $" (stored version {v})" : string.Empty;
        output.Write(summary.Kind == "PipelineRun" ? $"Pipeline:    {definition}{version}\n" : $"Task:        {definition}{version}\n");
        if (summary.PipelineTask is { } pipelineTask)
        {
            output.Write($"Part of:     {run?.Metadata.Labels.GetValueOrDefault("tekton.dev/pipelineRun")} (pipeline task {pipelineTask})\n");
        }

        var labels = run?.Metadata.Labels ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty;
        output.Write(labels.Count == 0 ? "Labels:      <none>\n" : "Labels:\n" + string.Concat(labels.Select(l => $" {l.Key}={l.Value}\n")));

        Section(output, "Status");
        new TextTable("STARTED", "DURATION", "STATUS")
            .Add(summary.Started is { } s ? Ages.Human(now - s) + " ago" : "---", Ages.Duration(summary.Started, summary.Completed), Outcome(summary))
            .Write(output, " ");
        if (!string.IsNullOrEmpty(summary.Message))
        {
            output.Write($" Message: {summary.Message}\n");
        }

        if (run is TaskRun && CachedFrom(run) is { } source)
        {
            output.Write($" Cached:  from {source} (run {run.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.SourceRun)}), key {run.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Key)}\n");
        }

        WriteTimeouts(output, run);
        WriteParams(output, run);
        WriteResults(output, run);
        WriteWorkspaces(output, run);
        WriteTaskRuns(output, summary, children, now);
        WriteSteps(output, children);
        WriteSkipped(output, run);
        WriteArtifacts(output, stored);
        WriteFailure(output, stored, summary, children);
        output.Write($"\nLogs: sluice logs {summary.Name}\n");
    }

    private static void WriteTimeouts(TextWriter output, IResource? run)
    {
        var timeouts = run switch
        {
            PipelineRun { Spec.Timeouts: { } t } => new[] { ("Pipeline", t.Pipeline), ("Tasks", t.Tasks), ("Finally", t.Finally) }.Where(x => x.Item2 is not null).ToList(),
            TaskRun { Spec.Timeout: { } t } => [("Timeout", (Duration?)t)],
            _ => [],
        };
        if (timeouts.Count > 0)
        {
            Section(output, "Timeouts");
            foreach (var (name, value) in timeouts)
            {
                output.Write($" {name}: {value}\n");
            }
        }
    }

    private static void WriteParams(TextWriter output, IResource? run) =>
        WriteValues(output, "Params", "No params", run switch
        {
            PipelineRun p => [.. All(p.Spec.Params).Select(x => (x.Name, x.Value))],
            TaskRun t => [.. All(t.Spec.Params).Select(x => (x.Name, x.Value))],
            _ => [],
        });

    private static void WriteResults(TextWriter output, IResource? run) =>
        WriteValues(output, "Results", "No results", run switch
        {
            PipelineRun p => [.. All(p.Status?.Results ?? []).Select(x => (x.Name, x.Value))],
            TaskRun t => [.. All(t.Status?.Results ?? []).Select(x => (x.Name, x.Value))],
            _ => [],
        });

    private static IEnumerable<T> All<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    /// <summary>A section of names and values, or the line saying there are none.</summary>
    private static void WriteValues(TextWriter output, string title, string none, List<(string Name, ParamValue Value)> values)
    {
        Section(output, title);
        if (values.Count == 0)
        {
            output.Write($" {none}\n");
            return;
        }

        var table = new TextTable("NAME", "VALUE");
        foreach (var (name, value) in values)
        {
            table.Add(name, Shorten(value));
        }

        table.Write(output, " ");
    }

    private static void WriteWorkspaces(TextWriter output, IResource? run)
    {
        var workspaces = run switch
        {
            PipelineRun p => p.Spec.Workspaces,
            TaskRun t => t.Spec.Workspaces,
            _ => [],
        };
        Section(output, "Workspaces");
        if (workspaces.IsDefaultOrEmpty)
        {
            output.Write(" No workspaces\n");
            return;
        }

        var table = new TextTable("NAME", "SUB PATH", "WORKSPACE BINDING");
        foreach (var workspace in workspaces)
        {
            table.Add(workspace.Name, workspace.SubPath ?? "---", Binding(workspace));
        }

        table.Write(output, " ");
    }

    private static string Binding(WorkspaceBinding workspace) => workspace switch
    {
        { EmptyDir: not null } => "emptyDir",
        { VolumeClaimTemplate: not null } => "volumeClaimTemplate",
        { PersistentVolumeClaim: { } claim } => $"pvc:{claim.ClaimName}",
        { ConfigMap: { } map } => $"configmap:{map.Name}",
        { Secret: { } secret } => $"secret:{secret.SecretName}",
        _ => "---",
    };

    private static string Outcome(RunSummary summary) => summary.Succeeded switch
    {
        "Unknown" => summary.Reason ?? "Running",
        _ => summary.Reason ?? (summary.Succeeded == "True" ? "Succeeded" : "Failed"),
    };

    /// <summary>The TaskRun a cache hit restored a run from, or null when it was not one.</summary>
    private static string? CachedFrom(IResource? run) =>
        run?.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Hit) == "true" ? run.Metadata.Annotations.GetValueOrDefault(CacheAnnotations.Source) ?? string.Empty : null;

    private static void Section(TextWriter output, string title) => output.Write($"\n{title}\n\n");

    private static string Shorten(ParamValue value)
    {
        var text = value.ToString().ReplaceLineEndings("\\n");
        return text.Length > 80 ? text[..80] + $"… ({text.Length} characters)" : text;
    }

    private static IResource? Read(string json)
    {
        var diagnostics = new DiagnosticBag();
        var resources = ResourceReader.ReadText(json, "stored", diagnostics);
        return resources.Length == 1 ? resources[0].Resource : null;
    }
}
