using System.Collections.Immutable;
using Sluice.Engine.Runs;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Store.Tests;

/// <summary>Runs as the engine reports them, built by hand with fixed times.</summary>
internal static class Runs
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    public static string At(int seconds) => Timestamps.Format(Start.AddSeconds(seconds));

    public static PipelineRun Pipeline(string name, string uid, string pipeline = "build", int created = 0, ImmutableSortedDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = uid, CreationTimestamp = At(created), Labels = labels ?? ImmutableSortedDictionary<string, string>.Empty },
        Spec = new PipelineRunSpec
        {
            PipelineRef = new PipelineReference { Name = pipeline },
            Params = [new Param { Name = "revision", Value = ParamValue.Of("main") }],
        },
    };

    public static PipelineRun Running(PipelineRun run, int at = 1) => run with
    {
        Status = new PipelineRunStatus
        {
            StartTime = At(at),
            Conditions = [new Condition { Status = "Unknown", Reason = "Running", Message = "Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 0", LastTransitionTime = At(at) }],
        },
    };

    public static PipelineRun Finished(PipelineRun run, bool succeeded, int at = 10) => run with
    {
        Status = (run.Status ?? Running(run).Status!) with
        {
            CompletionTime = At(at),
            Conditions = [succeeded
                ? new Condition { Status = "True", Reason = "Succeeded", Message = "Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0", LastTransitionTime = At(at) }
                : new Condition { Status = "False", Reason = "Failed", Message = "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0", LastTransitionTime = At(at) }],
            Results = [new RunResult { Name = "IMAGE_URL", Value = ParamValue.Of("registry.local/app") }, new RunResult { Name = "IMAGE_DIGEST", Value = ParamValue.Of("sha256:abc") }],
        },
    };

    public static TaskRun Task(string name, string uid, string pipelineRun, string task = "compile", bool running = true, int at = 2) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = uid,
            CreationTimestamp = At(at),
            Labels = ImmutableSortedDictionary<string, string>.Empty.Add("tekton.dev/pipelineRun", pipelineRun).Add("tekton.dev/pipelineTask", task),
        },
        Spec = new TaskRunSpec { TaskRef = new TaskReference { Name = task } },
        Status = new TaskRunStatus
        {
            StartTime = At(at),
            PodName = name + "-pod",
            CompletionTime = running ? null : At(at + 5),
            Conditions = [running
                ? new Condition { Status = "Unknown", Reason = "Running", Message = "Not all Steps in the Task have finished executing", LastTransitionTime = At(at) }
                : new Condition { Status = "True", Reason = "Succeeded", Message = "All Steps have completed executing", LastTransitionTime = At(at + 5) }],
            Steps = [running
                ? new StepState { Name = "make", Container = "step-make", ImageID = "sha256:1111", Running = new ContainerRunning { StartedAt = At(at) } }
                : new StepState { Name = "make", Container = "step-make", ImageID = "sha256:1111", Terminated = new ContainerTerminated { ExitCode = 0, Reason = "Completed", StartedAt = At(at), FinishedAt = At(at + 5) }, TerminationReason = "Completed" }],
        },
    };

    public static RunRecord Record(PipelineRun run, string? owner = "host/1/1") => new() { RootUid = run.Metadata.Uid!, Run = run, Owner = owner };

    public static RunRecord Record(TaskRun run, string rootUid, string? pipelineTask = "compile") => new() { RootUid = rootUid, Run = run, PipelineTask = pipelineTask };
}
