using System.Collections.Immutable;
using Sluice.Model;
using Sluice.Model.Diagnostics;
using Sluice.Model.Loading;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Store;

namespace Sluice.Cli.Commands;

/// <summary>
/// What <c>rerun --same-inputs</c> pins: each step image to the image id it ran (through the image map),
/// and each task that resolved a commit (a result named <c>commit</c>) and takes a <c>revision</c> param
/// to that commit, in the definition the rerun uses.
/// </summary>
/// <param name="Run">The run to start.</param>
/// <param name="Resources">The definitions it uses, with pinned revisions.</param>
/// <param name="Images">Image map entries: reference as written to the image id it ran.</param>
/// <param name="Notes">What was pinned, for people.</param>
internal sealed record SameInputsPlan(IResource Run, ResourceSet Resources, ImmutableArray<KeyValuePair<string, string>> Images, ImmutableArray<string> Notes)
{
    private static readonly string[] CommitResults = ["commit", "COMMIT", "CHAINS-GIT_COMMIT"];

    public static SameInputsPlan From(StoredRun stored, IResource run, ResourceSet resources)
    {
        var notes = ImmutableArray.CreateBuilder<string>();
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var taskRuns = stored.Children.Select(c => (c.Summary.PipelineTask, Run: Read(c.Resource) as TaskRun)).ToList();
        if (Read(stored.Resource) is TaskRun alone)
        {
            taskRuns.Add((null, alone));
        }

        foreach (var (_, taskRun) in taskRuns)
        {
            var spec = taskRun?.Status?.TaskSpec;
            foreach (var (state, index) in (taskRun?.Status?.Steps ?? []).Select((s, i) => (s, i)))
            {
                var image = spec is not null && index < spec.Steps.Length ? spec.Steps[index].Image : null;
                if (image is not null && state.ImageID is { } id && id.StartsWith("sha256:", StringComparison.Ordinal) && images.TryAdd(image, id))
                {
                    notes.Add($"image {image} to {id}");
                }
            }
        }

        foreach (var (pipelineTask, taskRun) in taskRuns)
        {
            var commit = taskRun?.Status?.Results.FirstOrDefault(r => CommitResults.Contains(r.Name))?.Value.StringValue;
            if (string.IsNullOrEmpty(commit))
            {
                continue;
            }

            switch (run)
            {
                case TaskRun single when single.Spec.Params.Any(p => p.Name == "revision"):
                    run = single with { Spec = single.Spec with { Params = Pin(single.Spec.Params, commit) } };
                    notes.Add($"revision to commit {commit}");
                    break;
                case PipelineRun pipelineRun when pipelineTask is not null:
                    (run, resources) = PinPipelineTask(pipelineRun, resources, pipelineTask, commit, notes);
                    break;
            }
        }

        return new SameInputsPlan(run, resources, [.. images], notes.ToImmutable());
    }

    private static (IResource, ResourceSet) PinPipelineTask(PipelineRun run, ResourceSet resources, string pipelineTask, string commit, ImmutableArray<string>.Builder notes)
    {
        var loaded = run.Spec.PipelineRef?.Name is { } name ? resources.FindPipeline(name) : null;
        var spec = run.Spec.PipelineSpec ?? (loaded?.Resource as PipelineDefinition)?.Spec;
        if (spec is null || spec.Tasks.FirstOrDefault(t => t.Name == pipelineTask) is not { } task || task.Params.All(p => p.Name != "revision"))
        {
            return (run, resources);
        }

        var pinned = spec with { Tasks = spec.Tasks.Replace(task, task with { Params = Pin(task.Params, commit) }) };
        notes.Add($"{pipelineTask} revision to commit {commit}");
        if (run.Spec.PipelineSpec is not null || loaded is null)
        {
            return (run with { Spec = run.Spec with { PipelineSpec = pinned } }, resources);
        }

        var definition = (PipelineDefinition)loaded.Resource;
        var replaced = resources.Resources.Replace(loaded, loaded with { Resource = definition with { Spec = pinned } });
        return (run, ResourceSet.FromResources(replaced, new DiagnosticBag()));
    }

    private static ImmutableArray<Param> Pin(ImmutableArray<Param> parameters, string commit) =>
        [.. parameters.Select(p => p.Name == "revision" ? p with { Value = ParamValue.Of(commit) } : p)];

    private static IResource? Read(string json)
    {
        var read = ResourceReader.ReadText(json, "stored", new DiagnosticBag());
        return read.Length == 1 ? read[0].Resource : null;
    }
}
